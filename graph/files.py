"""Writing outputs safely and reading them back.

Every output is written to a temporary file beside its destination and
renamed into place, so an interrupted run (Ctrl-C, kill, a full disk)
never leaves a half-written graph.json or page: the previous file stays.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph.errors import GraphFileError, OutputError
from graph.model import Extraction


def ensure_dir(path: Path) -> Path:
    """Create an output directory, or say clearly why it can't be.

    Raises:
        OutputError: the path exists as a file or can't be created or written.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as e:
        raise OutputError(f"{path}: exists and is not a directory; choose another --out") from e
    except OSError as e:
        raise OutputError(f"{path}: cannot create the output directory ({e.strerror}); choose another --out") from e
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: output directory is not writable; choose another --out or fix its permissions")
    return path


@contextmanager
def atomic_write(path: Path, *, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file next to `path`; on success it replaces `path` in one rename."""
    ensure_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot write here ({e.strerror}); choose another output path") from e
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; outputs are ordinary files
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline="" if encoding else None) as fh:
            try:
                yield fh
            except OSError as e:
                if e.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
                    raise
                raise OutputError(
                    f"{path}: cannot be written ({e.strerror}); free some space or choose another output path"
                ) from e
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as e:
                raise OutputError(
                    f"{path}: cannot be written ({e.strerror}); free some space or choose another output path"
                ) from e
        try:
            os.replace(tmp, path)
        except OSError as e:
            what = "is a folder" if path.is_dir() else f"cannot be replaced ({e.strerror})"
            raise OutputError(f"{path}: {what}; move it away or choose another output path") from e
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    with atomic_write(path) as fh:
        fh.write(text)


def write_graph_json(G: nx.MultiDiGraph, path: Path) -> None:
    """networkx node-link JSON (`nx.node_link_data`'s layout), UTF-8, Chinese kept readable.

    Written a node and an edge at a time: node_link_data would first copy the
    whole graph into dicts, doubling a big corpus's memory.
    """
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with atomic_write(path) as fh:
        fh.write('{"directed": true, "multigraph": true, "graph": ' + dumps(G.graph) + ', "nodes": [')
        for i, (nid, data) in enumerate(G.nodes(data=True)):
            fh.write(("" if i == 0 else ", ") + dumps({**data, "id": nid}))
        fh.write('], "edges": [')
        for i, (u, v, k, data) in enumerate(G.edges(keys=True, data=True)):
            fh.write(("" if i == 0 else ", ") + dumps({**data, "source": u, "target": v, "key": k}))
        fh.write("]}")


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    """Load a graph.json written by :func:`write_graph_json`.

    Raises:
        GraphFileError: missing, unreadable or not a policykg graph.
    """
    if path.is_dir():
        path = path / "graph.json"
    if not path.is_file():
        raise GraphFileError(f"{path}: no graph here; run `policykg build PLANS --out DIR` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        G = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, nx.NetworkXError) as e:
        raise GraphFileError(
            f"{path}: not a valid policykg graph.json ({e.__class__.__name__}); rebuild it with `policykg build`"
        ) from e
    if not isinstance(G, nx.MultiDiGraph):
        raise GraphFileError(f"{path}: not a policykg graph; rebuild it with `policykg build`")
    return G


def write_extractions(extractions: Iterable[Extraction], path: Path) -> None:
    """The extraction JSONL: one object per document."""
    with atomic_write(path) as fh:
        for ex in extractions:
            fh.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
