"""A build folder that policykg owns only where it says so.

A build writes every output into a fresh generation folder inside OUT
(``OUT/.gen-<stamp>/``: extraction.jsonl, graph.json, graph.html, store/)
and switches them all at once by renaming one link, ``OUT/.current``, to
point at it. The names a user opens (``OUT/graph.json`` …) are links through
``.current``, made once. So a build that fails or is killed at any point
leaves the previous build whole, and the switch is the build's last step.

Nothing is deleted unless policykg provably made it: a generation folder is
removed only when it is a real folder (never through a link) holding the
generation mark policykg writes, and only when it is not the current one.
Any other file or folder under an output's name, or a link pointing anywhere
else, is "in the way": the build stops with one line and touches nothing.
A lock on OUT itself (flock) keeps two builds out of one folder.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from graph.errors import OutputError
from graph.files import ensure_dir

log = logging.getLogger(__name__)

MARKER = ".policykg"  # a regular file: this folder holds policykg builds
CURRENT = ".current"  # the link to the current generation
GEN_PREFIX = ".gen-"
GEN_MARK = ".policykg-generation"  # a regular file inside every generation folder
OUTPUTS = ("extraction.jsonl", "graph.json", "graph.html", "store")
_LINK_TMP = ".current.tmp-"


def _link_target(name: str) -> str:
    return f"{CURRENT}/{name}"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_link_to(path: Path, target: str) -> bool:
    st = _lstat(path)
    return st is not None and stat.S_ISLNK(st.st_mode) and os.readlink(path) == target


def _is_generation(path: Path) -> bool:
    """A real folder (not a link) with policykg's generation mark in it as a regular file."""
    st = _lstat(path)
    if st is None or not stat.S_ISDIR(st.st_mode) or not path.name.startswith(GEN_PREFIX) or "/" in path.name:
        return False
    mark = _lstat(path / GEN_MARK)
    return mark is not None and stat.S_ISREG(mark.st_mode)


@dataclass
class BuildFolder:
    """OUT, locked for one build: check what is in the way, make a generation, switch to it."""

    path: Path
    _lock_fd: int = -1

    # -- opening ---------------------------------------------------------------------------------
    def check(self) -> None:
        """Refuse, touching nothing, if anything under an output's name is not policykg's.

        Raises:
            OutputError: naming the first thing in the way and what to do.
        """
        marked = self._marked()
        for name in (*OUTPUTS, CURRENT):
            entry = self.path / name
            st = _lstat(entry)
            if st is None:
                continue
            ours = marked and (_is_link_to(entry, _link_target(name)) if name != CURRENT else self._is_current_link())
            if not ours:
                kind = "a link" if stat.S_ISLNK(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode) else "a file"
                raise OutputError(
                    f"{entry}: {kind} policykg did not make is in the way of the build's output; "
                    "move it away or choose another --out (nothing was changed)"
                )

    def _marked(self) -> bool:
        st = _lstat(self.path / MARKER)
        if st is None:
            return False
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(
                f"{self.path / MARKER}: is not policykg's marker file; move it away or choose another --out"
            )
        return True

    def _is_current_link(self) -> bool:
        """`.current` is a link to a generation's name (even one since lost): policykg's own."""
        link = self.path / CURRENT
        st = _lstat(link)
        if st is None or not stat.S_ISLNK(st.st_mode):
            return False
        target = os.readlink(link)
        return "/" not in target and target.startswith(GEN_PREFIX)

    def _current_generation(self) -> Path | None:
        link = self.path / CURRENT
        st = _lstat(link)
        if st is None or not stat.S_ISLNK(st.st_mode):
            return None
        target = os.readlink(link)
        if "/" in target or not target.startswith(GEN_PREFIX):
            return None
        gen = self.path / target
        return gen if _is_generation(gen) else None

    @contextmanager
    def locked(self) -> Iterator[BuildFolder]:
        """Hold OUT's lock for the build; a second build into OUT refuses with one line.

        The lock is on the folder itself (flock of its descriptor), so no lock
        file is left behind; a folder this build created and leaves empty (it
        failed before its first switch) is removed again.
        """
        created = _lstat(self.path) is None
        ensure_dir(self.path)
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as e:
            raise OutputError(f"{self.path}: cannot open the output folder ({e.strerror}); choose another --out") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(
                    f"{self.path}: another policykg build is writing here; wait for it to end or choose another --out"
                ) from e
            raise OutputError(f"{self.path}: cannot lock the build folder ({e.strerror}); choose another --out") from e
        try:
            yield self
        finally:
            if created:
                with suppress(OSError):
                    self.path.rmdir()  # only if empty: nothing was built
            os.close(fd)  # closing releases the lock

    # -- generations -----------------------------------------------------------------------------
    def sweep(self) -> list[str]:
        """Remove what killed builds left: generation folders that are not the current one."""
        current = self._current_generation()
        removed = []
        for entry in self.path.iterdir():
            name = entry.name
            st = _lstat(entry)
            if st is None:
                continue
            if name.startswith(_LINK_TMP) and stat.S_ISLNK(st.st_mode):
                entry.unlink(missing_ok=True)
                removed.append(name)
            elif name.startswith(GEN_PREFIX) and entry != current and _is_generation(entry):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(name)
        if removed:
            log.info("swept %d leftovers of earlier builds: %s", len(removed), ", ".join(sorted(removed)))
        return removed

    def new_generation(self) -> Path:
        gen = self.path / f"{GEN_PREFIX}{os.getpid()}-{time.time_ns()}"
        try:
            gen.mkdir()
            (gen / GEN_MARK).write_text(json.dumps({"made_by": "policykg"}) + "\n", encoding="utf-8")
        except OSError as e:
            raise OutputError(f"{gen}: cannot write the build here ({e.strerror}); choose another --out") from e
        return gen

    def switch(self, gen: Path) -> None:
        """Make `gen` the current build in one rename; the old generation is removed after."""
        if not _is_generation(gen) or gen.parent != self.path:
            raise OutputError(f"{gen}: not a generation of {self.path}; rebuild with `policykg build`")
        old = self._current_generation()
        marker = self.path / MARKER
        if _lstat(marker) is None:
            marker.write_text(json.dumps({"made_by": "policykg", "layout": 1}) + "\n", encoding="utf-8")
        tmp = self.path / f"{_LINK_TMP}{os.getpid()}-{time.time_ns()}"
        os.symlink(gen.name, tmp)
        os.replace(tmp, self.path / CURRENT)  # the one step readers see: every output changes at once
        for name in OUTPUTS:
            entry = self.path / name
            if not _is_link_to(entry, _link_target(name)):
                tmp = self.path / f"{_LINK_TMP}{name}-{time.time_ns()}"
                os.symlink(_link_target(name), tmp)
                os.replace(tmp, entry)  # only ever replaces a missing name: check() refused anything else
        if old is not None and old != gen:
            with suppress(OSError):
                shutil.rmtree(old)

    def has_build(self) -> bool:
        return self._current_generation() is not None

    def current(self) -> Path | None:
        """The current generation folder (the earlier build), if there is one."""
        return self._current_generation()

    def discard(self, gen: Path) -> None:
        """Remove a generation that will never be switched to (a failed build)."""
        if _is_generation(gen) and gen != self._current_generation():
            shutil.rmtree(gen, ignore_errors=True)
