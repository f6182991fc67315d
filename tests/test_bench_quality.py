"""bench.quality on a tiny invented set: its tables, its summary lines, its agreement check."""

import json
import sys

from bench import quality
from extract.realdev import evaluate_realdev
from tests.conftest import ROOT

PLAN = (
    "甲市教育局关于印发甲市2025年教育工作要点的通知\n\n甲市教育局\n2025年3月1日\n\n"
    "甲市2025年教育工作要点\n1.实施“强师计划”,联合乙师范学院举办全市教师技能大赛,新增学位3000个。\n"
    "2.开展“清风行动”,新建学校5所。(责任科室:办公室)\n"
)
GOLD = {
    "issuer": {"name": "甲市教育局", "in_text": True},
    "entities": [
        {"type": "Agency", "name": "甲市教育局", "surface": ["甲市教育局"]},
        {"type": "Program", "name": "强师计划", "surface": ["“强师计划”"]},
        {"type": "Institution", "name": "乙师范学院", "surface": ["乙师范学院"]},
        {"type": "Agency", "name": "办公室", "surface": ["办公室"]},
    ],
    "relations": [
        {"type": "IMPLEMENTS", "head": "甲市教育局", "tail": "强师计划", "trigger": "实施", "evidence": "…"},
        {"type": "RESPONSIBLE_FOR", "head": "办公室", "tail": "甲市教育局", "trigger": "责任科室", "evidence": "…"},
    ],
    "targets": [{"text": "新增学位3000个", "value": 3000, "value_max": None, "unit": "个", "qualifier": "exact"}],
}


def tiny_set(root, names):
    plans = root / "docs"
    plans.mkdir(parents=True)
    lines = []
    for name in names:
        (plans / name).write_text(PLAN, encoding="utf-8")
        lines.append(json.dumps({"doc": name, **GOLD}, ensure_ascii=False))
    gold = root / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gold, plans


def test_without_realdev_it_says_so_and_scores_the_given_set(tmp_path, capsys):
    gold, plans = tiny_set(tmp_path / "tiny", ["t1.txt"])
    args = ["--realdev", str(tmp_path / "nowhere"), "--no-default-sets", "--set", "tiny", str(gold), str(plans)]
    code = quality.main(args)
    out = capsys.readouterr().out
    assert code == 0
    assert "nowhere: not found" in out and "── tiny: 1 documents" in out
    assert "type              P      R     F1   gold" in out
    expected = evaluate_realdev(gold).summary_line()
    assert f"policykg eval: {expected} issuer_in_text=" in out
    assert out.rstrip().splitlines()[-1].startswith("policykg eval: entity_f1_strict=")


STUB = """import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from extract.realdev import score_file
table = score_file(Path(sys.argv[1]), Path(sys.argv[2])).score_table()
print(table.replace("targets ", "TARGETS ") if {wrong!r} else table)
"""


def stub_realdev(root, *, wrong):
    gold, _plans = tiny_set(root, ["a1.txt", "a2.txt", "b1.txt"])
    (root / "score.py").write_text(STUB.format(root=str(ROOT), wrong=wrong), encoding="utf-8")
    return gold


def test_runs_score_py_on_the_set_and_each_slice(tmp_path, capsys, monkeypatch):
    realdev = tmp_path / "realdev"
    stub_realdev(realdev, wrong=False)
    monkeypatch.setattr(quality, "_machine_python", lambda: sys.executable)
    code = quality.main(["--realdev", str(realdev), "--no-default-sets"])
    out = capsys.readouterr().out
    assert code == 0
    assert "realdev: extracted 3 plans" in out
    for name, docs in (("realdev all", 3), ("realdev a (files a*)", 2), ("realdev b (files b*)", 1)):
        assert f"── {name}: {docs} documents" in out
    assert out.count("agrees with score.py: all") == 3
    assert out.count("ALL strict ") == 3


def test_a_disagreement_is_shown_and_fails(tmp_path, capsys, monkeypatch):
    realdev = tmp_path / "realdev"
    stub_realdev(realdev, wrong=True)
    monkeypatch.setattr(quality, "_machine_python", lambda: sys.executable)
    code = quality.main(["--realdev", str(realdev), "--no-default-sets"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count("DIFFERS from score.py") == 3 and "TARGETS " in out
