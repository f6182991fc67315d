"""The main job: plans in, graph files out.

This is the one call behind `policykg build`: read and extract every plan
as a stream, add each document to the graph as it arrives, and write the
extraction JSONL, graph.json and the graph page, each atomically.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from extract.pipeline import read_patterns
from extract.read import DEFAULT_LIMITS, ReadLimits, scan_inputs
from extract.stream import extract_files
from graph.embedded import write_store
from graph.files import atomic_write, ensure_dir
from graph.pages import PAGE_NODES, write_view_page
from graph.spool import GraphSpool

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    files: dict[str, Path]
    summary: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    skipped_duplicates: int = 0


def build(
    paths: Iterable[Path | str],
    out_dir: Path,
    *,
    patterns: Path | None = None,
    jobs: int = 1,
    on_file: Callable[[Path, int, int], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> BuildResult:
    """Extract every plan under `paths` and write the graph files into `out_dir`.

    Documents stream: each extraction is written to the JSONL and its graph
    to a spool on disk as it arrives (`graph.spool`), and graph.json, the
    store and the page are written from the spool. Memory holds a few
    documents in flight and the entity table, never the graph or every text.

    Args:
        jobs: worker processes for extraction; the outputs are the same for any value.
        on_file: called as (path, index, total) as each file is done, for progress bars.

    Raises:
        PolicyKGError: bad input or an unwritable output; nothing already in
            `out_dir` is replaced unless the whole build succeeds.
    """
    files, skipped = scan_inputs(paths)
    ensure_dir(out_dir)
    if patterns is not None:
        read_patterns(patterns)  # a bad patterns file fails before any work, in this process
    warnings: list[str] = []
    if skipped:
        listed = ", ".join(p.name for p in skipped[:10]) + (" …" if len(skipped) > 10 else "")
        warnings.append(f"skipped {len(skipped)} files that are not plans (.txt .html .docx .pdf): {listed}")
    duplicates = 0
    jsonl = out_dir / "extraction.jsonl"
    spool = GraphSpool(out_dir)
    stage = _Stages()
    try:
        with (
            atomic_write(jsonl) as fh,
            closing(extract_files(files, jobs=jobs, patterns=patterns, limits=limits)) as stream,
        ):
            done = 0
            for item in stream:
                if item.final:
                    done += 1
                    if on_file is not None:
                        on_file(item.path, done, len(files))
                ex = item.extraction
                if item.skipped:  # a file in a folder that can't be read: its warning says why
                    warnings.extend(item.warnings)
                    continue
                if item.duplicate or ex is None:
                    duplicates += 1
                    warnings.append(f"{item.path}: same content as an earlier file; read once")
                    continue
                warnings.extend(ex.warnings)
                item.write_line(fh)
                spool.add(ex)
                del ex, item  # a finished document lives on in the spool only
        spool.finish()
        stage.done("extraction and spool")
        graph_json = out_dir / "graph.json"
        spool.write_graph_json(graph_json)
        stage.done("graph.json")
        store = write_store(spool.store_rows(), out_dir)
        stage.done("embedded store")
        H, sentences = spool.page_view(PAGE_NODES)
        html = write_view_page(out_dir / "graph.html", H, sentences, title=spool.title())
        stage.done("graph.html")
        summary = spool.summary()
    finally:
        spool.close()
    for w in warnings:
        log.warning("%s", w)
    return BuildResult(
        files={"extraction": jsonl, "graph": graph_json, "store": store, "html": html},
        summary=summary,
        warnings=warnings,
        skipped_duplicates=duplicates,
    )


class _Stages:
    """Time and peak memory after each stage, logged with `policykg -v build`: where a big build's cost goes."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def done(self, name: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        log.info("%s: %.1f s, peak RSS so far %.0f MB", name, time.perf_counter() - self.started, peak)


def graph_from_paths(paths: Iterable[Path | str], *, patterns: Path | None = None) -> nx.MultiDiGraph:
    """A graph from a build folder or graph.json, or else extracted from plan files.

    `policykg load out/` reads the graph `build` wrote; `policykg load plans/`
    extracts in memory and loads without writing files.
    """
    from extract.pipeline import extract_paths
    from graph.build import build_graph
    from graph.files import read_graph_json

    resolved = [Path(p) for p in paths]
    if len(resolved) == 1 and (resolved[0].suffix == ".json" or (resolved[0] / "graph.json").is_file()):
        return read_graph_json(resolved[0])
    return build_graph(extract_paths(resolved, patterns=patterns))
