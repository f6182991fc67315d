"""The main job: plans in, graph files out.

This is the one call behind `policykg build`: read and extract every plan
as a stream, add each document to the graph as it arrives, and write the
extraction JSONL, graph.json, the embedded store and the graph page into a
new generation of the build folder, switched to all at once (`graph.outdir`).
A build into a folder that holds an earlier one extracts only new or changed
plans and copies the rest (`extract.cache`).
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extract.cache import CacheIndex, file_key, fingerprint
from extract.read import DEFAULT_LIMITS, PlanFiles, ReadLimits, scan_inputs
from graph.errors import InputError, Interrupted
from graph.files import atomic_write
from graph.outdir import BuildFolder

if TYPE_CHECKING:
    import networkx as nx

# spaCy, the store engine and the page renderer are imported where a build
# writes: a rebuild in which nothing changed needs none of them

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    files: dict[str, Path]
    summary: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    skipped_duplicates: int = 0
    # documents copied from the previous build, extracted now, and gone since it
    reused: int = 0
    extracted: int = 0
    removed: int = 0
    # nothing changed since the previous build: its outputs were kept as they are
    unchanged: bool = False
    # why nothing was reused although an earlier build was there (None: it was, or there was none)
    full_reason: str | None = None


@dataclass
class _Counts:
    duplicates: int = 0
    reused: int = 0
    extracted: int = 0


def build(
    paths: Iterable[Path | str],
    out_dir: Path,
    *,
    patterns: Path | None = None,
    jobs: int = 1,
    on_file: Callable[[Path, int, int], None] | None = None,
    full: bool = False,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> BuildResult:
    """Extract every plan under `paths` and write the graph files into `out_dir`.

    Documents stream: each extraction is written to the JSONL and its graph
    to a spool on disk as it arrives (`graph.spool`), and graph.json, the
    store and the page are written from the spool. Memory holds a few
    documents in flight and the entity table, never the graph or every text.

    Args:
        jobs: worker processes for extraction; the outputs are the same for any value.
        full: extract every plan even where an earlier build in `out_dir` could be reused.
        limits: how much of one input is read before it is refused (`extract.read.ReadLimits`).
        on_file: called as (path, index, total) as each file is done, for progress bars.

    Raises:
        PolicyKGError: bad input, an unwritable output, something in `out_dir`
            policykg did not make, or another build writing there. Every output
            is written into a new generation and switched at once at the end
            (`graph.outdir`): nothing in `out_dir` changes unless the whole build
            succeeds. Ctrl-C is `Interrupted`.
    """
    files, skipped = scan_inputs(paths)
    files, inside = _outside(files, out_dir)
    skipped, _ = _outside(skipped, out_dir)  # the outputs of an earlier build in there are no news
    if patterns is not None:
        from extract.pipeline import read_patterns

        read_patterns(patterns)  # a bad patterns file fails before any work, in this process
    warnings: list[str] = []
    if skipped:
        listed = ", ".join(p.name for p in skipped[:10]) + (" …" if len(skipped) > 10 else "")
        warnings.append(f"skipped {len(skipped)} files that are not plans (.txt .html .docx .pdf): {listed}")
    if inside:
        warnings.append(f"skipped {inside} files inside the output folder {out_dir} (outputs are not plans)")
    folder = BuildFolder(out_dir)
    folder.check()  # before the lock file is made: a refused build writes nothing
    with folder.locked():
        folder.check()
        folder.sweep()
        fp = fingerprint(patterns)
        previous = folder.current()
        index, reason = _previous_index(previous, fp, full=full)
        keys = [file_key(f, limits.max_file_bytes) for f in files]
        if index is not None and previous is not None and [list(k) if k else None for k in keys] == index.inputs:
            log.info("nothing changed since the last build: %d documents reused", len(index.documents))
            return BuildResult(
                files={name: out_dir / name for name in _OUTPUT_NAMES},
                summary=index.summary,
                warnings=[*warnings, *index.warnings],
                skipped_duplicates=sum(1 for w in index.warnings if w.endswith(_DUPLICATE)),
                reused=len(index.documents),
                unchanged=True,
            )
        gen = folder.new_generation()
        try:
            cache = _Cache(previous, index) if index is not None and previous is not None else None
            new_index = CacheIndex(fp, inputs=[list(k) if k else None for k in keys])
            counts = _Counts()
            try:
                files_written, summary = _write_generation(
                    files,
                    keys,
                    gen,
                    cache=cache,
                    index=new_index,
                    counts=counts,
                    patterns=patterns,
                    jobs=jobs,
                    on_file=on_file,
                    warnings=warnings,
                    limits=limits,
                )
            finally:
                if cache is not None:
                    cache.close()
            new_index.summary, new_index.warnings = summary, warnings
            new_index.write(gen)
        except KeyboardInterrupt:
            folder.discard(gen)
            raise Interrupted(
                f"interrupted: {out_dir} still holds the previous build, whole"
                if folder.has_build()
                else f"interrupted: nothing was written to {out_dir}"
            ) from None
        except BaseException:
            folder.discard(gen)
            raise
        folder.switch(gen)
    # plans whose files are gone from the inputs (an edited plan is extracted, not removed)
    removed = len({n for n, _ in index.documents} - {k[0] for k in keys if k}) if index is not None else 0
    log.info("%d documents reused, %d extracted, %d removed", counts.reused, counts.extracted, removed)
    for w in warnings:  # returned to the caller, who shows them; logged for -v
        log.info("warning: %s", w)
    return BuildResult(
        files={name: out_dir / path.relative_to(gen) for name, path in files_written.items()},
        summary=summary,
        warnings=warnings,
        skipped_duplicates=counts.duplicates,
        reused=counts.reused,
        extracted=counts.extracted,
        removed=removed,
        full_reason=reason,
    )


_OUTPUT_NAMES = {"extraction": "extraction.jsonl", "graph": "graph.json", "store": "store", "html": "graph.html"}
_DUPLICATE = "same content as an earlier file; read once"


def _previous_index(previous: Path | None, fp: str, *, full: bool) -> tuple[CacheIndex | None, str | None]:
    """The earlier build's cache index if it may be reused, else None and why not."""
    if previous is None:
        return None, None
    if full:
        return None, "--full"
    index = CacheIndex.read(previous)
    if index is None:
        return None, "the earlier build has no cache index"
    if index.fingerprint != fp:
        log.info(
            "policykg, its rules, lexicons or the --patterns file changed since the last build: extracting every plan"
        )
        return None, "policykg, its rules, lexicons or the --patterns file changed"
    return index, None


