"""The kinds real published plans take (issue 15), each on sentences written for the test.

None of these sentences is from the development texts: they are invented
in the shapes the issue lists (notice titles, joint issuers, signatures,
portal fields, short forms, news reports, names' left edges, formulas,
local bodies, places inside words, compound and numbered schools).
"""

from pathlib import Path

import pytest

from extract.pipeline import extract_document
from extract.read import RawDocument


def run(nlp, text, name="t.txt"):
    raw = RawDocument(path=Path(name), text=text, encoding="utf-8", sha256=str(abs(hash(text))).rjust(64, "0"))
    return extract_document(raw, nlp)


def names(ex, etype=None):
    return {e.name for e in ex.entities if etype is None or e.type == etype}


def aliases(ex, name):
    return next(set(e.aliases) for e in ex.entities if e.name == name)


LETTER = "各县(市、区)教育局:\n现将《要点》印发给你们。\n"
NOTICE = "关于印发《2025年全市教育工作要点》的通知\n"
BODY = "\n1.深化改革。实施强师工程，举办全市教师技能大赛。\n2.加强保障。推进教育数字化。\n"


# -- 1. issuer -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "issuers", "source"),
    [
        ("衢州市教育局关于印发2025年全市教育工作要点的通知\n\n2025年全市教育工作要点\n", ("衢州市教育局",), "notice"),
        (
            "中共衢州市委教育工委衢州市教育局2025年工作要点\n",
            ("中共衢州市委教育工委", "衢州市教育局"),
            "title",
        ),
        ("中共衢州市委教育工委 衢州市教育局\n\n2025年工作要点\n", ("中共衢州市委教育工委", "衢州市教育局"), "title"),
        (
            "各县(市、区)教育局:\n现将《要点》印发给你们。\n\n衢州市教育局\n\n2025318\n\n2025年工作要点\n",
            ("衢州市教育局",),
            "signature",
        ),
        (
            "各县(市、区)教育局:\n现将《要点》印发给你们。\n衢州市教育局\n2025-03-18\n2025年工作要点\n",
            ("衢州市教育局",),
            "signature",
        ),
        (
            "关于印发《2025年全市教育工作要点》的通知\n发布时间:2025-03-18  发布机构:衢州市教育局\n",
            ("衢州市教育局",),
            "publisher",
        ),
        ("关于印发《2025年全市教育工作要点》的通知\n[ 衢州市教育局微信公众号 ] 作者:\n", ("衢州市教育局",), "source"),
        ("关于印发《2025年全市教育工作要点》的通知\n信息来源:\n衢州市教育局\n", ("衢州市教育局",), "source"),
    ],
    ids=[
        "notice",
        "joint-run-together",
        "joint-spaced-above-title",
        "squashed-date",
        "iso-date",
        "publisher",
        "bracket",
        "value-next-line",
    ],
)
def test_issuer_from_every_header_form(nlp, header, issuers, source):
    ex = run(nlp, header + "全市教育工作的总体要求是:坚持改革。" + BODY)
    assert ex.document.issuers == issuers
    assert ex.document.issuer_source == source
    assert ("IMPLEMENTS", issuers[0], "强师工程") in {(r.type, r.head.name, r.tail.name) for r in ex.relations}


def test_a_short_form_issuer_is_named_with_the_documents_place(nlp):
    ex = run(nlp, "区教体局2025年工作要点\n婺城区2025年全区教育工作的总体要求是:坚持改革,服务婺城区发展。" + BODY)
    assert ex.document.issuer == "婺城区教体局"
    assert "区教体局" in aliases(ex, "婺城区教体局")
    assert ex.document.place == "婺城区"


def test_a_news_report_names_its_authority(nlp):
    ex = run(
        nlp, "兰溪市召开校园安全推进会\n3月5日,兰溪市召开会议。会上,兰溪市教育局局长指出,要办好全市教师技能大赛。\n"
    )
    assert ex.document.issuer == "兰溪市教育局"
    assert ex.document.issuer_source == "body"


def test_an_unwritten_issuer_is_inferred_and_says_so(nlp):
    text = "2025年全市教育工作要点\n全市教育系统要服务金华发展,推动全市教育提质,建设金华教育高地。" + BODY
    ex = run(nlp, text)
    assert ex.document.issuer == "金华市教育局"
    assert ex.document.issuer_source == "inferred"
    assert "金华市教育局" not in names(ex)  # not written in the text: the graph makes its node, the text names none


# -- 2. names' left edge ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected", "wrong"),
    [
        ("随着城东学校建成投用,办学条件改善。", "城东学校", "随着城东学校"),
        ("充分发挥兰溪市名师培养工程的示范作用。", "兰溪市名师培养工程", "充分发挥兰溪市名师培养工程"),
        ("举办金华市2025年中小学田径运动会。", "金华市2025年中小学田径运动会", "年中小学田径运动会"),
        ("组织实施2025年“护苗”行动。", "护苗行动", "年护苗行动"),
    ],
)
def test_a_name_starts_at_a_word_that_can_open_it(nlp, sentence, expected, wrong):
    ex = run(nlp, "某县2025年教育工作要点\n1." + sentence + "\n")
    assert expected in names(ex)
    assert wrong not in names(ex)


