import pytest

from extract.targets import find_targets
from tests.conftest import BAICHENG, ZHUJI


def rels(ex):
    return {(r.type, r.head.name, r.tail.name) for r in ex.relations}


def test_subjectless_sentences_belong_to_the_issuer(extractions):
    assert ("IMPLEMENTS", "白城市教育局", "特岗计划") in rels(extractions[BAICHENG.name])
    # 高质量完成国培计划: 完成 is not a trigger (the gold guidelines)
    assert ("IMPLEMENTS", "白城市教育局", "国培计划") not in rels(extractions[BAICHENG.name])
    assert ("ORGANIZES", "白城市教育局", "全市教师作业设计大赛") in rels(extractions[BAICHENG.name])


def test_partners_leads_based_on(extractions):
    b, z = rels(extractions[BAICHENG.name]), rels(extractions[ZHUJI.name])
    assert ("PARTNERS_WITH", "诸暨市教育体育局", "华东师范大学") in z
    assert ("PARTNERS_WITH", "诸暨市教育体育局", "科大讯飞") in z
    assert ("LEADS", "白城职业技术学院", "新能源市域产教联合体") in b
    assert ("BASED_ON", "新能源市域产教联合体", "吉林洮北经济开发区") in b
    assert ("LOCATED_IN", "白城职业技术学院", "白城市") in b


def test_relations_carry_evidence(extractions):
    for ex in extractions.values():
        units = {p.id: p.text for p in ex.points}
        for r in ex.relations:
            assert r.evidence.trigger and r.evidence.sentence
            if r.evidence.point in units and r.type != "LOCATED_IN":
                text = units[r.evidence.point]
                assert text[r.evidence.start : r.evidence.end] == r.evidence.trigger
                assert r.evidence.sentence in text


@pytest.mark.parametrize(
    "text,value,value_max,unit,qualifier",
    [
        ("创建温馨校园14所。", 14, None, "所", "exact"),
        ("全市培育3—5个集团化办学示范校。", 3, 5, "个", "exact"),
        ("每所职业院校年培训500人次以上。", 500, None, "人次", "以上"),
        ("覆盖率达到100%。", 100, None, "%", "exact"),
        ("增加学位1万个。", 10000, None, "个", "exact"),
        ("至少建设1个紧密型教育集团。", 1, None, "个", "至少"),
        ("不少于2次。", 2, None, "次", "至少"),
        ("力争实现20个左右竞训项目布局。", 20, None, "个", "左右"),
        ("力争建成三个示范区。", 3, None, "个", "力争"),
    ],
)
def test_targets(text, value, value_max, unit, qualifier):
    (t,) = find_targets(text, "p1")
    assert (t.value, t.value_max, t.unit, t.qualifier) == (value, value_max, unit, qualifier)
    assert text[t.start : t.end] == t.text


@pytest.mark.parametrize(
    "text",
    [
        "2024年全面推进。",
        "评选第二批市级基地。",
        "第40个教师节。",
        "深化“1+5+X”工程。",
        "“十四五”规划。",
        "推进一体化建设。",
    ],
)
def test_not_targets(text):
    assert find_targets(text, "p1") == []


def test_targets_on_examples(extractions):
    texts = {t.text for t in extractions[BAICHENG.name].targets}
    assert "创建温馨校园14所" in texts
    assert any("500人次以上" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("新增学位3.03万个", 30300.0, "个"),  # exact decimal arithmetic, not 30299.999…
        ("新建校舍1.2 万平方米", 12000.0, "平方米"),  # a space before the magnitude
        ("改造操场40亩", 40.0, "亩"),
        ("培训教师2万人次", 20000.0, "人次"),
    ],
)
def test_target_numbers(text, value, unit):
    (t,) = find_targets(text, "p1")
    assert (t.value, t.unit) == (value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "抓好两项创建，推进四个重点工作",  # counts of kinds of work after a Chinese numeral
        "东城小学、西城小学等17所学校参加",  # a count that sums up a list
        "学习贯彻十一届七次、八次全会精神",  # sessions
    ],
)
def test_counts_that_are_not_targets(text):
    assert find_targets(text, "p1") == []


@pytest.mark.parametrize(
    ("text", "part", "year", "kind"),
    [
        ("新建幼儿园5所", None, None, "commitment"),
        ("已建成幼儿园5所", None, None, "achievement"),
        ("累计培训教师800人", None, None, "achievement"),
        ("全年新建幼儿园5所", "summary", None, "achievement"),  # a summary tells
        ("力争新建幼儿园5所", "summary", None, "commitment"),  # …unless the words look forward
        ("项目建成后将新增学位900个", "report", None, "commitment"),  # 建成后 is a condition
        ("2021年，新建幼儿园5所", None, 2022, "achievement"),  # a past year opening the sentence
        ("2023年，新建幼儿园5所", None, 2022, "commitment"),
    ],
)
def test_target_kind(text, part, year, kind):
    (t,) = find_targets(text, "p1", part=part, year=year)
    assert t.kind == kind