class _Cache:
    """The earlier build's extraction.jsonl, read by the byte ranges its index gives."""

    def __init__(self, folder: Path, index: CacheIndex) -> None:
        self.index = index
        self._fh = (folder / "extraction.jsonl").open("rb")

    def lines(self, key: tuple[str, str]) -> bytes | None:
        at = self.index.documents.get(key)
        if at is None:
            return None
        self._fh.seek(at[0])
        data = self._fh.read(at[1])
        # the lines must be whole and of this document: a damaged index costs an extraction, never a wrong graph
        first = data[: data.find(b"\n") + 1]
        if len(data) != at[1] or not data.endswith(b"\n") or f'"sha256": "{key[1]}"'.encode() not in first:
            return None
        return data

    def close(self) -> None:
        self._fh.close()


def _outside(files: list[Path], out_dir: Path) -> tuple[PlanFiles, int]:
    """The files not inside `out_dir`: a build folder inside the input folder is not read as plans."""
    named = getattr(files, "named", frozenset(files))
    try:
        out = out_dir.resolve()
    except OSError:
        return PlanFiles(files, named=named), 0
    kept = [f for f in files if not f.resolve().is_relative_to(out)]
    return PlanFiles(kept, named=named), len(files) - len(kept)


def _write_generation(
    files: list[Path],
    keys: list[tuple[str, str] | None],
    gen: Path,
    *,
    cache: _Cache | None,
    index: CacheIndex,
    counts: _Counts,
    patterns: Path | None,
    jobs: int,
    on_file: Callable[[Path, int, int], None] | None,
    warnings: list[str],
    limits: ReadLimits,
) -> tuple[dict[str, Path], dict[str, object]]:
    """Every output of one build, written into its generation folder `gen`.

    Files are taken in input order: a repeat of an earlier file's bytes is
    read once, a file the cache holds is copied, the rest are extracted (as
    one stream, so `jobs` workers share them) — the same lines, in the same
    order, as a clean build writes.
    """
    from extract.stream import extract_files
    from graph.embedded import write_store
    from graph.model import Extraction
    from graph.pages import PAGE_NODES, write_view_page
    from graph.spool import GraphSpool

    seen: set[str] = set()
    plan: list[tuple[str, Path, tuple[str, str] | None, bytes | None]] = []
    for path, key in zip(files, keys, strict=True):
        if key is not None and key[1] in seen:
            plan.append(("duplicate", path, key, None))
            continue
        if key is not None:
            seen.add(key[1])
        cached = cache.lines(key) if cache is not None and key is not None else None
        plan.append(("cached" if cached is not None else "extract", path, key, cached))
    todo = PlanFiles((path for kind, path, _, _ in plan if kind == "extract"), named=getattr(files, "named", files))
    unreadable = 0
    jsonl = gen / "extraction.jsonl"
    spool = GraphSpool(gen)
    stage = _Stages()
    try:
        with (
            atomic_write(jsonl) as fh,
            closing(extract_files(todo, jobs=jobs, patterns=patterns, limits=limits, require_one=False)) as stream,
        ):
            items = iter(stream)
            for done, (kind, path, key, cached) in enumerate(plan, start=1):
                start = fh.tell()
                if kind == "duplicate":
                    counts.duplicates += 1
                    warnings.append(f"{path}: {_DUPLICATE}")
                elif kind == "cached" and cached is not None:
                    fh.write(cached.decode("utf-8"))
                    for line in cached.splitlines():
                        record = Extraction.from_dict(json.loads(line))
                        warnings.extend(record.warnings)
                        spool.add(record)
                    counts.reused += 1
                else:
                    for item in items:
                        ex = item.extraction
                        if item.skipped:  # a file in a folder that can't be read: its warning says why
                            warnings.extend(item.warnings)
                            unreadable += 1
                        elif item.duplicate or ex is None:  # bytes seen before (a file whose key was unknown)
                            counts.duplicates += 1
                            warnings.append(f"{item.path}: {_DUPLICATE}")
                        else:
                            warnings.extend(ex.warnings)
                            item.write_line(fh)
                            spool.add(ex)
                        if item.final:
                            break
                    counts.extracted += fh.tell() > start  # a skipped file wrote nothing
                end = fh.tell()
                if key is not None and end > start:
                    index.documents[key] = (start, end - start)
                if on_file is not None:
                    on_file(path, done, len(plan))
        if unreadable and not counts.reused and not counts.extracted:
            raise InputError(
                f"none of the {unreadable} plan files could be read (each is named in a warning above); "
                "fix or remove them and try again"
            )
        spool.finish()
        stage.done("extraction and spool")
        graph_json = gen / "graph.json"
        spool.write_graph_json(graph_json)
        stage.done("graph.json")
        store = write_store(spool.store_rows(), gen)
        stage.done("embedded store")
        H, sentences = spool.page_view(PAGE_NODES)
        html = write_view_page(gen / "graph.html", H, sentences, title=spool.title())
        stage.done("graph.html")
        summary = spool.summary()
    finally:
        spool.close()
    return {"extraction": jsonl, "graph": graph_json, "store": store, "html": html}, summary


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
