"""Named Cypher queries: `.cypher` files with a header, run with parameters.

A named query is a file ``queries/NAME.cypher`` whose first lines are
comments::

    // name: shared_programmes
    // description: Programmes that more than one plan carries.
    // param min_docs: how many documents at least (default: 2)

Values reach Cypher only as ``$parameters``; a parameter the query uses but
the user did not give (and that has no default) is an error before anything
runs. An engine may need its own dialect: ``NAME.<engine>.cypher`` beside
the file replaces it for that engine.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import QueryError

_HEADER = re.compile(r"^//\s*(name|description|param)\s*([A-Za-z_][A-Za-z0-9_]*)?\s*:\s*(.*)$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_DEFAULT = re.compile(r"\(default:\s*(.*?)\)\s*$")
_EXAMPLE = re.compile(r"\(e\.g\.\s*(.*?)\)")


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    default: Any = None
    has_default: bool = False
    example: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    cypher: str
    params: tuple[Param, ...] = ()
    variants: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def text_for(self, engine: str) -> str:
        return self.variants.get(engine, self.cypher)

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """Parameters for a run: defaults filled in, nothing missing, nothing unknown.

        Raises:
            QueryError: a parameter is missing or not one this query takes.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise QueryError(
                f"query {self.name!r} takes no parameter {', '.join(unknown)}; "
                f"it takes: {', '.join(declared) or 'none'}"
            )
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                out[p.name] = given[p.name]
            elif p.has_default:
                out[p.name] = p.default
            else:
                hint = f" (e.g. {p.example})" if p.example else ""
                raise QueryError(
                    f"query {self.name!r} needs parameter {p.name!r}: {p.description}{hint}; pass -p {p.name}=VALUE"
                )
        return out


def parse_value(text: str) -> Any:
    """A parameter value from the command line: numbers, booleans, JSON lists, else text.

    >>> parse_value("2"), parse_value("0.5"), parse_value("国培计划"), parse_value('["a", "b"]'), parse_value("true")
    (2, 0.5, '国培计划', ['a', 'b'], True)
    >>> parse_value('""'), parse_value("'2'")
    ('', '2')
    """
    stripped = text.strip()
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    if stripped.lower() == "null":
        return None
    for cast in (int, float):
        try:
            return cast(stripped)
        except ValueError:
            pass
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1]
    if stripped[:1] in "[{":
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            pass
    return text


def parse_query(text: str, *, source: str, variant: bool = False) -> NamedQuery:
    """Read one `.cypher` file's header and body.

    Raises:
        QueryError: no name, or the body uses a parameter the header does not declare.
    """
    name = description = None
    params: list[Param] = []
    body: list[str] = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m and not body:
            kind, pname, value = m.groups()
            if kind == "name":
                name = value.strip()
            elif kind == "description":
                description = value.strip()
            elif kind == "param" and pname:
                d = _DEFAULT.search(value)
                e = _EXAMPLE.search(value)
                desc = _EXAMPLE.sub("", _DEFAULT.sub("", value)).strip()
                params.append(
                    Param(
                        pname,
                        desc,
                        default=parse_value(d.group(1)) if d else None,
                        has_default=bool(d),
                        example=e.group(1) if e else None,
                    )
                )
            continue
        if line.strip().startswith("//") and not body:
            continue
        body.append(line)
    cypher = "\n".join(body).strip()
    if not name or not cypher:
        raise QueryError(f"{source}: a named query needs a '// name: …' header and a body; fix the file")
    used = set(_PARAM_USE.findall(_strip_strings(cypher)))
    undeclared = used - {p.name for p in params}
    if undeclared and not variant:  # a variant takes its base query's parameters
        raise QueryError(
            f"{source}: uses ${', $'.join(sorted(undeclared))} without a '// param NAME: …' line; declare it"
        )
    return NamedQuery(name=name, description=description or "", cypher=cypher, params=tuple(params))


def read_query_file(path: Path, given: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A user's own .cypher file, as (Cypher, bound parameters).

    A file with a ``// name:`` header is read like the shipped queries
    (declared parameters, defaults); any other file is plain Cypher taking
    the ``-p`` parameters as given. Either way it runs read-only.

    Raises:
        QueryError: the file is missing, not a regular file, too large, unreadable,
            empty, or its header is wrong.
    """
    from graph.guard import MAX_QUERY_BYTES

    try:
        if path.exists() and not path.is_file():
            raise QueryError(f"{path}: not a regular file; pass a .cypher file")
        size = path.stat().st_size
        if size > MAX_QUERY_BYTES:  # checked before reading: a 1.3 MB query file once took 4 GB
            raise QueryError(
                f"{path}: the query file is {size:,} bytes, more than {MAX_QUERY_BYTES:,}; "
                "shorten it and pass long lists as a $parameter with -p"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise QueryError(f"{path}: no such .cypher file; check the path") from e
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot be read as UTF-8 text ({e.__class__.__name__}); save it as UTF-8") from e
    if not text.strip():
        raise QueryError(f"{path}: the file is empty; write a Cypher query in it")
    if _HEADER.match(text.lstrip().splitlines()[0].strip()):
        q = parse_query(text, source=str(path))
        return q.cypher, q.bind(given)
    return text, given


def _strip_strings(cypher: str) -> str:
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", cypher)


def load_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query shipped in the `queries` package (or in `directory`)."""
    files: list[tuple[str, str]] = []
    if directory is not None:
        files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.cypher"))]
    else:
        root = shipped_queries_dir()
        files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.cypher"))]
    base: dict[str, NamedQuery] = {}
    variants: dict[str, dict[str, str]] = {}
    for filename, text in files:
        stem = filename[: -len(".cypher")]
        if "." in stem:  # NAME.<engine>.cypher
            qname, engine = stem.split(".", 1)
            v = parse_query(text, source=filename, variant=True)
            variants.setdefault(qname, {})[engine] = v.cypher
            continue
        q = parse_query(text, source=filename)
        base[q.name] = q
    for qname, vs in variants.items():
        if qname not in base:
            raise QueryError(f"{qname}.*.cypher is a variant of no query; name it after a query in queries/")
        declared = {p.name for p in base[qname].params}
        for engine, text in vs.items():
            extra = set(_PARAM_USE.findall(_strip_strings(text))) - declared
            if extra:
                raise QueryError(
                    f"{qname}.{engine}.cypher uses ${', $'.join(sorted(extra))}, which {qname} does not declare"
                )
        base[qname].variants.update(vs)
    return base


def shipped_queries_dir() -> Path:
    """The installed `queries` folder (a namespace package of .cypher files, no code).

    importlib.resources cannot read a namespace package on Python 3.11 when an
    editable install adds a second search location, so the folder is found
    from the import system's search locations directly.
    """
    spec = importlib.util.find_spec("queries")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location)
        if path.is_dir() and any(path.glob("*.cypher")):
            return path
    raise QueryError("the named queries are not installed; reinstall policykg (pip install -e .)")


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    queries = load_queries(directory)
    if name not in queries:
        raise QueryError(f"no named query {name!r}; see `policykg query --list`")
    return queries[name]


def format_rows(columns: list[str], rows: list[list[Any]], fmt: str) -> str:
    """Rows as JSON (a list of objects) or CSV; tables are drawn by the CLI."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for v in r])
        return buf.getvalue()
    raise QueryError(f"unknown format {fmt!r}; use table, json or csv")
