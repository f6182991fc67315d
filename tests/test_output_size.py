"""What a build writes grows with the text, not with entities × sentence length."""

from __future__ import annotations

import json
import re

from extract.build import build
from graph.model import SENTENCE_MAX
from tests.conftest import BAICHENG


def run_on(tmp_path, chars: int):
    body = re.sub(r"[。！？；;!?\n]", "，", BAICHENG.read_text(encoding="utf-8"))  # no sentence ends at all
    text = "白城市教育局2024年工作要点\n" + (body * (chars // len(body) + 1))[:chars]
    plan = tmp_path / f"run_on_{chars}.txt"
    plan.write_text(text, encoding="utf-8")
    out = tmp_path / f"out{chars}"
    build([plan], out)
    return {name: (out / name).stat().st_size for name in ("graph.json", "graph.html", "extraction.jsonl")}, out


def test_a_text_without_sentence_ends_is_read_whole_and_quoted_in_pieces(tmp_path):
    small, out = run_on(tmp_path, 20_000)
    big, _ = run_on(tmp_path, 100_000)
    # five times the text: each output at most about five times larger (it was entities × 100 KB)
    for name in small:
        assert big[name] <= 6 * small[name] + 200_000, (name, small[name], big[name])
    # and the text was read, not dropped as one long "metadata" or chrome line
    assert small["extraction.jsonl"] > 20_000

    G = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    quoted = [e["sentence"] for e in G["edges"] if e.get("sentence")]
    assert quoted and max(map(len, quoted)) <= SENTENCE_MAX
