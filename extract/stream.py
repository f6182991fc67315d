"""Plans in, extractions out, one document at a time, in one process or several.

Extraction is pure Python rules over spaCy Docs, so threads would share one
core; `jobs` worker processes each build the pipeline once and extract
whole documents. Results come back in input order (the graph and the JSONL
are then the same whatever `jobs` is), and at most a few documents per
worker are in flight, so memory holds a window of documents, never the
corpus.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from extract.read import DEFAULT_LIMITS, ReadLimits
from graph.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language

    from graph.model import Extraction

log = logging.getLogger(__name__)

# documents submitted ahead per worker: enough to keep it busy, few enough to bound memory
WINDOW_PER_JOB = 4


@dataclass(frozen=True)
class Extracted:
    """One input file's outcome.

    `extraction` is None when the file's bytes repeat an earlier file's
    (`duplicate`), when a file found in a folder could not be read
    (`skipped`: its one warning says why), or when the caller asked for
    JSONL lines only (``records=False``: the records then never cross
    between processes).
    """

    path: Path
    sha256: str
    extraction: Extraction | None
    # the extraction as one line of extraction.jsonl when a worker encoded it
    # (so the main process only writes it); None: encode it with write_line
    line: str | None = None
    warnings: tuple[str, ...] = ()
    duplicate: bool = False
    # False for all but the last segment of a long document (several records per file)
    final: bool = True
    skipped: bool = False

    def write_line(self, fh: IO[str]) -> None:
        """Append this extraction to a JSONL file."""
        if self.line is not None:
            fh.write(self.line)
        elif self.extraction is not None:
            for chunk in self.extraction.json_chunks():
                fh.write(chunk)
            fh.write("\n")


def default_jobs() -> int:
    """The cores this process may use (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def extract_files(
    files: Sequence[Path],
    *,
    jobs: int = 1,
    patterns: Path | None = None,
    records: bool = True,
    limits: ReadLimits = DEFAULT_LIMITS,
    require_one: bool = True,
) -> Generator[Extracted, None, None]:
    """Read and extract `files` in order; a file whose sha256 was seen before is not extracted.

    A file that can't be read fails the run when the user named it; when it
    was found in a folder (`files` as `scan_inputs` returns them knows
    which) it comes back `skipped`, with one warning, and the rest go on.
    A plain list of files counts as named, every one.

    Raises:
        InputError: a named file can't be read (the first such file in input
            order), no file at all could be read, or `jobs` < 1.
    """
    if jobs < 1:
        raise InputError(f"--jobs {jobs}: give 1 or more worker processes")
    named = getattr(files, "named", None)
    strict = (lambda path: True) if named is None else (lambda path: path in named)
    read = skipped = 0
    if jobs == 1 or len(files) < 2:
        stream = _sequential(files, patterns, limits, strict)
    else:
        stream = _parallel(files, jobs, patterns, records, limits, strict)
    with closing(stream):
        for item in stream:
            if item.skipped:
                skipped += 1
            elif item.final:
                read += 1
            yield item
    if skipped and not read and require_one:  # (a build that reuses earlier plans checks this itself)
        raise InputError(
            f"none of the {skipped} plan files could be read (each is named in a warning above); "
            "fix or remove them and try again"
        )


def _failed(path: Path, error: BaseException) -> str:
    """The one line for a file that failed to read: the InputError's own, or a bug's class name to report."""
    if isinstance(error, InputError):
        return str(error)
    log.info("could not read %s", path, exc_info=error)  # `policykg -v` shows the traceback to report
    return f"{path}: could not be read ({error.__class__.__name__}); report this, with the output of policykg -v"


def _refuse(path: Path, message: str, strict: Callable[[Path], bool]) -> Extracted:
    """A file that could not be read: raise if the user named it, else skip it with its warning."""
    if strict(path):
        raise InputError(message)
    return Extracted(path, "", None, warnings=(f"{message} (skipped)",), skipped=True)


def _sequential(
    files: Sequence[Path], patterns: Path | None, limits: ReadLimits, strict: Callable[[Path], bool]
) -> Generator[Extracted, None, None]:
    from extract.pipeline import build_nlp

    nlp = build_nlp(patterns=patterns)
    _loaded()
    seen: set[str] = set()
    for path in files:
        yield from _in_this_process(path, nlp, seen, limits, strict)


def _in_this_process(
    path: Path, nlp: Language, seen: set[str], limits: ReadLimits, strict: Callable[[Path], bool]
) -> Iterator[Extracted]:
    """One file's records, a segment at a time (a long document is several)."""
    from extract.pipeline import extract_segments
    from extract.read import read_document

    try:
        raw = read_document(path, limits=limits)
    except Exception as e:  # one bad file must not end a folder's build: _failed names it
        yield _refuse(path, _failed(path, e), strict)
        return
    if raw.sha256 in seen:
        yield Extracted(path, raw.sha256, None, duplicate=True)
        return
    seen.add(raw.sha256)
    segments = extract_segments(raw, nlp)
    try:
        first = next(segments, None)
    except Exception as e:  # a bug in a rule on this text: skip the file as a worker would
        yield _refuse(path, _failed(path, e), strict)
        return
    if first is None:
        return
    yield Extracted(path, raw.sha256, first, warnings=first.warnings, final=_final(first))
    for ex in segments:
        yield Extracted(path, raw.sha256, ex, warnings=ex.warnings, final=_final(ex))


def _final(ex: Extraction) -> bool:
    return ex.segment is None or ex.segment[0] == ex.segment[1] - 1


# -- worker processes ----------------------------------------------------------------
_worker_nlp: Language | None = None


def _init_worker(patterns: Path | None) -> None:
    global _worker_nlp  # one pipeline per worker process, built once
    # Ctrl-C reaches the whole process group: the parent alone answers it, with one line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from extract.pipeline import build_nlp

    _worker_nlp = build_nlp(patterns=patterns)
    _loaded()


def _loaded() -> None:
    """Take what is loaded once out of the cyclic collector's sight, and collect less often.

    Extraction makes millions of short-lived objects; each full collection
    walked the lexicon, automata and spaCy's vocabulary again (~6% of the
    instructions on 20 plans, counted with cachegrind). Reference counting
    still frees everything that is not in a cycle.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


# a file's sha256 and, per segment: the record (or None), its JSONL line, its warnings, whether it is the last
_Result = tuple[str, list[tuple["Extraction | None", str, tuple[str, ...], bool]]]

# Files bigger than this are extracted in the main process, in their turn, a
# segment at a time: a worker would have to send all of a 50 MB plan's
# segments back at once.
INLINE_BYTES = 8_000_000


def _extract_one(path: Path, records: bool, limits: ReadLimits) -> _Result | str:
    """A file's sha256 and segments, or the one line saying why it can't be read.

    Failures come back as a plain string: an exception from a parser may not
    survive pickling back to the main process, and a string always does.
    """
    from extract.pipeline import extract_segments
    from extract.read import read_document

    assert _worker_nlp is not None
    try:
        raw = read_document(path, limits=limits)
        # pickling the records back costs the main process as much as writing them
        return raw.sha256, [
            (ex if records else None, json_line(ex), ex.warnings, _final(ex))
            for ex in extract_segments(raw, _worker_nlp)
        ]
    except Exception as e:  # the main process decides: fail the run, or skip the file
        return _failed(path, e)


def json_line(ex: Extraction) -> str:
    """One line of extraction.jsonl."""
    return "".join(ex.json_chunks()) + "\n"


def _parallel(
    files: Sequence[Path],
    jobs: int,
    patterns: Path | None,
    records: bool,
    limits: ReadLimits,
    strict: Callable[[Path], bool],
) -> Generator[Extracted, None, None]:
    # Import the pipeline before forking, so workers start with spaCy loaded.
    import extract.pipeline  # noqa: F401

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    executor = ProcessPoolExecutor(
        max_workers=min(jobs, len(files)), mp_context=context, initializer=_init_worker, initargs=(patterns,)
    )
    pending: deque[tuple[Path, Future[_Result | str] | None]] = deque()  # None: extract here, in turn
    todo = iter(files)
    seen: set[str] = set()
    main_nlp: Language | None = None

    def submit(path: Path) -> None:
        try:
            huge = path.stat().st_size > INLINE_BYTES
        except OSError:
            huge = False  # the worker's read says what is wrong with it
        pending.append((path, None if huge else executor.submit(_extract_one, path, records, limits)))

    try:
        for path in todo:
            submit(path)
            if len(pending) >= jobs * WINDOW_PER_JOB:
                break
        while pending:
            path, future = pending.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                submit(nxt)
            if future is None:
                if main_nlp is None:
                    from extract.pipeline import build_nlp

                    main_nlp = build_nlp(patterns=patterns)
                yield from _in_this_process(path, main_nlp, seen, limits, strict)
                continue
            try:
                result = future.result()
            except BrokenProcessPool as e:  # killed (out of memory?) or crashed in native code
                raise InputError(
                    f"{path}: a worker process died while reading this file; "
                    "try it alone with --jobs 1, and report this if it happens again"
                ) from e
            if isinstance(result, str):
                yield _refuse(path, result, strict)
                continue
            sha, segments = result
            if sha in seen:
                yield Extracted(path, sha, None, duplicate=True)
                continue
            seen.add(sha)
            for extraction, line, warnings, final in segments:
                yield Extracted(path, sha, extraction, line, warnings, final=final)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


__all__ = ["Extracted", "default_jobs", "extract_files"]
