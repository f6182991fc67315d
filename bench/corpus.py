"""Synthetic education work plans (教育工作要点) as text, for benchmarks at any corpus size.

Unlike :mod:`bench.synthetic`, which builds graphs from records, these are
plan *files* of the genre, so a benchmark runs the whole pipeline on them:
a portal header (发文机关, 成文日期, 发文字号 such as 聊教发〔2025〕3号, 标题),
the addressees, a cover letter, the signature, the plan's title, an opening
paragraph, sections (一、 / （一）) and 8–25 numbered points whose sentences
use the rules' trigger verbs (实施…工程, 举办…大赛, 联合…大学, 依托…,
…牵头), quoted names, 《…》 policies and quantified targets.

Names are drawn so that entity counts grow the way a real corpus does: a
few national programmes, policies, platforms and universities recur in every
plan (国培计划, “双减”, 国家智慧教育平台), while most schools, companies,
local programmes, events and places belong to one city and are new with each
city. A city's own names come from a generator seeded by the city, so two
plans of one city (different years, when ``n`` exceeds the cities) share
them, as a city's successive plans do.

Everything is deterministic from the seed: plan ``i`` depends only on
``(seed, i)``, so the first five plans of a corpus of 100 are the five
plans of a corpus of 5.

Usage::

    .venv/bin/python -m bench.corpus --n 100 --seed 1 --out /tmp/plans
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# (full name, short name, pinyin, province); real prefecture- and county-level places.
CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("白城市", "白城", "baicheng", "吉林省"),
    ("聊城市", "聊城", "liaocheng", "山东省"),
    ("诸暨市", "诸暨", "zhuji", "浙江省"),
    ("乐山市", "乐山", "leshan", "四川省"),
    ("常州市", "常州", "changzhou", "江苏省"),
    ("绍兴市", "绍兴", "shaoxing", "浙江省"),
    ("泉州市", "泉州", "quanzhou", "福建省"),
    ("曲靖市", "曲靖", "qujing", "云南省"),
    ("大理市", "大理", "dali", "云南省"),
    ("遵义市", "遵义", "zunyi", "贵州省"),
    ("六盘水市", "六盘水", "liupanshui", "贵州省"),
    ("桂林市", "桂林", "guilin", "广西壮族自治区"),
    ("柳州市", "柳州", "liuzhou", "广西壮族自治区"),
    ("赣州市", "赣州", "ganzhou", "江西省"),
    ("九江市", "九江", "jiujiang", "江西省"),
    ("宜昌市", "宜昌", "yichang", "湖北省"),
    ("襄阳市", "襄阳", "xiangyang", "湖北省"),
    ("岳阳市", "岳阳", "yueyang", "湖南省"),
    ("常德市", "常德", "changde", "湖南省"),
    ("株洲市", "株洲", "zhuzhou", "湖南省"),
    ("洛阳市", "洛阳", "luoyang", "河南省"),
    ("南阳市", "南阳", "nanyang", "河南省"),
    ("开封市", "开封", "kaifeng", "河南省"),
    ("保定市", "保定", "baoding", "河北省"),
    ("邯郸市", "邯郸", "handan", "河北省"),
    ("唐山市", "唐山", "tangshan", "河北省"),
    ("大同市", "大同", "datong", "山西省"),
    ("长治市", "长治", "changzhi", "山西省"),
    ("包头市", "包头", "baotou", "内蒙古自治区"),
    ("赤峰市", "赤峰", "chifeng", "内蒙古自治区"),
    ("鞍山市", "鞍山", "anshan", "辽宁省"),
    ("锦州市", "锦州", "jinzhou", "辽宁省"),
    ("四平市", "四平", "siping", "吉林省"),
    ("延吉市", "延吉", "yanji", "吉林省"),
    ("齐齐哈尔市", "齐齐哈尔", "qiqihaer", "黑龙江省"),
    ("牡丹江市", "牡丹江", "mudanjiang", "黑龙江省"),
    ("佳木斯市", "佳木斯", "jiamusi", "黑龙江省"),
    ("徐州市", "徐州", "xuzhou", "江苏省"),
    ("扬州市", "扬州", "yangzhou", "江苏省"),
    ("南通市", "南通", "nantong", "江苏省"),
    ("湖州市", "湖州", "huzhou", "浙江省"),
    ("嘉兴市", "嘉兴", "jiaxing", "浙江省"),
    ("台州市", "台州", "taizhou", "浙江省"),
    ("芜湖市", "芜湖", "wuhu", "安徽省"),
    ("安庆市", "安庆", "anqing", "安徽省"),
    ("阜阳市", "阜阳", "fuyang", "安徽省"),
    ("漳州市", "漳州", "zhangzhou", "福建省"),
    ("莆田市", "莆田", "putian", "福建省"),
    ("潍坊市", "潍坊", "weifang", "山东省"),
    ("临沂市", "临沂", "linyi", "山东省"),
    ("烟台市", "烟台", "yantai", "山东省"),
    ("济宁市", "济宁", "jining", "山东省"),
    ("汕头市", "汕头", "shantou", "广东省"),
    ("湛江市", "湛江", "zhanjiang", "广东省"),
    ("佛山市", "佛山", "foshan", "广东省"),
    ("韶关市", "韶关", "shaoguan", "广东省"),
    ("三亚市", "三亚", "sanya", "海南省"),
    ("绵阳市", "绵阳", "mianyang", "四川省"),
    ("宜宾市", "宜宾", "yibin", "四川省"),
    ("南充市", "南充", "nanchong", "四川省"),
    ("天水市", "天水", "tianshui", "甘肃省"),
    ("张掖市", "张掖", "zhangye", "甘肃省"),
    ("宝鸡市", "宝鸡", "baoji", "陕西省"),
    ("汉中市", "汉中", "hanzhong", "陕西省"),
    ("榆林市", "榆林", "yulin", "陕西省"),
    ("西宁市", "西宁", "xining", "青海省"),
    ("银川市", "银川", "yinchuan", "宁夏回族自治区"),
    ("石嘴山市", "石嘴山", "shizuishan", "宁夏回族自治区"),
    ("克拉玛依市", "克拉玛依", "kelamayi", "新疆维吾尔自治区"),
    ("喀什市", "喀什", "kashi", "新疆维吾尔自治区"),
    ("拉萨市", "拉萨", "lasa", "西藏自治区"),
    ("玉溪市", "玉溪", "yuxi", "云南省"),
    ("建水县", "建水", "jianshui", "云南省"),
    ("安吉县", "安吉", "anji", "浙江省"),
    ("昆山市", "昆山", "kunshan", "江苏省"),
    ("江阴市", "江阴", "jiangyin", "江苏省"),
    ("义乌市", "义乌", "yiwu", "浙江省"),
    ("晋江市", "晋江", "jinjiang", "福建省"),
    ("寿光市", "寿光", "shouguang", "山东省"),
    ("新化县", "新化", "xinhua", "湖南省"),
    ("浏阳市", "浏阳", "liuyang", "湖南省"),
    ("仁怀市", "仁怀", "renhuai", "贵州省"),
    ("都江堰市", "都江堰", "dujiangyan", "四川省"),
    ("瑞金市", "瑞金", "ruijin", "江西省"),
    ("井冈山市", "井冈山", "jinggangshan", "江西省"),
    ("曲阜市", "曲阜", "qufu", "山东省"),
    ("荥阳市", "荥阳", "xingyang", "河南省"),
    ("迁安市", "迁安", "qianan", "河北省"),
    ("平遥县", "平遥", "pingyao", "山西省"),
    ("满洲里市", "满洲里", "manzhouli", "内蒙古自治区"),
    ("瓦房店市", "瓦房店", "wafangdian", "辽宁省"),
    ("珲春市", "珲春", "hunchun", "吉林省"),
    ("五常市", "五常", "wuchang", "黑龙江省"),
    ("宁国市", "宁国", "ningguo", "安徽省"),
    ("福清市", "福清", "fuqing", "福建省"),
    ("台山市", "台山", "taishan", "广东省"),
    ("北流市", "北流", "beiliu", "广西壮族自治区"),
    ("琼海市", "琼海", "qionghai", "海南省"),
    ("敦煌市", "敦煌", "dunhuang", "甘肃省"),
    ("神木市", "神木", "shenmu", "陕西省"),
    ("格尔木市", "格尔木", "geermu", "青海省"),
    ("库尔勒市", "库尔勒", "kuerle", "新疆维吾尔自治区"),
)

# Real counties and county-level cities, handed out to the cities as their subordinate places.
COUNTIES: tuple[str, ...] = tuple(
    (  # noqa: SIM905 - one string reads better than 160 quoted names
        "通榆县 镇赉县 洮南市 大安市 莘县 冠县 阳谷县 东阿县 高唐县 临清市 平阴县 商河县 沂水县 沂南县 费县 "
        "蒙阴县 平邑县 郯城县 兰陵县 昌乐县 临朐县 安丘市 诸城市 高密市 青州市 栖霞市 海阳市 莱阳市 嘉祥县 汶上县 "
        "泗水县 梁山县 金乡县 鱼台县 微山县 丰县 沛县 睢宁县 新沂市 邳州市 宝应县 高邮市 仪征市 海安市 如东县 "
        "启东市 如皋市 长兴县 德清县 海宁市 桐乡市 嘉善县 平湖市 海盐县 天台县 仙居县 三门县 温岭市 临海市 玉环市 "
        "南陵县 无为市 怀宁县 潜山市 太湖县 宿松县 望江县 岳西县 桐城市 临泉县 太和县 阜南县 颍上县 界首市 云霄县 "
        "漳浦县 诏安县 东山县 南靖县 平和县 华安县 仙游县 石门县 澧县 临澧县 桃源县 汉寿县 安乡县 津市市 攸县 "
        "茶陵县 炎陵县 醴陵市 汨罗市 临湘市 华容县 湘阴县 平江县 宜城市 南漳县 谷城县 保康县 老河口市 枣阳市 远安县 "
        "兴山县 秭归县 宜都市 当阳市 枝江市 宜阳县 栾川县 嵩县 汝阳县 洛宁县 伊川县 新安县 南召县 方城县 西峡县 "
        "镇平县 内乡县 淅川县 社旗县 唐河县 新野县 桐柏县 邓州市 涞源县 易县 曲阳县 顺平县 博野县 雄县 安国市 "
        "高碑店市 涿州市 武安市 涉县 磁县 肥乡区 永年区 滦州市 遵化市 迁西县 玉田县 乐亭县 灵丘县 广灵县 浑源县 "
        "天镇县 阳高县 沁县 沁源县 襄垣县 平顺县"
    ).split()
)

NATIONAL_PROGRAMS = (
    "“国培计划”",
    "“特岗计划”",
    "“银龄讲师计划”",
    "“强师计划”",
    "乡村教师支持计划",
    "农村义务教育学生营养改善计划",
    "义务教育薄弱环节改善与能力提升工程",
    "县域普通高中发展提升行动计划",
    "“十四五”学前教育发展提升行动计划",
    "“十四五”特殊教育发展提升行动计划",
    "教育数字化战略行动",
    "青少年学生读书行动",
    "基础教育扩优提质行动",
    "中小学科学教育工程",
    "学生心理健康促进行动",
    "1+X证书制度试点",
)
NATIONAL_POLICIES = (
    "《教育强国建设规划纲要（2024—2035年）》",
    "《中华人民共和国学前教育法》",
    "《关于全面加强新时代大中小学劳动教育的意见》",
    "《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》",
    "《义务教育课程方案和课程标准（2022年版）》",
    "《关于加强新时代中小学科学教育工作的意见》",
    "《全面加强和改进新时代学生心理健康工作专项行动计划（2023—2025年）》",
    "《新时代基础教育强师计划》",
    "《中小学德育工作指南》",
    "《深化新时代教育评价改革总体方案》",
    "《关于深化现代职业教育体系建设改革的意见》",
    "《未成年人学校保护规定》",
)
NATIONAL_PLATFORMS = (
    "国家智慧教育平台",
    "国家中小学智慧教育平台",
    "全国校外教育培训监管与服务综合平台",
    "全国学生资助管理信息系统",
    "国家职业教育智慧教育平台",
)
UNIVERSITIES = (
    "北京师范大学",
    "华东师范大学",
    "东北师范大学",
    "华中师范大学",
    "陕西师范大学",
    "西南大学",
    "南京师范大学",
    "浙江师范大学",
    "首都师范大学",
    "华南师范大学",
    "湖南师范大学",
    "山东师范大学",
    "福建师范大学",
    "四川师范大学",
    "云南师范大学",
    "清华大学",
    "浙江大学",
    "中国科学技术大学",
    "北京大学",
    "武汉大学",
)
NATIONAL_EVENTS = (
    "全国青少年科技创新大赛",
    "全国中小学生艺术展演",
    "全国职业院校技能大赛",
    "全国青少年校园足球联赛",
    "中华经典诵写讲大赛",
)
PROVINCIAL_UNITS = ("教育厅", "财政厅", "人力资源和社会保障厅")
CITY_UNITS = (
    "财政局",
    "人力资源和社会保障局",
    "卫生健康委员会",
    "科学技术局",
    "公安局",
    "市场监督管理局",
    "团委",
    "科学技术协会",
)

# Parts of a city's own names.
LOCAL_THEMES = (
    "名师培育",
    "强校提质",
    "英才启航",
    "书香校园",
    "乡村教育振兴",
    "青蓝结对",
    "卓越校长",
    "阳光体育",
    "智慧校园",
    "匠心育人",
    "润心护航",
    "强基固本",
    "优质均衡",
    "教育家型教师",
    "新优质学校",
    "科创少年",
    "美育浸润",
    "劳动实践",
    "家校共育",
    "品质课堂",
    "强师兴教",
    "头雁领航",
    "银龄助教",
    "薄弱学校提升",
    "县中振兴",
    "校园安全护航",
    "数字赋能",
    "普惠托育",
    "特教融合",
    "产教融合",
)
PROGRAM_SUFFIXES = ("工程", "计划", "行动", "项目", "三年行动计划")
BRAND_WORDS = (
    "优学",
    "先锋",
    "匠心",
    "善育",
    "启智",
    "明德",
    "春晖",
    "领航",
    "润心",
    "尚美",
    "乐学",
    "知行",
    "励志",
    "致远",
    "弘毅",
    "博雅",
)
SCHOOL_KINDS = (
    "第一中学",
    "第二中学",
    "第三中学",
    "实验中学",
    "实验小学",
    "外国语学校",
    "第一小学",
    "第二实验小学",
    "特殊教育学校",
    "机关幼儿园",
    "第一幼儿园",
    "实验幼儿园",
    "中等职业技术学校",
    "高级中学",
    "育才学校",
)
COLLEGE_KINDS = ("职业技术学院", "师范学院", "学院", "开放大学", "技师学院", "幼儿师范高等专科学校")
COMPANY_BRANDS = (
    "华创",
    "鼎新",
    "博远",
    "启明",
    "正泰",
    "远景",
    "众诚",
    "宏达",
    "新源",
    "天行",
    "智汇",
    "恒信",
    "锦程",
    "同力",
    "盛泰",
    "云帆",
    "卓越",
    "中鼎",
    "海纳",
    "融创",
)
COMPANY_TRADES = (
    "教育科技",
    "信息技术",
    "新能源",
    "智能装备",
    "文化传媒",
    "数字科技",
    "汽车制造",
    "电子科技",
    "现代农业",
    "生物医药",
)
COMPANY_FORMS = ("有限公司", "股份有限公司", "集团有限公司")
EVENT_KINDS = (
    "中小学生运动会",
    "中小学生艺术节",
    "青少年科技创新大赛",
    "教师教学能力大赛",
    "班主任基本功大赛",
    "基础教育论坛",
    "职业教育活动周",
    "中小学生读书节",
    "校园足球联赛",
    "教育科研成果展评",
    "中小学生合唱节",
    "乡村教育论坛",
)
POLICY_TOPICS = (
    "中小学课后服务管理办法",
    "教育高质量发展三年行动计划（2025—2027年）",
    "学前教育普及普惠实施方案",
    "中小学教师“县管校聘”管理改革实施方案",
    "集团化办学实施意见",
    "中小学校园安全管理办法",
    "校外培训机构监督管理办法",
    "教育评价改革实施方案",
)

HEADINGS: tuple[str, ...] = (
    "全面加强党对教育工作的领导",
    "推进大中小学思政课一体化建设",
    "促进学生德智体美劳全面发展",
    "加强学生心理健康教育",
    "扩大普惠性学前教育资源",
    "推动义务教育优质均衡发展",
    "巩固深化“双减”成果",
    "促进普通高中多样化特色发展",
    "深化职业教育产教融合",
    "提升高等教育服务地方能力",
    "建设高素质专业化教师队伍",
    "深入实施教育数字化战略",
    "筑牢校园安全稳定防线",
    "深化新时代教育评价改革",
    "健全教育督导体制机制",
    "健全教育投入保障机制",
    "全面推进依法治教",
    "加强语言文字工作",
    "推进学习型社会建设",
    "精准做好学生资助工作",
    "办好特殊教育",
    "推进学校体育美育浸润",
    "加强新时代劳动教育",
    "全面提升科学教育水平",
    "推动教育对外交流合作",
    "高质量办好教育民生实事",
    "规范民办教育发展",
    "深化考试招生制度改革",
    "构建家校社协同育人格局",
    "加强校外培训监管",
    "推动城乡教育一体化发展",
    "健全教研支撑体系",
    "加强干部队伍建设",
    "纵深推进全面从严治党",
    "加强师德师风建设",
    "推进县域普通高中振兴",
)
SECTION_TITLES: tuple[str, ...] = (
    "坚持党建引领，落实立德树人根本任务",
    "推进基础教育扩优提质",
    "增强职业教育和高等教育服务能力",
    "建设高素质专业化教师队伍",
    "加快推进教育数字化转型",
    "深化教育综合改革",
    "筑牢教育安全发展根基",
    "提升教育治理能力和水平",
)
VERBS = ("健全", "完善", "强化", "提升", "优化", "深化", "加强", "推动", "规范", "落实", "做实", "拓展")
ADVERBS = ("", "", "持续", "进一步", "全面", "不断", "着力", "扎实")
OBJECTS = (
    "课后服务管理机制",
    "教师队伍建设",
    "校园安全管理",
    "家校社协同育人机制",
    "教育经费保障机制",
    "学生综合素质评价",
    "区域教研工作体系",
    "督导评估机制",
    "学校内部治理",
    "招生入学管理",
    "作业设计与管理",
    "学生体质健康监测",
    "心理健康教育体系",
    "劳动教育清单制度",
    "科学教育课程建设",
    "师德师风建设长效机制",
    "教育信息化应用水平",
    "集团化办学运行机制",
    "城乡学校结对帮扶",
    "课堂教学改革",
    "校本研修质量",
    "教育教学常规管理",
    "控辍保学工作机制",
    "学校食堂管理",
    "校园周边环境治理",
    "教师减负工作",
    "教育系统作风建设",
    "教育宣传舆论引导",
)
PURPOSES = (
    "切实提高育人质量",
    "推动各项工作落地见效",
    "促进教育公平",
    "办好人民满意的教育",
    "形成可复制可推广的经验",
    "不断增强群众教育获得感",
    "为学生终身发展奠基",
    "服务地方经济社会发展",
)
ADDRESSEES = (
    "各县（市、区）教育局，市直各学校，局属各单位：",
    "各县（市、区）教育和体育局，市属开发区教育管理部门，市直各学校，局属各单位：",
    "各区、县（市）教育局，市直属各学校（单位）：",
    "各乡镇（街道）中心学校，各直属学校（单位）：",
    "局机关各科室，各直属学校（单位），各镇（街道）中心学校：",
)


@dataclass(frozen=True)
class City:
    """A city's fixed facts and its own names, the same in every plan of that city."""

    name: str
    short: str
    pinyin: str
    province: str
    agency: str
    counties: tuple[str, ...]
    schools: tuple[str, ...]
    colleges: tuple[str, ...]
    companies: tuple[str, ...]
    programs: tuple[str, ...]
    events: tuple[str, ...]
    policies: tuple[str, ...]
    platforms: tuple[str, ...]


