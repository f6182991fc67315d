"""The synthetic plans: deterministic, of the examples' size, and read by the real structure parser."""

from __future__ import annotations

import hashlib

import pytest

from bench.corpus import generate, generate_plans, main
from extract.read import clean
from extract.structure import parse_structure

N = 5


@pytest.fixture(scope="module")
def plans():
    return list(generate_plans(N, seed=3))


def test_same_seed_same_bytes_and_other_seed_other_plans():
    first = list(generate(N, seed=3))
    assert first == list(generate(N, seed=3))
    assert [text for _, text in first] != [text for _, text in generate(N, seed=4)]
    # plan i depends on (seed, i) only: a bigger corpus starts with the smaller one
    assert list(generate(N + 2, seed=3))[:N] == first


def test_n_plans_with_distinct_names_and_example_sizes(plans):
    assert len(plans) == N
    assert len({p.name for p in plans}) == N
    assert all(p.name.endswith("_jiaoyu_gongzuo_yaodian.txt") for p in plans)
    sizes = [len(p.text.encode("utf-8")) for p in plans]
    assert all(10_000 <= s <= 17_000 for s in sizes), sizes  # the examples: 12.5 and 14.5 KB
    assert min(p.points for p in plans) >= 8 and max(p.points for p in plans) <= 25


def test_the_parser_finds_the_points_and_header_the_generator_wrote(plans):
    for p in plans:
        data = p.text.encode("utf-8")
        st = parse_structure(clean(p.text), source=p.name, sha256=hashlib.sha256(data).hexdigest())
        assert [q.number for q in st.points] == list(range(1, p.points + 1)), p.name
        assert len(st.sections) == p.sections, p.name
        doc = st.document
        assert doc.issuer and doc.issuer.endswith(("局", "教育体育局"))
        assert doc.doc_number and "〔" in doc.doc_number and doc.doc_number.endswith("号")
        assert doc.plan_title and doc.plan_title.endswith("教育工作要点")
        assert doc.addressees and doc.issued_date
        assert not st.warnings


def test_text_has_the_genre_markers(plans):
    text = "\n".join(p.text for p in plans)
    for marker in ("实施", "举办", "联合", "依托", "牵头", "“", "《", "%以上", "不少于", "—"):
        assert marker in text, marker


def test_national_names_recur_and_local_names_grow():
    entities = [p.entities for p in generate_plans(12, seed=1)]
    shared = set.intersection(*entities[:6])
    assert any(t == "Agency" for t, _ in entities[0])
    assert len(set.union(*entities)) > 5 * len(entities[0])  # new cities bring new names
    counts: dict[tuple[str, str], int] = {}
    for found in entities:
        for e in found:
            counts[e] = counts.get(e, 0) + 1
    assert max(counts.values()) >= 6  # some national programmes or policies repeat
    assert shared <= set(counts)


def test_cli_writes_files_and_prints_stats(tmp_path, capsys):
    main(["--n", "3", "--seed", "2", "--out", str(tmp_path)])
    files = sorted(tmp_path.glob("*.txt"))
    assert [f.name for f in files] == sorted(name for name, _ in generate(3, seed=2))
    assert files[0].read_text(encoding="utf-8") == dict(generate(3, seed=2))[files[0].name]
    out = capsys.readouterr().out
    assert out.startswith("3 plans, ") and "MB" in out and "entities per plan" in out


def test_stage_benchmark_times_every_stage(tmp_path):
    """bench.stages splits extraction into every pipeline component, each with a CPU time."""
    from bench.corpus import write_corpus
    from bench.stages import measure
    from extract.pipeline import build_nlp

    write_corpus(2, 1, tmp_path)
    chars, stages = measure(sorted(tmp_path.glob("*.txt")), reps=1)
    names = [name for name, _sec in stages]
    assert chars > 1000
    assert [n for n in names if n.startswith("policykg_")] == build_nlp().pipe_names
    assert names[:3] == ["read (decode, checks)", "structure (units, numbering)", "Doc (char tokenizer)"]
    assert all(sec >= 0 for _name, sec in stages)
    assert all(sec > 0 for name, sec in stages if name.startswith("policykg_entity"))
