"""Structure on the held-out plans (other cities, other numbering, GB18030, PDF breaks)."""

import json

import pytest

from extract.normalize import normalize_name
from extract.read import read_document
from extract.structure import parse_structure
from tests.conftest import ROOT

HELDOUT = ROOT / "tests" / "heldout"
GOLD = sorted((HELDOUT / "gold").glob("*.jsonl"))


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem)
def test_header_sections_points(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8").splitlines()[0])["document"]
    raw = read_document(HELDOUT / "plans" / gold["source"])
    s = parse_structure(raw.text, source=gold["source"], sha256=raw.sha256)
    d = s.document
    assert d.title == gold["title"]
    assert d.issuer == gold["issuer"]
    assert d.doc_number == gold["doc_number"]
    assert d.issued_date == gold["issued_date"]
    assert d.published_date == gold["published_date"]
    assert [normalize_name(a) for a in d.addressees] == gold["addressees"]
    assert len(s.sections) == gold["n_sections"]
    assert len(s.points) == gold["n_points"]
    assert "—" not in (d.plan_title or "")


def test_gb18030_plan_is_detected():
    raw = read_document(HELDOUT / "plans" / "xinhua_2025_jiaoyu_gongzuo_yaodian_gbk.txt")
    assert raw.encoding == "gb18030"