@dataclass
class Plan:
    """One generated plan, with what the generator put in it (for tests and estimates)."""

    name: str
    text: str
    points: int
    sections: int
    entities: set[tuple[str, str]] = field(default_factory=set)


def make_city(seed: int, index: int) -> City:
    """The city of slot `index`, with its own schools, companies, programmes, events and places."""
    full, short, pinyin, province = CITIES[index % len(CITIES)]
    rng = random.Random(f"policykg-corpus-city:{seed}:{full}")
    county = full.endswith("县")
    unit = rng.choice(("教育局", "教育体育局", "教育和体育局"))
    level = "县" if county else "市"
    themes = rng.sample(LOCAL_THEMES, 10)
    return City(
        name=full,
        short=short,
        pinyin=pinyin,
        province=province,
        agency=full + unit,
        counties=tuple(rng.sample(COUNTIES, 5)),
        schools=tuple(f"{full if rng.random() < 0.5 else short}{k}" for k in rng.sample(SCHOOL_KINDS, 8)),
        colleges=tuple(f"{short}{k}" for k in rng.sample(COLLEGE_KINDS, 2)),
        companies=tuple(
            f"{short}{b}{t}{rng.choice(COMPANY_FORMS)}"
            for b, t in zip(rng.sample(COMPANY_BRANDS, 4), rng.sample(COMPANY_TRADES, 4), strict=True)
        ),
        programs=(
            *(f"{short}{t}{rng.choice(PROGRAM_SUFFIXES)}" for t in themes[:6]),
            *(f"“{short}{w}”{rng.choice(('工程', '计划', '行动'))}" for w in rng.sample(BRAND_WORDS, 3)),
        ),
        events=tuple(_event(rng, level if rng.random() < 0.5 else full, e) for e in rng.sample(EVENT_KINDS, 6)),
        policies=tuple(f"《{full}{p}》" for p in rng.sample(POLICY_TOPICS, 3)),
        platforms=(f"{short}智慧教育云平台", f"“学在{short}”公共服务平台"),
    )