@pytest.mark.parametrize("sentence", ["希望各学校认真落实。", "精准完成学校迎检准备。", "把课程纳入教师培训计划。"])
def test_a_verb_phrase_is_no_name(nlp, sentence):
    ex = run(nlp, "某县2025年教育工作要点\n1." + sentence + "\n")
    assert not {n for n in names(ex) if n.startswith(("希望", "精准", "完成", "纳入"))}


def test_a_street_named_school_keeps_its_verb_like_word(nlp):
    ex = run(nlp, "某县2025年教育工作要点\n1.新建建设路小学、解放路小学。\n")
    assert {"建设路小学", "解放路小学"} <= names(ex, "Institution")


# -- 3. generic words, chrome, formulas, the document's own title -----------------------------------
def test_formulas_and_generic_words_are_no_entities(nlp):
    text = (
        "关于印发《衢州市2025年教育工作要点》的通知\n各县(市、区)教育局:\n现将《衢州市2025年教育工作要点》印发给你们。\n"
        "衢州市教育局\n2025年3月1日\n衢州市2025年教育工作要点\n"
        "全市教育系统要深入贯彻党的二十大和二十届三中全会精神,落实全国、全省教育大会精神,以实际行动推动发展。\n"
        "1.办好大会。筹备召开全市教育大会,本届运动会圆满成功。市直教育系统要推进党史学习教育。\n"
        "2.县教育局党组副书记李明代表县教育局作总结发言。\n"
    )
    ex = run(nlp, text)
    found = names(ex)
    assert "全市教育大会" in names(ex, "Event")  # convened, not cited for its spirit
    for wrong in (
        "中国共产党第二十次全国代表大会",
        "二十届三中全会",
        "全省教育大会",
        "实际行动",
        "本届运动会",
        "市直教育系统",
        "党史学习教育",
        "衢州市2025年教育工作要点",
    ):
        assert wrong not in found, wrong
    assert not {n for n in found if "李明" in n}


# -- 4. local names, coordination, aliases ---------------------------------------------------------
def test_local_bodies_are_two_and_named_with_the_place(nlp):
    ex = run(nlp, "金华市教育局2025年工作要点\n1.围绕市委市政府部署,落实省委、省政府要求。\n")
    agencies = names(ex, "Agency")
    assert {"金华市委", "金华市政府", "浙江省委", "浙江省政府"} <= agencies
    assert "市委市政府" not in agencies
    assert "市委" in aliases(ex, "金华市委")


def test_two_cities_committees_never_merge_and_an_unknown_place_stays_local(nlp):
    a = run(nlp, "金华市教育局2025年工作要点\n1.落实市委部署。\n", "a.txt")
    b = run(nlp, "衢州市教育局2025年工作要点\n1.落实市委部署。\n", "b.txt")
    c = run(nlp, "市教育局2025年工作要点\n1.落实市委部署。\n", "c.txt")
    assert "金华市委" in names(a) and "衢州市委" in names(b)
    local = [n for n in names(c, "Agency") if n.startswith("市委@")]
    assert local == [f"市委@{c.document.id}"]
    assert c.document.issuer == f"市教育局@{c.document.id}"


# -- 5. places inside words -------------------------------------------------------------------------
def test_a_gazetteer_hit_inside_ordinary_words_is_no_place(nlp):
    ex = run(nlp, "某县2025年教育工作要点\n1.项目顺利通过验收,作出文章贡献,考察安徽学校。\n")
    places = names(ex, "Place")
    assert "安徽省" in places
    assert not places & {"利通区", "章贡区"}


# -- 6. institutions ------------------------------------------------------------------------------
def test_compound_and_numbered_schools(nlp):
    text = (
        "衢州市教育局2025年工作要点\n"
        "1.支持浙江师范大学附属实验学校、城东小学东校区,支持市二中、龙游县一中、38中和市实验小学发展。\n"
    )
    ex = run(nlp, text)
    schools = names(ex, "Institution")
    assert {"浙江师范大学附属实验学校", "城东小学东校区", "龙游县一中", "38中"} <= schools
    assert {"衢州市二中", "衢州市实验小学"} <= schools  # a city's own school, named with the city
    assert "市二中" in aliases(ex, "衢州市二中")


# -- 7. numbers: what a plan promises, and what a summary printed with it reports -------------------
def test_a_summary_reports_and_the_plan_promises(nlp):
    text = (
        "某县教育局2023年工作总结和2024年工作要点\n"
        "一、2023年工作总结\n1.学前教育扩容。全年新建幼儿园5所,新增学位900个。\n"
        "二、2024年工作要点\n1.推进学前教育。新建幼儿园3所,力争新增学位600个。\n"
    )
    ex = run(nlp, text)
    kinds = {(t.value, t.unit): t.kind for t in ex.targets}
    assert kinds == {
        (5.0, "所"): "achievement",
        (900.0, "个"): "achievement",
        (3.0, "所"): "commitment",
        (600.0, "个"): "commitment",
    }
    record = ex.to_dict()
    assert [t["value"] for t in record["targets"]] == [3.0, 600.0]
    assert [t["value"] for t in record["achievements"]] == [5.0, 900.0]
