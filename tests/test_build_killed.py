"""A build killed (SIGKILL, a real process) at each stage leaves the earlier build whole; the next one converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.embedded import open_embedded
from tests.conftest import BAICHENG, ROOT, ZHUJI

OUTPUTS = ("extraction.jsonl", "graph.json")
# what `policykg -v build` logs as each stage ends (extract/build.py's _Stages)
STAGES = ["extracting", "extraction and spool", "graph.json", "embedded store", "graph.html"]


def corpus(folder: Path, n: int, year: int) -> Path:
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in (BAICHENG, ZHUJI)]
    for i in range(n):
        text = texts[i % 2].replace("2024", str(year + i))
        (folder / f"p{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def policykg(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from cli import app; app()", "-v", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


def run(*args: str) -> None:
    proc = policykg(*args)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr


def state(out: Path) -> dict[str, object]:
    got: dict[str, object] = {name: (out / name).read_bytes() for name in OUTPUTS}
    store = open_embedded(out)
    try:
        got["store"] = store.read("MATCH (d:Document) RETURN count(d)")[1]
    finally:
        store.close()
    got["page"] = (out / "graph.html").stat().st_size > 0
    return got


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two corpora and a clean build of each: what a killed build must leave, or converge to."""
    base = tmp_path_factory.mktemp("killed")
    old, new = corpus(base / "old", 40, 1800), corpus(base / "new", 240, 1900)
    refs = {}
    for name, plans in (("old", old), ("new", new)):
        out = base / f"ref-{name}"
        run("build", str(plans), "--out", str(out))
        refs[name] = state(out)
    return base, old, new, refs


@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_each_stage(builds, tmp_path, stage):
    _, old, new, refs = builds
    out = tmp_path / "out"
    run("build", str(old), "--out", str(out))
    assert state(out) == refs["old"]
    proc = policykg("build", str(new), "--out", str(out))
    assert proc.stderr is not None
    if stage == "extracting":  # mid-extraction: the generation's JSONL is being written
        while proc.poll() is None and not list(out.glob(".gen-*/.extraction.jsonl.*.tmp")):
            time.sleep(0.05)
        time.sleep(0.3)
    else:
        for line in proc.stderr:
            if line.startswith(f"INFO extract.build: {stage}:"):
                break
        else:
            pytest.fail(f"the build ended without logging {stage!r}")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # whole: every output is the old build's, or (killed after the switch) every one is the new build's
    now = state(out)
    assert now in (refs["old"], refs["new"]), stage
    if stage in ("extracting", "extraction and spool"):
        assert now == refs["old"]  # 240 plans take far longer than a kill to land
    # the next build sweeps what the killed one left and converges on a clean build's outputs
    run("build", str(new), "--out", str(out))
    assert state(out) == refs["new"]
    assert len(list(out.glob(".gen-*"))) == 1
    assert not list(out.glob(".current.tmp-*"))