def _event(rng: random.Random, where: str, kind: str) -> str:
    """市第三届中小学生运动会, 白城市中小学生艺术节 …"""
    edition = f"第{_cn(rng.randint(2, 15))}届" if rng.random() < 0.5 else ""
    return f"{where}{edition}{kind}"


def _cn(n: int) -> str:
    """A Chinese numeral below 100.

    >>> _cn(3), _cn(10), _cn(14), _cn(20), _cn(25)
    ('三', '十', '十四', '二十', '二十五')
    """
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


class _Writer:
    """Sentences of one plan, recording every name it writes."""

    def __init__(self, rng: random.Random, city: City, year: int) -> None:
        self.rng = rng
        self.city = city
        self.year = year
        self.entities: set[tuple[str, str]] = set()
        self.said: set[str] = set()

    def name(self, etype: str, text: str) -> str:
        self.entities.add((etype, text.strip("“”《》")))
        return text

    def pick(self, etype: str, pool: tuple[str, ...]) -> str:
        return self.name(etype, self.rng.choice(pool))

    def program(self) -> str:
        pool = NATIONAL_PROGRAMS if self.rng.random() < 0.35 else self.city.programs
        return self.pick("Program", pool)

    def institution(self) -> str:
        r = self.rng.random()
        pool = self.city.schools if r < 0.5 else self.city.colleges if r < 0.75 else self.city.companies
        return self.pick("Institution", pool)

    def target(self) -> str:
        rng = self.rng
        n = rng.choice
        forms = (
            lambda: f"新增学位{n((800, 1500, 3000, 4500, 6000, 12000))}个",
            lambda: f"覆盖率达到{n((90, 95, 98, 100))}%以上",
            lambda: f"培育{n((2, 3, 5))}—{n((6, 8, 10))}所{n(('集团化办学示范校', '新优质学校', '科学教育特色学校'))}",
            lambda: f"每学期开展家访不少于{n((1, 2, 3))}次",
            lambda: f"新建、改扩建{n(('公办幼儿园', '中小学', '学校食堂'))}{rng.randint(3, 30)}所",
            lambda: f"认定市级{n(('劳动教育实践基地', '研学实践基地', '思政课实践教学基地'))}{rng.randint(5, 40)}个",
            lambda: f"学生体质健康优良率达到{rng.randint(50, 70)}%以上",
            lambda: f"培训教师{rng.randint(2, 20) * 1000}人次",
            lambda: f"课后服务参与率保持在{n((90, 95, 97))}%以上",
            lambda: f"力争{rng.randint(2, 6)}所学校入选省级{n(('示范校', '特色高中', '智慧教育示范校'))}",
        )
        return n(forms)()

    def filler(self) -> str:
        rng = self.rng
        a, b = rng.sample(OBJECTS, 2)
        clause = f"{rng.choice(ADVERBS)}{rng.choice(VERBS)}{a}，{rng.choice(ADVERBS)}{rng.choice(VERBS)}{b}"
        if rng.random() < 0.3:
            clause += f"，{rng.choice(PURPOSES)}"
        return clause + "。"

    def fact(self) -> str:
        """A sentence with names, a trigger and often a target."""
        rng, c = self.rng, self.city
        forms = (
            lambda: f"深入实施{self.program()}，{self.target()}。",
            lambda: f"持续推进{self.program()}，{rng.choice(PURPOSES)}。",
            lambda: f"全面落实{self.pick('Policy', NATIONAL_POLICIES + c.policies)}，{self.filler()}",
            lambda: f"举办{self.pick('Event', c.events)}，{self.target()}。",
            lambda: f"组织开展{self.pick('Event', c.events + NATIONAL_EVENTS)}。",
            lambda: f"联合{self.pick('Institution', UNIVERSITIES)}开展{rng.choice(OBJECTS)}试点工作。",
            lambda: f"与{self.pick('Institution', UNIVERSITIES)}合作共建附属学校{rng.randint(1, 4)}所。",
            lambda: f"依托{self.pick('Platform', NATIONAL_PLATFORMS + c.platforms)}，{self.filler()}",
            lambda: (
                f"由{self.institution()}牵头，联合{self.institution()}组建"
                f"{c.short}{rng.choice(LOCAL_THEMES)}联盟，{self.target()}。"
            ),
            lambda: f"{self.pick('Agency', (c.agency,))}牵头，会同{self._unit()}建立{rng.choice(OBJECTS)}工作专班。",
            lambda: f"指导{self.pick('Place', c.counties)}做好{rng.choice(OBJECTS)}工作，{self.target()}。",
            lambda: f"启动{self.program()}，{self.target()}。",
            lambda: (
                f"巩固深化{self.name('Program', '“双减”')}成果，课后服务参与率保持在{rng.choice((92, 95, 98))}%以上。"
            ),
        )
        return rng.choice(forms)()

    def _unit(self) -> str:
        if self.rng.random() < 0.3:
            return self.name("Agency", f"{self.city.province}{self.rng.choice(PROVINCIAL_UNITS)}")
        return self.name("Agency", f"{'县' if self.city.name.endswith('县') else '市'}{self.rng.choice(CITY_UNITS)}")

    def point(self, heading: str, budget: int) -> str:
        """A point's body: its heading, then facts and fillers until it reaches `budget` bytes."""
        sentences = [heading + "。", self.fresh(self.fact)]
        size = sum(len(s.encode()) for s in sentences)
        while size < budget:
            sentences.append(self.fresh(self.fact if self.rng.random() < 0.55 else self.filler))
            size += len(sentences[-1].encode())
        return "".join(sentences)

    def fresh(self, make: Callable[[], str]) -> str:
        """A sentence this plan has not said yet (plans don't repeat themselves word for word)."""
        for _ in range(20):
            sentence = make()
            if sentence not in self.said:
                break
        self.said.add(sentence)
        return sentence


