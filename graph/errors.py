"""The one exception family a user can act on.

The CLI catches :class:`PolicyKGError` only: its message is printed as one
line on stderr and the process exits non-zero. Anything else is a bug and
keeps its traceback (without locals, which could hold secrets).
"""

from __future__ import annotations


class PolicyKGError(Exception):
    """Root of every error a user can fix; the message ends with what to do."""

    exit_code = 1


class InputError(PolicyKGError):
    """An input file or directory is missing, empty, binary or undecodable."""

    exit_code = 2


class OutputError(PolicyKGError):
    """An output path cannot be written."""

    exit_code = 3


class GraphFileError(PolicyKGError):
    """A graph.json or store directory is missing or malformed."""

    exit_code = 4


class Neo4jError(PolicyKGError):
    """Neo4j is unreachable, refused the login, or rejected a statement."""

    exit_code = 5


class QueryError(PolicyKGError):
    """A named query is unknown, lacks a parameter, or is not read-only."""

    exit_code = 6


class Interrupted(PolicyKGError):
    """Ctrl-C (or SIGTERM) stopped a run; the message says what was kept."""

    exit_code = 130
