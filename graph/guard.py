"""The statement check every ad-hoc, --file and named query passes before it runs.

Opening the embedded store read-only stops writes to the graph, but not
what its Cypher can do to the machine: ``COPY (…) TO '/any/file'`` writes
files, ``LOAD FROM '/etc/passwd'`` reads them, ``LOAD EXTENSION`` runs a
shared library, ``CALL timeout=0`` lifts our limits, and ``CHECKPOINT``
leaves the store unreadable until it is rebuilt. On Neo4j a READ
transaction still runs ``LOAD CSV`` and procedures. So a query is checked
here, on both stores, before the engine sees it:

* it is tokenised the way the engines do: string literals ('…', "…" with
  backslash escapes), backtick identifiers and comments are skipped, so a
  name such as 'COPY' in a string is no clause;
* comments are removed from the text that runs, so no comment trick can
  make the engine read something other than what was checked;
* only reading clauses are allowed: a word that starts any other clause is
  refused, as is CALL of anything but a few schema listings, a function
  not on :data:`ALLOWED_FUNCTIONS` and a second statement;
* the text is capped in bytes, tokens and nesting: the engines' parsers
  take memory and time far beyond the text's size (measured on LadybugDB:
  a 16 KB chain of ORs took 240 MB, an 80 KB one 1.2 GB; 5,000 nested
  parentheses crashed the process).

This is an allow list for what matters (functions and procedures) and a
refuse list for clauses, because a clause word cannot be told from a
variable without the engine's grammar: a variable named like a refused
clause (``copy``, ``set``) is refused too; quote it in backticks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError
from graph.store import GraphStore

MAX_QUERY_BYTES = 100_000
MAX_TOKENS = 5_000
MAX_DEPTH = 32

# Words that begin a clause or statement that is not a read, in either engine's dialect.
REFUSED_WORDS = frozenset(
    {
        # writes and schema
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER", "RENAME", "INSERT",
        "FOREACH", "COMMENT",
        # files, databases and extensions
        "COPY", "LOAD", "EXPORT", "IMPORT", "ATTACH", "USE", "INSTALL", "UNINSTALL", "UPDATE", "EXTENSION",
        # transactions and storage
        "BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT",
        # administration (Neo4j)
        "SHOW", "TERMINATE", "GRANT", "DENY", "REVOKE", "START", "STOP", "ENABLE",
        # plans: not reads of the graph, and PROFILE runs the query outside our limits' wording
        "EXPLAIN", "PROFILE",
    }
)  # fmt: skip

# The functions the shipped queries use, plus common harmless ones. Names are
# compared lower-cased; each engine rejects the other's names itself.
# Left out on purpose: range() and repeat()/lpad()/rpad() (they build values
# outside the engine's memory cap and ignore its timeout: range(1, 1e8) took
# 6 s and 1.1 GB past a 3 s timeout), file and table readers (read_csv_*,
# read_parquet, copy_*), sequences (nextval), settings and every namespaced
# function (apoc.*, db.*, dbms.*, gds.*).
ALLOWED_FUNCTIONS = frozenset(
    {
        # aggregation
        "count", "collect", "sum", "min", "max", "avg",
        # graph
        "nodes", "relationships", "rels", "labels", "label", "type", "id", "elementid", "startnode",
        "endnode", "start_node", "end_node", "length", "properties", "keys", "shortestpath",
        "allshortestpaths",
        # predicates and nulls
        "any", "all", "none", "single", "exists", "coalesce", "ifnull",
        # lists
        "size", "head", "last", "tail", "reverse", "list_contains", "list_transform", "list_filter",
        "list_sort", "list_distinct", "list_unique",
        # strings
        "lower", "upper", "tolower", "toupper", "trim", "ltrim", "rtrim", "substring", "substr", "left",
        "right", "replace", "split", "string_split", "starts_with", "ends_with", "contains", "concat",
        "prefix", "suffix",
        # numbers and conversion
        "abs", "round", "floor", "ceil", "sign", "tostring", "to_string", "cast", "tointeger", "tofloat",
        "toboolean", "to_int64", "to_double",
    }
)  # fmt: skip

# Procedures that only list the schema: LadybugDB's and Neo4j's.
ALLOWED_CALLS = frozenset({"show_tables", "table_info", "db.labels", "db.relationshiptypes", "db.propertykeys"})

# Words that may stand before "(" without being a function call.
_BEFORE_PAREN = frozenset(
    {
        "MATCH", "OPTIONAL", "WHERE", "AND", "OR", "XOR", "NOT", "IN", "RETURN", "WITH", "UNWIND", "CASE",
        "WHEN", "THEN", "ELSE", "DISTINCT", "BY", "SKIP", "LIMIT", "CONTAINS", "UNION", "ALL", "AS",
        "WSHORTEST", "YIELD", "IS",
    }
)  # fmt: skip

READS = "use only MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT and UNION"


@dataclass(frozen=True)
class Token:
    """One lexical token: kind is word, ident (`quoted`), string, param, number or punct."""

    kind: str
    text: str
    start: int

    @property
    def name(self) -> str:
        """A word or backtick identifier as the engine names it."""
        return self.text[1:-1].replace("``", "`") if self.kind == "ident" else self.text


@dataclass(frozen=True)
class Checked:
    """A query that passed: the text to run (comments removed) and what the row cap needs."""

    text: str
    tokens: tuple[Token, ...]
    has_top_level_limit: bool
    has_union: bool
    has_top_level_return: bool = True


def _is_word_start(ch: str) -> bool:
    return ch == "_" or ch.isidentifier()


def _is_word_part(ch: str) -> bool:
    # XID_Continue (Python's rule) is a subset of the engines' ID_Continue: a word here
    # never spans more than the engine's does, so no keyword hides inside a longer word.
    return ("a" + ch).isidentifier()


def tokenize(cypher: str, *, source: str) -> tuple[list[Token], str]:
    """The tokens of `cypher` and its text with every comment replaced by a space.

    >>> tokens, text = tokenize("MATCH (n {name: '国培计划 // COPY'}) /* LOAD */ RETURN n.name // x", source="q")
    >>> [t.text for t in tokens if t.kind in ("word", "string")]
    ['MATCH', 'n', 'name', "'国培计划 // COPY'", 'RETURN', 'n', 'name']
    >>> text
    "MATCH (n {name: '国培计划 // COPY'})   RETURN n.name  "

    Raises:
        QueryError: a string, identifier or comment is not closed, or a backslash stands outside a string.
    """
    tokens: list[Token] = []
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if ch.isspace() or ch in "\u180e\ufeff":
            out.append(ch)
            i += 1
        elif cypher.startswith("//", i):
            end = cypher.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            if end < 0:
                raise QueryError(f"{source}: a /* comment is not closed; close it with */ or remove it")
            i = end + 2
            out.append(" ")
        elif ch in "'\"":
            j = i + 1
            while j < n and cypher[j] != ch:
                j += 2 if cypher[j] == "\\" else 1
            if j >= n:
                raise QueryError(f"{source}: a string starting with {ch} is not closed; close it with {ch}")
            tokens.append(Token("string", cypher[i : j + 1], i))
            out.append(cypher[i : j + 1])
            i = j + 1
        elif ch == "`":
            end = cypher.find("`", i + 1)
            while end >= 0 and cypher.startswith("``", end):  # `a``b` is one name
                end = cypher.find("`", end + 2)
            if end < 0:
                raise QueryError(f"{source}: a `quoted name is not closed; close it with `")
            tokens.append(Token("ident", cypher[i : end + 1], i))
            out.append(cypher[i : end + 1])
            i = end + 1
        elif _is_word_start(ch) or (ch == "$" and i + 1 < n and (_is_word_part(cypher[i + 1]))):
            j = i + 1
            while j < n and _is_word_part(cypher[j]):
                j += 1
            kind = "param" if ch == "$" else "word"
            tokens.append(Token(kind, cypher[i:j], i))
            out.append(cypher[i:j])
            i = j
        elif ch.isascii() and ch.isdigit():
            j = i + 1
            while j < n and cypher[j].isascii() and cypher[j].isdigit():
                j += 1
            if j + 1 < n and cypher[j] == "." and cypher[j + 1].isascii() and cypher[j + 1].isdigit():
                j += 1
                while j < n and cypher[j].isascii() and cypher[j].isdigit():
                    j += 1
            tokens.append(Token("number", cypher[i:j], i))
            out.append(cypher[i:j])
            i = j
        elif ch == "\\":
            raise QueryError(f"{source}: a backslash outside a string; write it inside '…' or remove it")
        else:
            text = ".." if cypher.startswith("..", i) else ch
            tokens.append(Token("punct", text, i))
            out.append(text)
            i += len(text)
    return tokens, "".join(out)


def _chain(tokens: list[Token], i: int) -> tuple[str, int]:
    """A dotted name starting at token i (``apoc.load.csv``) and the index after it."""
    parts = [tokens[i].name]
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].kind in ("word", "ident"):
        parts.append(tokens[j + 1].name)
        j += 2
    return ".".join(parts), j


def check_query(cypher: str, *, source: str) -> Checked:
    """Refuse anything in `cypher` but one reading statement; return the text to run.

    `source` names the query in messages: ``--cypher``, a file's path, or a named query.

    >>> check_query("MATCH (p:Program {name: 'COPY'}) RETURN p.name;", source="--cypher").text
    "MATCH (p:Program {name: 'COPY'}) RETURN p.name"
    >>> check_query("COPY (MATCH (n) RETURN n) TO '/tmp/x.csv'", source="--cypher")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: --cypher: COPY is not allowed in a read-only query; use only MATCH, ...

    Raises:
        QueryError: one line naming the source, the refused word and what to do.
    """
    size = len(cypher.encode("utf-8"))
    if size > MAX_QUERY_BYTES:
        raise QueryError(
            f"{source}: the query is {size:,} bytes, more than {MAX_QUERY_BYTES:,}; "
            "shorten it and pass long lists as a $parameter with -p"
        )
    tokens, text = tokenize(cypher, source=source)
    if len(tokens) > MAX_TOKENS:
        raise QueryError(
            f"{source}: the query has {len(tokens):,} tokens, more than {MAX_TOKENS:,}; "
            "shorten it and pass long lists as a $parameter with -p"
        )
    if not tokens:
        raise QueryError(f"{source}: the query is empty; write a MATCH … RETURN query")
    depth = 0
    has_union = False
    last_return = -1
    limit_after_return = False
    for i, tok in enumerate(tokens):
        if tok.kind != "punct":
            continue
        if tok.text in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"{source}: the query nests deeper than {MAX_DEPTH} brackets; flatten it with WITH")
        elif tok.text in ")]}":
            depth -= 1
        elif tok.text == ";" and i != len(tokens) - 1:
            raise QueryError(f"{source}: more than one statement (a ';' before the end); run one query at a time")
    depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "punct":
            depth += tok.text in "([{"
            depth -= tok.text in ")]}"
            i += 1
            continue
        if tok.kind not in ("word", "ident"):
            i += 1  # literals and parameters
            continue
        if i > 0 and tokens[i - 1].text == ".":  # a property name, never a call: (x).load(…) is refused
            if i + 1 < len(tokens) and tokens[i + 1].text == "(":
                raise QueryError(
                    f"{source}: function {tok.name} is not allowed in a read-only query; "
                    "the allowed ones are listed in README (Queries)"
                )
            i += 1
            continue
        name, after = _chain(tokens, i)
        calls = after < len(tokens) and tokens[after].text == "("
        upper = tok.text.upper() if tok.kind == "word" else ""
        if upper in REFUSED_WORDS and not (i + 1 < len(tokens) and tokens[i + 1].text == ":"):
            raise QueryError(
                f"{source}: {upper} is not allowed in a read-only query; {READS}"
                + (f" (a variable named {tok.text}: quote it as `{tok.text}`)" if upper in _NAME_LIKE else "")
            )
        if i == 0 and upper not in _FIRST_WORDS:  # not a clause: a typo (MATC) or a bare expression
            raise QueryError(
                f"{source}: Cypher syntax error: a query starts with a clause, not {tok.text}; fix the query ({READS})"
            )
        if upper == "CALL":
            target, after = _chain(tokens, i + 1) if i + 1 < len(tokens) else ("", i + 1)
            is_call = after < len(tokens) and tokens[after].text == "("
            if not (is_call and target.lower() in ALLOWED_CALLS):
                raise QueryError(
                    f"{source}: CALL {target or '…'} is not allowed in a read-only query; "
                    "only CALL show_tables(), table_info(…), db.labels(), db.relationshipTypes() "
                    "and db.propertyKeys() are"
                )
            i = after
            continue
        if calls and not (after == i + 1 and upper in _BEFORE_PAREN):
            if name.lower() not in ALLOWED_FUNCTIONS:
                raise QueryError(
                    f"{source}: function {name} is not allowed in a read-only query; "
                    "the allowed ones are listed in README (Queries)"
                )
            i = after
            continue
        if depth == 0 and upper == "UNION":
            has_union = True
        elif depth == 0 and upper == "RETURN":
            last_return, limit_after_return = i, False
        elif depth == 0 and upper == "LIMIT" and last_return >= 0:
            limit_after_return = True
        i = after
    if tokens[-1].text == ";":
        text = _drop_last_semicolon(text)
    return Checked(
        text=text.strip(),
        tokens=tuple(tokens),
        has_top_level_limit=limit_after_return,
        has_union=has_union,
        has_top_level_return=last_return >= 0,
    )


# Words a reading statement starts with.
_FIRST_WORDS = frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL"})

# Refused words someone may well name a variable: the message suggests backticks.
_NAME_LIKE = frozenset({"SET", "START", "STOP", "USE", "UPDATE", "COMMENT", "SHOW", "EXTENSION", "GRANT", "ENABLE"})


def _drop_last_semicolon(text: str) -> str:
    """`text` without its final ';' (only blanked comments and whitespace can follow it)."""
    index = text.rfind(";")
    return text[:index] + text[index + 1 :]


def with_row_cap(checked: Checked, max_rows: int) -> str:
    """The text to run, with ``LIMIT max_rows+1`` when the query sets no limit of its own.

    The engine then stops after the rows that will be shown (and one to tell
    that there were more) instead of building the whole result: a 10-million
    row result took gigabytes before. A UNION keeps its text (a LIMIT would
    bind only its last part), and so does a query without RETURN (a
    standalone ``CALL db.labels()`` takes no LIMIT); rows are still fetched
    only up to the cap.

    >>> with_row_cap(check_query("MATCH (n) RETURN n.name", source="q"), 100)
    'MATCH (n) RETURN n.name\\nLIMIT 101'
    """
    if checked.has_top_level_limit or checked.has_union or not checked.has_top_level_return:
        return checked.text
    return f"{checked.text}\nLIMIT {int(max_rows) + 1}"  # our own integer, never data


DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class ReadResult:
    """Rows of a checked read; `truncated` when the query had more than `max_rows`."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


def run_read(
    store: GraphStore,
    cypher: str,
    params: dict[str, Any] | None = None,
    *,
    source: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> ReadResult:
    """Check `cypher`, then run it on `store` within the time and row limits.

    Every query the CLI runs comes through here: ad-hoc (``--cypher``),
    ``--file`` and the named ones (which must pass the check too).

    Raises:
        QueryError: refused by the check, or by the store (a write, a syntax
            error, the timeout, the memory cap); the message names `source`.
    """
    checked = check_query(cypher, source=source)
    text = with_row_cap(checked, max_rows) if max_rows is not None else checked.text
    try:
        columns, rows = store.read(text, params or {}, timeout=timeout, max_rows=max_rows)
    except QueryError as e:
        raise QueryError(f"{source}: {e}") from e
    if max_rows is not None and len(rows) > max_rows:
        return ReadResult(columns, rows[:max_rows], truncated=True)
    return ReadResult(columns, rows)