def _header(w: _Writer, number: int, month: int, day: int) -> list[str]:
    """Portal metadata, title, number, addressees, cover letter, signature and the plan's own title."""
    c, y = w.city, w.year
    prefix = c.short[0] + w.rng.choice(("教发", "教字", "教", "教体发"))
    doc_number = f"{prefix}〔{y}〕{number}号"
    plan_title = f"{c.name}{y}年教育工作要点" if w.rng.random() < 0.6 else f"{y}年全{c.name[-1]}教育工作要点"
    title = f"{w.name('Agency', c.agency)}关于印发《{plan_title}》的通知"
    published = f"{y}-{min(12, month + w.rng.randint(0, 2)):02d}-{min(28, day + w.rng.randint(0, 9)):02d}"
    lines = [
        "首页 > 信息公开 > 政府信息公开 > 法定主动公开内容 > 部门文件",
        "",
        title,
        "",
        f"发布时间：{published} 09:{w.rng.randint(10, 59)}　　来源：{c.agency}　　浏览次数：",
        "",
        f"发文机关：{c.agency}",
        f"成文日期：{y}年{month:02d}月{day:02d}日",
        f"发文字号：{doc_number}",
        f"标　　题：{title}",
        "主题分类：教育",
        "",
        title,
        doc_number,
        "",
        w.rng.choice(ADDRESSEES),
        "",
        f"　　现将《{plan_title}》印发给你们，请结合实际，认真抓好贯彻落实。",
        "",
        c.agency,
        f"{y}年{month}月{day}日",
        "",
        "（此件主动公开）",
        "",
        plan_title,
        "",
    ]
    return lines


