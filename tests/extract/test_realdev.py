"""The realdev-format scorer against numbers worked out by hand on an invented gold and prediction.

The semantics are those of shared/realdev/score.py (the scorer of record);
the expected counts below were computed on paper from them, one edge case
at a time, so a change in matching shows up here whether or not
../shared is present.
"""

import json

import pytest
from typer.testing import CliRunner

from cli import app
from extract.realdev import (
    Accuracy,
    Counts,
    evaluate_realdev,
    gold_format,
    read_gold,
    read_predictions,
    score_file,
)
from graph.errors import InputError
from tests.conftest import ROOT

D = {"doubtful": True}

GOLD = [
    {
        "doc": "g1.txt",
        "issuer": {"name": "甲市教育局", "in_text": True},
        "entities": [
            {"type": "Agency", "name": "甲市教育局", "surface": ["甲市教育局"]},
            {"type": "Place", "name": "甲市", "surface": ["甲市"]},
            {"type": "Program", "name": "双减", "surface": ["“双减”"]},
            {"type": "Program", "name": "强师工程", "surface": ["强师工程"]},
            {"type": "Institution", "name": "乙大学", "surface": ["乙大学"]},
            {"type": "Event", "name": "读书节", "surface": ["读书节"], **D},
            {"type": "Agency", "name": "办公室", "surface": ["办公室"]},
        ],
        "relations": [
            {"type": "IMPLEMENTS", "head": "甲市教育局", "tail": "双减", "trigger": "实施", "evidence": "实施“双减”"},
            {"type": "PARTNERS_WITH", "head": "甲市教育局", "tail": "乙大学", "trigger": "联合", "evidence": "…"},
            {"type": "ORGANIZES", "head": "甲市教育局", "tail": "读书节", "trigger": "举办", "evidence": "…", **D},
            {"type": "RESPONSIBLE_FOR", "head": "办公室", "tail": "甲市教育局", "trigger": "责任科室", "evidence": "…"},
            {"type": "RESPONSIBLE_FOR", "head": "人事科", "tail": "甲市教育局", "trigger": "责任科室", **D},
        ],
        "targets": [
            {"text": "新增学位3000个", "value": 3000, "unit": "个", "qualifier": "exact"},
            {"text": "新建学校5所", "value": 5, "unit": "所", "qualifier": "exact"},
            {"text": "达到95%", "value": 95, "unit": "%", "qualifier": "exact", **D},
            {"text": "培育2个", "value": 2, "unit": "个", "qualifier": "exact"},
        ],
    },
    {
        "doc": "g2.txt",
        "issuer": {"name": "丙县教体局", "in_text": False},
        "entities": [
            {"type": "Agency", "name": "丙县教体局", "surface": ["丙县教体局"]},
            {"type": "Place", "name": "丙县", "surface": ["丙县"]},
        ],
        "relations": [],
        "targets": [],
    },
    {
        "doc": "g3.txt",
        "issuer": {"name": "丁区教育局", "in_text": True},
        "entities": [
            {"type": "Agency", "name": "丁区教育局", "surface": ["丁区教育局"]},
            {"type": "Program", "name": "国培计划", "surface": ["“国培计划”"]},
        ],
        "relations": [
            {"type": "IMPLEMENTS", "head": "丁区教育局", "tail": "国培计划", "trigger": "实施", "evidence": "…"},
        ],
        "targets": [{"text": "10所", "value": 10, "unit": "所", "qualifier": "exact"}],
    },
]


def ent(type_, name, *aliases):
    return {"type": type_, "name": name, "aliases": list(aliases), "mentions": []}


def rel(type_, head, tail):
    return {"type": type_, "head": {"type": "?", "name": head}, "tail": {"type": "?", "name": tail}}


PRED = [
    # g1 in two segments: their entities, relations, points and targets are merged
    {
        "document": {"source": "some/dir/g1.txt", "issuer": "甲市教育局"},
        "points": [],
        "entities": [
            ent("Agency", "甲市教育局", "市教育局"),
            ent("Place", "甲", "甲市"),  # the gold name is an alias
            ent("Program", "“双减”"),  # quotes are not part of the name
            ent("Event", "读书节"),  # doubtful in the gold: not counted
            ent("Institution", "乙大学附属中学"),  # false (strict), overlaps 乙大学 (lenient)
        ],
        "relations": [
            rel("IMPLEMENTS", "甲市教育局", "双减"),
            rel("PARTNERS_WITH", "乙大学", "甲市教育局"),  # reversed: undirected
            rel("ORGANIZES", "甲市教育局", "读书节"),  # doubtful: not counted
            rel("LOCATED_IN", "乙大学附属中学", "甲"),  # not scored
        ],
        "targets": [
            {"value": 3000, "unit": "个"},
            {"value": 3000.0, "unit": "个"},  # a duplicate pair counts once
            {"value": 95, "unit": "%"},  # doubtful: not counted
        ],
    },
    {
        "document": {"source": "some/dir/g1.txt", "issuer": None},
        "points": [{"responsible": [{"name": "人事科", "role": "lead"}]}, {"responsible": [{"name": "财务科"}]}],
        "entities": [ent("Program", "强师"), ent("Agency", "局办公室", "办公室")],
        "relations": [
            rel("IMPLEMENTS", "市教育局", "强师"),  # an alias as an end does not bring in the entity's name
            rel("RESPONSIBLE_FOR", "局办公室", "甲市教育局"),  # matches 办公室 through its alias
        ],
        "targets": [{"value": 5, "unit": "所"}, {"value": 7, "unit": "人"}, {"value": None, "unit": "个"}],
    },
    # g2: the issuer matches through an alias of the predicted issuer's entity
    {
        "document": {"source": "g2.txt", "issuer": "丙县教育体育局"},
        "entities": [ent("Agency", "丙县教育体育局", "丙县教体局"), ent("Place", "丙县"), ent("Place", "丙县")],
        "relations": [],
        "targets": [{"value": 1, "unit": "个"}],
    },
    # g3 has no prediction; a prediction for a document without gold is ignored
    {"document": {"source": "other.txt", "issuer": "X"}, "entities": [ent("Agency", "X")]},
]


