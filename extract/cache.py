"""What a build may reuse from the one before it.

A corpus grows a few plans at a time, and extraction is the cost. Every
build leaves, beside its extraction.jsonl, an index (``cache.json``) of
which input (file name and content hash) wrote which bytes of it, under a
fingerprint of everything that changes an extraction: policykg's version,
the code and the rule, pattern and lexicon files of `extract/`, the record
model, spaCy's and jieba's versions and the ``--patterns`` file's content.
The next build into the same folder copies the lines of inputs it has seen
(same name, same bytes, same fingerprint) and extracts only the others; a
different fingerprint means every plan is extracted again.

The cache lives in the build's generation folder (`graph.outdir`), so it is
exactly as consistent as the outputs it describes: a killed build never
touches it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INDEX = "cache.json"
_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
_MODEL = _PACKAGE.parent / "graph" / "model.py"
_HASHED_SUFFIXES = (".py", ".txt", ".jsonl", ".json", ".tsv", ".csv", ".cypher")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    h = hashlib.sha256()
    for dist in ("policykg", "spacy", "jieba"):
        h.update(f"{dist}={_version(dist)}\n".encode())
    files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix in _HASHED_SUFFIXES)
    for path in [*files, _MODEL]:
        h.update(str(path.relative_to(_PACKAGE.parent)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def fingerprint(patterns: Path | None = None) -> str:
    """Everything an extraction depends on but its input, as one hash."""
    h = hashlib.sha256(_code_fingerprint().encode())
    if patterns is not None:
        h.update(b"patterns\0" + hashlib.sha256(patterns.read_bytes()).digest())
    return h.hexdigest()[:32]


def file_key(path: Path, max_bytes: int | None = None) -> tuple[str, str] | None:
    """(file name, sha256 of its bytes), the key a document is cached under; None: read it the usual way.

    Only regular files are hashed here; anything else (missing, a FIFO, a
    device) goes on to the reader, which says what is wrong with it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (max_bytes is not None and st.st_size > max_bytes):
            return None  # the reader refuses it, in its own words
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return path.name, h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


@dataclass
class CacheIndex:
    """One build's inputs and where each one's lines are in its extraction.jsonl."""

    fingerprint: str
    # every input key in input order (duplicates and unreadable files included), for "nothing changed"
    inputs: list[list[str] | None] = field(default_factory=list)
    # (name, sha256) → (offset, length) of its lines in extraction.jsonl
    documents: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        data = {
            "format": _FORMAT,
            "fingerprint": self.fingerprint,
            "inputs": self.inputs,
            "documents": [[name, sha, off, n] for (name, sha), (off, n) in self.documents.items()],
            "summary": self.summary,
            "warnings": self.warnings,
        }
        (folder / INDEX).write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> CacheIndex | None:
        """The index of an earlier build, or None when there is none or it can't be trusted."""
        try:
            data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                return None
            return cls(
                fingerprint=str(data["fingerprint"]),
                inputs=[list(k) if k else None for k in data["inputs"]],
                documents={(str(n), str(s)): (int(o), int(c)) for n, s, o, c in data["documents"]},
                summary=dict(data.get("summary", {})),
                warnings=[str(w) for w in data.get("warnings", [])],
            )
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.info("no usable cache in %s (%s): extracting every plan", folder, e.__class__.__name__)
            return None
