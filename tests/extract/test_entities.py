import pytest

from graph.model import ENTITY_TYPES
from tests.conftest import BAICHENG, ZHUJI


def names(ex, etype=None):
    return {e.name for e in ex.entities if etype is None or e.type == etype}


@pytest.mark.parametrize(
    "source,etype,name",
    [
        (BAICHENG.name, "Agency", "白城市教育局"),
        (BAICHENG.name, "Program", "国培计划"),
        (BAICHENG.name, "Program", "特岗计划"),
        (BAICHENG.name, "Institution", "白城职业技术学院"),
        (BAICHENG.name, "Institution", "吉电能谷(白城)储能投资有限公司"),
        (BAICHENG.name, "Platform", "国家智慧教育平台"),
        (BAICHENG.name, "Event", "全市教师作业设计大赛"),
        (BAICHENG.name, "Place", "白城市"),
        (ZHUJI.name, "Agency", "诸暨市教育体育局"),
        (ZHUJI.name, "Institution", "科大讯飞"),
        (ZHUJI.name, "Institution", "华东师范大学"),
        (ZHUJI.name, "Platform", "学在诸暨"),
        (ZHUJI.name, "Policy", "关于加强新时代中小学科学教育工作的实施意见"),
        (ZHUJI.name, "Event", "西施马拉松"),
    ],
)
def test_obvious_entities_are_found(extractions, source, etype, name):
    assert name in names(extractions[source], etype)


def test_every_type_appears_on_the_examples(extractions):
    found = {e.type for ex in extractions.values() for e in ex.entities}
    assert found == set(ENTITY_TYPES)


@pytest.mark.parametrize("generic", ["学校", "教师", "课后服务", "民办学校", "职业院校", "中小学"])
def test_generic_nouns_are_not_entities(extractions, generic):
    for ex in extractions.values():
        assert generic not in names(ex)


def test_mentions_point_into_their_unit(extractions):
    for ex in extractions.values():
        texts = ex.unit_texts()
        for e in ex.entities:
            for m in e.mentions:
                assert texts[m.point][m.start : m.end] == m.text


def test_mentions_link_points(extractions):
    ex = extractions[BAICHENG.name]
    guopei = next(e for e in ex.entities if e.name == "国培计划")
    point = next(p for p in ex.points if p.id == guopei.mentions[0].point)
    assert point.number == 13


def test_pdf_breaks_inside_names(nlp):
    from extract.pipeline import extract_document
    from extract.read import RawDocument

    text = "某市2025年教育工作要点\n1.推进教育数字化。深化国家智慧教\n育平台应用，联合华东师 范大学开展试点。\n"
    raw = RawDocument(path=__import__("pathlib").Path("pdf.txt"), text=text, encoding="utf-8", sha256="1" * 64)
    ex = extract_document(raw, nlp)
    assert {"国家智慧教育平台", "华东师范大学"} <= names(ex)
    point = ex.points[0]
    for e in ex.entities:
        for m in e.mentions:
            assert point.text[m.start : m.end] == m.text


def test_the_pipeline_sets_doc_ents(nlp):
    """Used as a plain spaCy pipeline, the chosen names are `doc.ents`, whitespace and all."""
    doc = nlp("实施国培计划，联合华东师 范大学建设  智慧教育平台。")
    ents = [(e.text, e.label_, e.kb_id_) for e in doc.ents]
    assert ("国培计划", "Program", "国培计划") in ents
    assert ("华东师 范大学", "Institution", "华东师范大学") in ents
    assert all(t.ent_iob_ in ("B", "I") for e in doc.ents for t in e)


def test_user_patterns(tmp_path):
    from extract.pipeline import build_nlp, extract_document
    from extract.read import RawDocument

    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "Program", "pattern": "春晖行", "id": "春晖行动计划"}\n', encoding="utf-8")
    nlp = build_nlp(patterns=patterns)
    raw = RawDocument(
        path=__import__("pathlib").Path("u.txt"), text="1.深入推进春晖行。\n", encoding="utf-8", sha256="2" * 64
    )
    ex = extract_document(raw, nlp)
    assert "春晖行动计划" in names(ex, "Program")


def test_bad_patterns_file(tmp_path):
    from extract.pipeline import build_nlp
    from graph.errors import InputError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "Program", "pattern": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        build_nlp(patterns=bad)
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text('{"label": "Person", "pattern": "张三"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown label"):
        build_nlp(patterns=unknown)
