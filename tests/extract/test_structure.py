from extract.read import read_document
from extract.structure import parse_structure
from tests.conftest import BAICHENG, ZHUJI


def parse(path):
    raw = read_document(path)
    return parse_structure(raw.text, source=path.name, sha256=raw.sha256)


def test_baicheng_header_and_points():
    s = parse(BAICHENG)
    d = s.document
    assert d.issuer == "白城市教育局"
    assert d.issued_date == "2024-02-28"
    assert d.published_date == "2024-05-08"
    assert d.doc_number == "白教字〔2024〕1号"
    assert d.title == "关于印发《白城市2024年教育工作要点》的通知"
    assert d.plan_title == "白城市2024年教育工作要点"
    assert d.addressees == ("各县(市、区)教育局", "局机关各科室", "直属各单位")
    assert s.sections == []
    assert [p.number for p in s.points] == list(range(1, 21))
    assert s.points[0].title == "坚持不懈用习近平新时代中国特色社会主义思想铸魂育人"
    assert s.points[19].text.endswith("减轻贫困家庭经济负担。")
    assert s.preamble.startswith("全市教育工作的总体要求是")


def test_zhuji_sections_and_points():
    s = parse(ZHUJI)
    d = s.document
    assert d.issuer == "诸暨市教育体育局"
    assert d.issued_date == "2024-03-20"
    assert d.published_date == "2024-04-26"
    assert d.doc_number is None
    assert d.title == "关于印发2024年教育体育工作要点的通知"
    assert d.addressees == ("各直属学校(单位)", "镇乡(街道)中心学校")
    top = [x for x in s.sections if x.level == 1]
    sub = [x for x in s.sections if x.level == 2]
    assert [(x.ordinal, x.title) for x in top] == [("一", "总体要求"), ("二", "重点工作")]
    assert [x.ordinal for x in sub] == list("一二三四五六七八九")
    assert all(x.parent == top[1].id for x in sub)
    assert sub[0].title == "打造新时代教育党建新高地"
    assert top[0].text.startswith("坚持以习近平新时代中国特色社会主义思想为指导")
    assert len(s.points) == 20
    assert [p.section for p in s.points[:4]] == [sub[0].id] * 4
    assert s.points[-1].section == sub[-1].id


def test_points_are_slices_of_the_text():
    raw = read_document(ZHUJI)
    s = parse_structure(raw.text, source="z", sha256=raw.sha256)
    for p in s.points:
        assert raw.text[p.start : p.start + len(p.text)] == p.text


def test_other_numbering_styles_and_no_header():
    text = (
        "某县2025年教育工作要点\n（一）强化党建\n1、实施“强师计划”。\n"
        "2．举办全县运动会。\n（二）办学\n3、新增学位1000个。\n"
    )
    s = parse_structure(text, source="x", sha256="0" * 64)
    assert [p.number for p in s.points] == [1, 2, 3]
    assert [x.title for x in s.sections] == ["强化党建", "办学"]
    assert s.points[2].section == s.sections[1].id
    assert s.document.title == "某县2025年教育工作要点"


def test_no_points_falls_back_to_paragraphs():
    text = "某市教育工作安排\n\n今年要全面推进教育数字化，落实国培计划。\n\n还要加强校园安全管理工作。\n"
    s = parse_structure(text, source="x.txt", sha256="0" * 64)
    assert len(s.points) == 2
    assert s.warnings and "no numbered points" in s.warnings[0]