def _opening(w: _Writer) -> str:
    c = w.city
    year = (
        f"{w.year}年是“十四五”规划收官之年，也是谋划“十五五”教育发展的关键之年。"
        if w.year == 2025
        else f"{w.year}年是实施“十四五”规划的关键之年。"
    )
    return (
        f"　　{year}全{c.name[-1]}教育工作的总体思路是："
        "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届三中全会精神，深入落实全国教育大会部署和"
        f"{w.name('Policy', NATIONAL_POLICIES[0])}，锚定教育强{c.name[-1]}建设目标，以“办好家门口每一所学校”为主线，"
        f"{w.filler().rstrip('。')}，为{c.short}高质量发展贡献更多教育力量。"
    )


def _body(w: _Writer, n_points: int, budget: int) -> tuple[list[str], int]:
    """Sections and points; returns the lines and how many sections they hold."""
    rng = w.rng
    headings = rng.sample(HEADINGS, n_points)
    per_point = max(200, budget // n_points)
    sep = rng.choice((".", "．", "、"))
    style = rng.choice(("flat", "sections", "nested"))
    lines: list[str] = []
    if style == "flat":
        lines += [_opening(w), ""]
        lines += [f"　　{i}{sep}{w.point(h, per_point)}" for i, h in enumerate(headings, 1)]
        return lines, 0
    if style == "sections":
        lines += [_opening(w), ""]
        groups = _split(rng, n_points, rng.randint(3, min(6, n_points)))
        titles = rng.sample(SECTION_TITLES, len(groups))
        number = 0
        for k, (title, size) in enumerate(zip(titles, groups, strict=True), 1):
            lines += [f"{_cn(k)}、{title}", ""]
            for h in headings[number : number + size]:
                number += 1
                lines += [f"　　{number}{sep}{w.point(h, per_point)}", ""]
        return lines, len(groups)
    lines += ["一、总体要求", "", _opening(w), "", "二、重点工作", ""]
    groups = _split(rng, n_points, rng.randint(3, min(6, n_points)))
    titles = rng.sample(SECTION_TITLES, len(groups))
    number = 0
    for k, (title, size) in enumerate(zip(titles, groups, strict=True), 1):
        lines += [f"（{_cn(k)}）{title}", ""]
        for h in headings[number : number + size]:
            number += 1
            lines += [f"{number}{sep}{w.point(h, per_point)}", ""]
    return lines, 2 + len(groups)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` points over `parts` sections, each at least one."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def make_plan(seed: int, index: int) -> Plan:
    """Plan number `index` of the corpus for `seed`; the same arguments give the same bytes."""
    rng = random.Random(f"policykg-corpus-plan:{seed}:{index}")
    city = make_city(seed, index)
    year = 2025 - (index // len(CITIES)) % 6  # a city's next plan is an earlier year's
    w = _Writer(rng, city, year)
    month, day = rng.randint(1, 4), rng.randint(1, 28)
    header = _header(w, rng.randint(1, 60), month, day)
    n_points = rng.randint(8, 25)
    target_bytes = rng.randint(11500, 14500)
    head = "\n".join(header) + "\n"
    budget = target_bytes - len(head.encode()) - 900  # the opening paragraph
    body, sections = _body(w, n_points, budget)
    text = head + "\n".join(body).rstrip("\n") + "\n"
    name = f"{index:04d}_{city.pinyin}_{year}_jiaoyu_gongzuo_yaodian.txt"
    return Plan(name=name, text=text, points=n_points, sections=sections, entities=w.entities)


def generate_plans(n: int, seed: int = 1) -> Iterator[Plan]:
    """`n` plans with what each contains; plan `i` depends only on `(seed, i)`."""
    for i in range(n):
        yield make_plan(seed, i)


def generate(n: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """`n` plans as (file name, text), for benchmarks that read them from memory or write them out."""
    for plan in generate_plans(n, seed):
        yield plan.name, plan.text


def write_corpus(n: int, seed: int, out: Path) -> dict[str, float]:
    """Write `n` plans into `out`; returns the count, total MB and entities per plan."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    per_plan = 0
    distinct: set[tuple[str, str]] = set()
    for plan in generate_plans(n, seed):
        data = plan.text.encode("utf-8")
        (out / plan.name).write_bytes(data)
        total += len(data)
        per_plan += len(plan.entities)
        distinct |= plan.entities
    return {
        "plans": n,
        "megabytes": total / 1e6,
        "entities_per_plan": per_plan / n if n else 0.0,
        "distinct_entities": len(distinct),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write N synthetic education work plans (UTF-8 .txt).")
    parser.add_argument("--n", type=int, default=100, help="number of plans")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same files")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the plans into")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be 0 or more")
    stats = write_corpus(args.n, args.seed, args.out)
    print(
        f"{stats['plans']:.0f} plans, {stats['megabytes']:.2f} MB in {args.out}; "
        f"~{stats['entities_per_plan']:.0f} entities per plan (as written), "
        f"{stats['distinct_entities']:.0f} distinct across the corpus"
    )


if __name__ == "__main__":
    main()