@pytest.fixture()
def files(tmp_path):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    pred.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PRED), encoding="utf-8")
    return gold, pred


def test_hand_computed_scores(files):
    report = score_file(*files)
    assert report.documents == ("g1.txt", "g2.txt", "g3.txt")
    assert report.missing == ("g3.txt",)
    assert dict(report.entities) == {
        "Agency": Counts(found=3, predicted=3, gold=4),
        "Institution": Counts(found=0, predicted=1, gold=1),
        "Place": Counts(found=2, predicted=2, gold=2),
        "Program": Counts(found=1, predicted=2, gold=3),
    }
    assert report.strict == Counts(6, 8, 10)
    assert report.untyped == Counts(3, 8, 10)  # names only, aliases not used
    assert report.lenient == Counts(8, 8, 10)  # 强师 ⊂ 强师工程, 乙大学 ⊂ 乙大学附属中学
    assert dict(report.relations_by_type) == {"IMPLEMENTS": Counts(1, 2, 2), "PARTNERS_WITH": Counts(1, 1, 1)}
    assert report.relations == Counts(2, 3, 3)
    assert report.responsible == Counts(found=1, predicted=2, gold=1)  # 人事科 doubtful, 财务科 false
    assert report.targets == Counts(found=2, predicted=4, gold=4)
    assert report.issuer == Accuracy(2, 3)
    assert report.issuer_in_text == Accuracy(1, 2)  # g2's issuer is not in its text
    assert report.summary_line() == (
        "entity_f1_strict=0.667 relation_f1=0.667 target_f1=0.500 issuer_acc=0.667 responsible_f1=0.667"
    )


def test_table_in_the_scorers_layout(files):
    lines = score_file(*files).score_table().splitlines()
    assert lines[0] == "no prediction for: g3.txt"
    assert lines[1] == "type              P      R     F1   gold"
    assert lines[2] == "Agency         1.00   0.75   0.86      4"
    assert "ALL untyped    0.38   0.30   0.33" in lines
    assert "responsible    0.50   1.00   0.67      1" in lines
    assert lines[-2] == "issuer       2/3 = 0.67"
    assert lines[-1].startswith("entity_f1_strict=0.667 ")


def test_errors_name_each_miss_and_false_hit(files):
    errors = {(e.doc, e.kind, e.error, e.name) for e in score_file(*files).errors}
    assert ("g1.txt", "entity", "miss", "强师工程") in errors
    assert ("g1.txt", "entity", "false", "乙大学附属中学") in errors
    assert ("g1.txt", "relation", "false", "市教育局 → 强师") in errors
    assert ("g1.txt", "responsible", "false", "财务科") in errors
    assert ("g1.txt", "target", "false", "7人") in errors
    assert ("g3.txt", "issuer", "wrong", "gold=丁区教育局 pred=-") in errors
    assert not any(e[3] == "读书节" for e in errors)  # doubtful: neither missed nor false


def test_formats_are_told_apart(tmp_path, files):
    assert gold_format(ROOT / "tests" / "gold") == "project"
    assert gold_format(files[0]) == "realdev"
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.jsonl").write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    (mixed / "b.jsonl").write_bytes((ROOT / "tests" / "gold" / "zhuji_2024_jiaoti_gongzuo_yaodian.jsonl").read_bytes())
    with pytest.raises(InputError, match="mixes the realdev format"):
        gold_format(mixed)


def test_bad_gold_and_predictions_are_user_errors(tmp_path, files):
    twice = tmp_path / "twice.jsonl"
    line = json.dumps(GOLD[1], ensure_ascii=False)
    twice.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"g2\.txt has a gold line already"):
        read_gold(twice)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"doc": "x.txt", "entities": [{"name": "no type"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a realdev gold document"):
        read_gold(broken)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON line"):
        read_predictions(pred)
    with pytest.raises(InputError, match="cannot read predictions"):
        read_predictions(tmp_path / "missing.jsonl")


EXTRA = ROOT / "tests" / "extra" / "gold.jsonl"


def test_eval_command_reads_the_realdev_format():
    result = CliRunner().invoke(app, ["eval", "--gold", str(EXTRA)])
    assert result.exit_code == 0, result.output
    for label in ("ALL strict", "ALL untyped", "ALL lenient", "relations", "responsible", "targets"):
        assert label in result.output
    assert "issuer (in_text)  " in result.output and "entity_f1_strict=" in result.output
    as_json = CliRunner().invoke(app, ["eval", "--gold", str(EXTRA), "--json"])
    data = json.loads(as_json.stdout)
    assert data["format"] == "realdev" and len(data["documents"]) == 8
    assert data["issuer_in_text"]["total"] == 8 and set(data["entities_all"]) == {"strict", "untyped", "lenient"}
    assert data["responsible"]["gold"] == 12


def test_extraction_scored_in_memory_equals_the_jsonl_scored(nlp, tmp_path):
    """`policykg eval` (records in memory) and score.py's input (the JSONL `extract` writes) agree."""
    plans = sorted((ROOT / "tests" / "extra" / "plans").glob("*.txt"))
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", *map(str, plans), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from_file = score_file(EXTRA, out)
    in_memory = evaluate_realdev(EXTRA, nlp=nlp)
    assert from_file.score_table() == in_memory.score_table()
    assert from_file.issuer_in_text == in_memory.issuer_in_text
