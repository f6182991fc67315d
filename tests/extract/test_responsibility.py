"""Responsibility tags: every written form, PDF breaks, cut-off tags, what is not a unit, and the extraction."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from bench.fuzz import check_extraction
from extract.pipeline import extract_document
from extract.read import read_document
from extract.responsibility import blank, find_tags, qualify_unit, read_unit, untag_title
from extract.textview import TextView
from graph.model import Extraction, Responsible
from tests.conftest import TAGGED


def units(text):
    return [(u.name, u.role) for t in find_tags(text) for u in t.units]


R, L = "responsible", "lead"


@pytest.mark.parametrize(
    "text,expected",
    [
        # full-width brackets and colon
        ("健全校园安全制度。（责任科室：安全稳定科、办公室）", [("安全稳定科", R), ("办公室", R)]),
        # half-width, a key of two kinds
        ("推进集团化办学。(责任处室、单位:基础教育处、教研室)", [("基础教育处", R), ("教研室", R)]),
        ("办好家长学校。(牵头处室:德育处)", [("德育处", L)]),
        # 牵头 then 配合, split by a semicolon, half- or full-width
        ("完善资助体系。(牵头单位:学生资助中心;配合单位:财务科)", [("学生资助中心", L), ("财务科", R)]),
        (
            "完善资助体系。（牵头单位：学生资助中心；配合单位：财务科、审计科）",
            [("学生资助中心", L), ("财务科", R), ("审计科", R)],
        ),
        # 牵头 then 责任 after a comma
        (
            "推进课程改革。(牵头处室:课程教材处,责任处室:教研室、考试院)",
            [("课程教材处", L), ("教研室", R), ("考试院", R)],
        ),
        # square brackets of a portal
        ("建设智慧平台。【牵头单位:信息中心;配合单位:装备科】", [("信息中心", L), ("装备科", R)]),
        # on a line of its own, with a note between key and colon, a second name in brackets
        (
            "加强督导。\n责任处室、单位(按处室、单位顺序排列,下同):督导处、政策法规处、人事处(干部处)。",
            [("督导处", R), ("政策法规处", R), ("人事处", R)],
        ),
        # a bare tag after a sentence on the same line
        ("落实减负措施。责任单位：基础教育科、教研室。", [("基础教育科", R), ("教研室", R)]),
        # a heading that ends with its tag, no full stop
        ("实施强校工程(责任单位:发展规划科)", [("发展规划科", R)]),
        # keys that name no kind of unit; slashes between units
        ("推进项目。(牵头:项目办;配合:财务科/审计科)", [("项目办", L), ("财务科", R), ("审计科", R)]),
        # units of other bodies, a collective of governments
        (
            "抓好落实。（牵头单位：市教育局；责任单位：市发改委、各县（市、区）人民政府等）",
            [("市教育局", L), ("市发改委", R), ("各县(市、区)人民政府", R)],
        ),
    ],
)
def test_tag_forms(text, expected):
    assert units(text) == expected


def test_collectives_of_schools_are_skipped_agency_collectives_kept():
    text = "推进改革。(责任单位:基础教育科,各学校、各项目学校、各中小学、各直属学校、直属单位、各县(市、区)教育局)"
    assert units(text) == [("基础教育科", R), ("各县(市、区)教育局", R)]


def test_persons_are_not_units():
    assert units("抓好落实。(责任领导:李华;责任科室:督导室)") == [("督导室", R)]
    assert units("抓好落实。(牵头领导:李华、王强)") == []
    # a tag that opens with its leaders: the whole bracket is the tag, the text after it is not a unit
    text = "抓好落实。（局领导：李华；责任科室：督导室）继续推进。"
    (tag,) = find_tags(text)
    assert [u.name for u in tag.units] == ["督导室"] and text[
        tag.start : tag.end
    ] == "（局领导：李华；责任科室：督导室）"


def test_pdf_breaks_and_inner_spaces_are_joined():
    text = "完成校舍改造。(责任单位:基建\n装备科、督 导室)"
    ((tag,),) = [find_tags(text)]
    assert [u.name for u in tag.units] == ["基建装备科", "督导室"]
    assert [text[u.start : u.end] for u in tag.units] == ["基建\n装备科", "督 导室"]
    assert [u.written for u in tag.units] == ["基建\n装备科", "督 导室"]
    # a bare list broken after a separator, and a short tail on the next line
    assert units("抓实。\n责任科室:安全科、\n督导室、财务\n科。") == [("安全科", R), ("督导室", R), ("财务科", R)]


def test_a_bare_tag_ends_where_the_next_paragraph_starts():
    text = "抓实。\n责任科室:安全科\n新建一批标准化考场，改善考试条件，保障考试安全有序进行。"
    assert units(text) == [("安全科", R)]


def test_cut_off_tags():
    # the excerpt ends inside the last name: names cut short are dropped, whole ones kept
    (tag,) = find_tags("推进思政课建设。(牵头处室:宣传教育处,责任处室:基础教育处、学生工")
    assert not tag.complete
    assert [(u.name, u.role) for u in tag.units] == [("宣传教育处", L), ("基础教育处", R)]
    assert units("推进。(责任科室:安全科、督导室") == [("安全科", R), ("督导室", R)]
    # cut inside the key itself: a tag with no units, still blanked
    text = "开展评估。\n责任处"
    (tag,) = find_tags(text)
    assert tag.units == () and text[tag.start :] == "责任处"
    assert blank(text, [tag]) == "开展评估。\n， ，"


def test_second_names():
    assert read_unit("人事处(人才工作处)") == ("人事处", ("人事处(人才工作处)", "人才工作处"))
    assert read_unit("各县(市、区)教育局") == ("各县(市、区)教育局", ())
    assert read_unit("各幼儿园") is None


@pytest.mark.parametrize(
    "text",
    [
        "明确责任单位，压实牵头单位责任。",
        "各地要落实属地责任，配合做好相关工作。",
        "杭州师范大学（以下简称“杭师大”）牵头开展研究。",
        "成立工作专班(由分管副局长任组长)。",
    ],
)
def test_prose_is_not_a_tag(text):
    assert find_tags(text) == []


def test_offsets_point_into_the_text_and_traditional_script_reads():
    text = "完善機制。（牽頭科室：組織人事科；配合科室：辦公室）"
    ((tag,),) = [find_tags(text)]
    assert [(u.name, u.role) for u in tag.units] == [("组织人事科", L), ("办公室", R)]
    assert [text[u.start : u.end] for u in tag.units] == ["組織人事科", "辦公室"]


def test_blanking_keeps_offsets_and_never_joins_words_across_a_tag():
    text = "推进课程基地(责任科室:教研室)建设工程。\n责任科室:安全科\n学校安全工程"
    tags = find_tags(text)
    blanked = blank(text, tags)
    assert len(blanked) == len(text)
    assert "教研室" not in blanked and "安全科" not in blanked
    assert "推进课程基地" in blanked and "建设工程" in blanked
    # the rules read text with PDF gaps removed: the words around a tag stay apart
    view = TextView.build(blanked).text
    assert "基地建设" not in view and "基地，" in view
    assert "工程。" in view and "安全科" not in view


@pytest.mark.parametrize(
    "unit,issuer,expected",
    [
        ("办公室", "安徽省教育厅", "安徽省教育厅办公室"),
        ("办公室", "西源市教育局", "西源市教育局办公室"),
        ("局办公室", "西源市教育局", "西源市教育局办公室"),
        ("市教育局办公室", "西源市教育局", "西源市教育局办公室"),
        ("办公室", "中共西源市委教育工委", "中共西源市委教育工委办公室"),
        ("办公厅", "教育部", "教育部办公厅"),
        ("办公室", "市教育局", "办公室@d-0123456789ab"),
        ("办公室", "县教育和体育局", "办公室@d-0123456789ab"),
        ("办公室", "X市教育局", "办公室@d-0123456789ab"),
        ("办公室", None, "办公室@d-0123456789ab"),
        # bodies of their own keep their names
        ("市财政局", "西源市教育局", "市财政局"),
        ("各县(市、区)教育局", "西源市教育局", "各县(市、区)教育局"),
        ("区域教育中心建设专班", "西源市教育局", "西源市教育局区域教育中心建设专班"),
    ],
)
def test_qualify_unit(unit, issuer, expected):
    assert qualify_unit(unit, issuer=issuer, doc_id="d-0123456789ab") == expected


def test_two_bureaus_offices_never_share_a_name():
    a = qualify_unit("办公室", issuer="市教育局", doc_id="d-aaaaaaaaaaaa")
    b = qualify_unit("办公室", issuer="市教育局", doc_id="d-bbbbbbbbbbbb")
    c = qualify_unit("办公室", issuer="西源市教育局", doc_id="d-cccccccccccc")
    d = qualify_unit("办公室", issuer="东川市教育局", doc_id="d-dddddddddddd")
    assert len({a, b, c, d}) == 4


def test_headings_lose_their_tags():
    assert untag_title("推进集团化办学(责任单位:基础教育科)\n新建学校", "…") == "推进集团化办学"
    assert untag_title("(责任科室:安全科)", "(责任科室:安全科)\n健全安全制度。落实。") == "健全安全制度"
    assert untag_title("健全安全制度", "健全安全制度。") == "健全安全制度"


# -- the extraction -----------------------------------------------------------------
@pytest.fixture(scope="module")
def tagged(nlp):
    return extract_document(read_document(TAGGED), nlp)


def test_points_carry_their_units(tagged):
    by_number = {p.number: p for p in tagged.points}
    assert tagged.document.issuer == "西源市教育局"
    q = "西源市教育局".__add__
    assert by_number[1].responsible == (
        Responsible(q("组织人事科"), "lead"),
        Responsible(q("机关党委"), "responsible"),
        Responsible(q("办公室"), "responsible"),
    )
    assert by_number[2].responsible == (
        Responsible(q("组织人事科")),
        Responsible(q("督导室")),
        Responsible(q("双减工作专班")),
    )
    # 各县(市、区)教育局 counts; 各项目学校 and the person do not
    assert [r.name for r in by_number[3].responsible] == [q("学前教育科"), "各县(市、区)教育局"]
    assert [r.name for r in by_number[4].responsible] == [q("基建装备科"), q("财务科")]
    assert [(r.name, r.role) for r in by_number[5].responsible] == [
        (q("电化教育馆"), "lead"),
        (q("信息科"), "responsible"),
    ]
    # cut off at the end of the file: the cut name is dropped
    assert [r.name for r in by_number[6].responsible] == [q("职成教科"), q("发展规划科")]
    # a heading that ended with its tag
    assert by_number[3].title == "推进学前教育普惠发展"


def test_units_are_agencies_with_their_written_forms(tagged):
    agencies = {e.name: e for e in tagged.entities if e.type == "Agency"}
    office = agencies["西源市教育局督导室"]
    assert {"督导室", "督导室(教育督导办公室)", "教育督导办公室"} <= set(office.aliases)
    facilities = agencies["西源市教育局基建装备科"]
    assert "基建装备科" in facilities.aliases
    texts = tagged.unit_texts()
    (m,) = facilities.mentions
    assert texts[m.point][m.start : m.end] == m.text == "基建\n装备科"
    assert len(agencies["西源市教育局组织人事科"].mentions) == 2  # two points name it
    for r in (r for p in tagged.points for r in p.responsible):
        assert r.name in agencies


def test_tag_text_makes_no_other_entities_or_relations(tagged):
    texts = tagged.unit_texts()
    spans = {(p.id, t.start, t.end) for p in tagged.points for t in find_tags(p.text)}
    unit_names = {r.name for p in tagged.points for r in p.responsible}
    for e in tagged.entities:
        for m in e.mentions:
            assert texts[m.point][m.start : m.end] == m.text
            inside = any(u == m.point and a <= m.start < b for u, a, b in spans)
            assert not inside or e.name in unit_names, (e.type, e.name)
    # 牵头 in a tag is not a LEADS trigger; every evidence sentence is the text as written
    assert not [r for r in tagged.relations if r.type == "LEADS"]
    for r in tagged.relations:
        assert r.evidence.sentence in texts[r.evidence.point]
    names = {e.name for e in tagged.entities}
    assert not {"王明", "各项目学校", "各学校", "财务"} & names
    # the quoted core of a unit's name is not a programme of the plan
    assert "双减" not in {e.name for e in tagged.entities if e.type == "Program"}


def test_jsonl_carries_responsible_and_reads_old_lines(tagged):
    line = json.loads(json.dumps(tagged.to_dict(), ensure_ascii=False))
    first = line["points"][0]
    assert first["responsible"][0] == {"name": "西源市教育局组织人事科", "role": "lead"}
    assert Extraction.from_dict(line) == tagged
    # a line written before the field existed still reads, with no units
    for p in line["points"]:
        del p["responsible"]
    old = Extraction.from_dict(line)
    assert all(p.responsible == () for p in old.points)


# -- any mix of tags and text -------------------------------------------------------
_FRAGMENTS = [
    "1.",
    "2、",
    "二、",
    "（三）",
    "推进课程改革",
    "实施“强师”工程",
    "联合西源师范学院开展培训",
    "。",
    "，",
    "\n",
    " ",
    "(",
    "）",
    "（牵头科室：",
    "(责任单位:",
    "责任处室、单位(按处室、单位顺序排列,下同):",
    "牵头单位:",
    ";配合单位:",
    ",责任处室:",
    "责任领导:",
    "基建\n装备科",
    "督 导室",
    "人事处(人才工作处)",
    "各县(市、区)教育局",
    "各学校",
    "、",
    "办公室",
    "“双减”工作专班",
    "责任处",
]


@settings(max_examples=60, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate])
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=40).map("".join))
def test_any_mix_of_tags_extracts_cleanly(nlp, text):
    """Offsets, evidence and the JSONL round trip hold whatever the tags look like (bench.fuzz's properties)."""
    check_extraction(text, nlp)
    for t in find_tags(text):
        assert len(blank(text, [t])) == len(text)
        for u in t.units:
            assert text[u.start : u.end] == u.written and u.role in ("lead", "responsible")
