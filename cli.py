"""policykg: a knowledge graph of Chinese education work plans.

The CLI parses options, calls one library function per command and prints.
Library imports happen inside the commands so that `policykg --help` starts
at once (spaCy is not imported until a command needs it).
"""

from __future__ import annotations

import json
import logging
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(
    name="policykg",
    help="Build a knowledge graph from Chinese education work plans (教育工作要点) and query it.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold passwords
    add_completion=False,
)
# No markup: file names, plan text and query results are printed as they are
# (a name holding "[/x]" is a name, not a style); styles are given as Text.
console = Console(markup=False)
err = Console(stderr=True, markup=False)


def one_line(text: str) -> str:
    r"""A message as one line of plain text: line breaks, controls and direction overrides in names shown escaped.

    >>> one_line("a\nb\u202e.txt: 空文件")
    'a\\nb\\u202e.txt: 空文件'
    """
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch
        for ch in text
    )


def warn(message: str) -> None:
    """One warning line on stderr."""
    err.print(Text.assemble(("warning:", "yellow"), " ", one_line(message)), soft_wrap=True)


class _OneLineFormatter(logging.Formatter):
    """Log records with their message on one line (a traceback, when logged, still follows in full)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's user-fixable errors and Ctrl-C into one line and an exit code."""
    from graph.errors import PolicyKGError

    try:
        yield
    except PolicyKGError as e:
        err.print(Text.assemble(("error:", "bold red"), " ", one_line(str(e))), soft_wrap=True)
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted; every file written so far is whole (each is renamed into place)", highlight=False)
        raise typer.Exit(130) from None


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


PathsArg = Annotated[list[Path], typer.Argument(help="Plan files (.txt) or folders of them.", show_default=False)]
PatternsOpt = Annotated[
    Path | None,
    typer.Option("--patterns", help="Extra entity patterns: a JSONL file in spaCy's EntityRuler format."),
]
JobsOpt = Annotated[
    int,
    typer.Option("--jobs", "-j", help="Worker processes for extraction; the output is the same for any value."),
]
MaxFileOpt = Annotated[
    float | None,
    typer.Option(
        "--max-file-mb",
        help="Refuse an input file bigger than this many MB (default 50; a plan is a few MB).",
        show_default=False,
    ),
]


@app.command()
def build(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    patterns: PatternsOpt = None,
    jobs: JobsOpt = 1,
    full: Annotated[
        bool, typer.Option("--full", help="Extract every plan again, reusing nothing from the build in --out.")
    ] = False,
    max_file_mb: MaxFileOpt = None,
) -> None:
    """Extract plans and write graph.json, extraction.jsonl, the store and graph.html into --out.

    A build into a folder that holds an earlier one extracts only the new or
    changed plans and drops the removed ones.
    """
    from rich.progress import Progress

    with user_errors(), Progress(console=err, transient=True) as progress:
        from extract.build import build as run_build  # inside: Ctrl-C while spaCy loads is one line too

        task = progress.add_task("extracting", total=None)

        def on_file(path: Path, i: int, total: int) -> None:
            progress.update(task, total=total, completed=i, description=f"extracting {path.name}")

        from extract.read import DEFAULT_LIMITS

        limits = DEFAULT_LIMITS.with_file_mb(max_file_mb)
        result = run_build(paths, out, patterns=patterns, jobs=jobs, on_file=on_file, full=full, limits=limits)
        progress.update(task, completed=progress.tasks[0].total or 0)
    for w in result.warnings:
        warn(w)
    _print_summary(result.summary)
    if result.unchanged:
        err.print(f"nothing changed: {result.reused} documents, outputs kept as they were", highlight=False)
    else:
        why = f" (every plan extracted: {result.full_reason})" if result.full_reason else ""
        err.print(
            f"{result.reused} documents reused, {result.extracted} extracted, {result.removed} removed{why}",
            highlight=False,
        )
    table = Table(show_header=False, box=None, padding=(0, 1))
    for name, path in result.files.items():
        table.add_row(name, str(path))
    console.print(table)
    console.print(Text.assemble("Open the graph page: ", (str(result.files["html"]), "bold")))


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"


@app.command()
def extract(
    paths: PathsArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="jsonl: one document per line.")] = (
        ExtractFormat.jsonl
    ),
    patterns: PatternsOpt = None,
    jobs: JobsOpt = 1,
    max_file_mb: MaxFileOpt = None,
) -> None:
    """Print the extraction of each plan: points, entities, relations, targets."""
    from extract.read import DEFAULT_LIMITS, scan_inputs
    from extract.stream import extract_files
    from graph.files import atomic_write

    def lines() -> Iterator[str]:
        files, skipped = scan_inputs(paths)
        if skipped:
            warn(f"skipped {len(skipped)} files that are not plans")
        pretty = format is ExtractFormat.json
        limits = DEFAULT_LIMITS.with_file_mb(max_file_mb)
        for item in extract_files(files, jobs=jobs, patterns=patterns, records=pretty, limits=limits):
            if item.duplicate:
                warn(f"{item.path}: same content as an earlier file; read once")
                continue
            for w in item.warnings:
                warn(w)
            ex = item.extraction
            if pretty and ex is not None:
                yield json.dumps(ex.to_dict(), ensure_ascii=False, indent=2) + "\n"
            elif item.line is not None:
                yield item.line
            elif ex is not None:
                yield "".join(ex.json_chunks()) + "\n"

    with user_errors():
        if output is None:
            for line in lines():
                sys.stdout.write(line)
        else:
            with atomic_write(output) as fh:
                for line in lines():
                    fh.write(line)
            err.print(f"wrote {output}", highlight=False)


@app.command()
def stats(
    graph: Annotated[Path, typer.Argument(help="An output folder of `build`, or its graph.json.")] = Path("out"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Summarise a built graph: documents, points, entities and relations by type."""
    from graph.build import summarize
    from graph.files import read_graph_json

    with user_errors():
        summary = summarize(read_graph_json(graph))
    if as_json:
        console.print_json(data=summary)
    else:
        _print_summary(summary)


@app.command("eval")
def eval_(
    gold: Annotated[
        Path, typer.Option("--gold", help="A gold .jsonl file or a folder of them (project or realdev format).")
    ] = Path("tests/gold"),
    plans: Annotated[
        list[Path] | None, typer.Option("--plans", help="Folder holding the plans the gold names (repeatable).")
    ] = None,
    show_errors: Annotated[bool, typer.Option("--show-errors", help="List misses and false hits.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    patterns: PatternsOpt = None,
) -> None:
    """Score extraction against gold annotations: precision, recall, F1 per type.

    The gold's format is read from each file: the project's (document.source,
    as in tests/gold/) or the real development set's (one line per doc,
    scored as shared/realdev/score.py scores it).
    """
    from extract.evaluate import evaluate
    from extract.realdev import evaluate_realdev, gold_format

    with user_errors():
        if gold_format(gold) == "realdev":
            _print_realdev(
                evaluate_realdev(gold, plan_dirs=plans or [Path("examples")], patterns=patterns),
                gold=gold,
                show_errors=show_errors,
                as_json=as_json,
            )
            return
        report = evaluate(gold, plan_dirs=plans or [Path("examples")], patterns=patterns)
    if as_json:
        console.print_json(data=report.as_dict())
        return
    console.print(f"gold: {gold} · documents: {', '.join(report.documents)}", highlight=False)
    table = Table(title="entities", title_justify="left")
    for col in ("type", "P", "R", "F1", "tp", "fp", "fn", "lenient F1"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for etype, s in report.entities.items():
        lenient = report.entities_lenient[etype]
        style = "bold" if etype == "ALL" else None
        table.add_row(
            etype,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
            f"{lenient.f1:.3f}",
            style=style,
        )
    console.print(table)
    rel = Table(title="relations (type, head, tail; PARTNERS_WITH undirected)", title_justify="left")
    for col in ("type", "P", "R", "F1", "tp", "fp", "fn"):
        rel.add_column(col, justify="left" if col == "type" else "right")
    for rtype, s in report.relations.items():
        rel.add_row(
            rtype,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
            style="bold" if rtype == "ALL" else None,
        )
    console.print(rel)
    t = report.targets
    console.print(
        Text.assemble(("targets (value, unit)", "bold")),
        f" P {t.precision:.3f}  R {t.recall:.3f}  F1 {t.f1:.3f}  (tp {t.tp}, fp {t.fp}, fn {t.fn})",
        highlight=False,
    )
    if show_errors:
        errs = Table(title="errors", title_justify="left")
        for col in ("document", "kind", "error", "type", "name"):
            errs.add_column(col)
        for e in report.errors:
            errs.add_row(e["doc"], e["kind"], e["error"], e["type"], e["name"])
        console.print(errs)


def _print_realdev(report: Any, *, gold: Path, show_errors: bool, as_json: bool) -> None:
    """Print a `RealdevReport`: the tables, the two issuer accuracies, score.py's summary line."""
    if as_json:
        console.print_json(data=report.as_dict())
        return
    console.print(f"gold: {gold} (realdev format) · {len(report.documents)} documents", highlight=False)
    if report.missing:
        warn(f"no prediction for: {', '.join(report.missing)}")
    columns = ("", "P", "R", "F1", "found", "predicted", "gold")

    def table(title: str, rows: list[tuple[str, Any, bool]]) -> Table:
        console.print(title, style="bold", highlight=False, soft_wrap=True)
        t = Table()
        for col in columns:
            t.add_column(col, justify="left" if not col else "right")
        for label, c, bold in rows:
            t.add_row(
                label,
                f"{c.precision:.3f}",
                f"{c.recall:.3f}",
                f"{c.f1:.3f}",
                str(c.found),
                str(c.predicted),
                str(c.gold),
                style="bold" if bold else None,
            )
        return t

    console.print(
        table(
            "entities (strict: type + name, a predicted alias counts; untyped: name only; lenient: names overlap)",
            [(t, c, False) for t, c in report.entities.items()]
            + [("ALL strict", report.strict, True), ("ALL untyped", report.untyped, True)]
            + [("ALL lenient", report.lenient, True)],
        )
    )
    console.print(
        table(
            "relations (type, head, tail; PARTNERS_WITH undirected), responsible units, targets (value, unit)",
            [(t, c, False) for t, c in report.relations_by_type.items()]
            + [("relations", report.relations, True), ("responsible", report.responsible, True)]
            + [("targets", report.targets, True)],
        )
    )
    for label, acc in (("issuer", report.issuer), ("issuer (in_text)", report.issuer_in_text)):
        console.print(Text.assemble((label, "bold"), f"  {acc.correct}/{acc.total} = {acc.value:.3f}"))
    console.print(report.summary_line(), highlight=False, soft_wrap=True)
    if show_errors:
        errs = Table(title="errors", title_justify="left")
        for col in ("document", "kind", "error", "type", "name"):
            errs.add_column(col)
        for e in report.errors:
            errs.add_row(e.doc, e.kind, e.error, e.type, e.name)
        console.print(errs)


@app.command()
def site(
    graph: Annotated[Path, typer.Argument(help="A build folder (or its graph.json).")] = Path("out"),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Site folder (default: GRAPH/site).")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open the index in a browser.")] = False,
) -> None:
    """Write a static site: index, a page per plan, programme, institution and agency, a comparison."""
    from graph.files import read_graph_json
    from graph.site import build_site

    with user_errors():
        G = read_graph_json(graph)
        folder = out or ((graph.parent if graph.suffix == ".json" else graph) / "site")
        index = build_site(G, folder)
    console.print(f"site written: {index}", highlight=False)
    if open_:
        import webbrowser

        webbrowser.open(index.resolve().as_uri())


@app.command()
def viz(
    graph: Annotated[Path, typer.Argument(help="A build folder (or its graph.json).")] = Path("out"),
    focus: Annotated[str | None, typer.Option("--focus", help="Centre on this entity (name or alias).")] = None,
    hops: Annotated[int, typer.Option("--hops", help="How far from --focus.")] = 1,
    types: Annotated[str | None, typer.Option("--types", help="Comma-separated entity types to keep.")] = None,
    documents: Annotated[
        str | None, typer.Option("--documents", help="Comma-separated plan file names to keep.")
    ] = None,
    min_degree: Annotated[int, typer.Option("--min-degree", help="Drop nodes with fewer links.")] = 0,
    output: Annotated[Path, typer.Option("--output", "-o", help="The page to write.")] = Path("graph-view.html"),
) -> None:
    """Write one interactive page of a filtered part of the graph."""
    from graph.errors import PolicyKGError
    from graph.files import read_graph_json
    from graph.model import ENTITY_TYPES
    from graph.pages import select_subgraph, view_graph, write_graph_page

    with user_errors():
        wanted = [t.strip() for t in types.split(",")] if types else None
        unknown = sorted(set(wanted or []) - set(ENTITY_TYPES))
        if unknown:
            raise PolicyKGError(f"unknown type {', '.join(unknown)}; use some of {', '.join(ENTITY_TYPES)}")
        G = read_graph_json(graph)
        H = select_subgraph(
            view_graph(G),
            focus=focus,
            hops=hops,
            types=wanted,
            documents=[d.strip() for d in documents.split(",")] if documents else None,
            min_degree=min_degree,
        )
        title = f"policykg · {focus}" if focus else "policykg"
        write_graph_page(G, output, title=title, H=H)
    console.print(f"{output}: {H.number_of_nodes()} nodes, {H.number_of_edges()} edges", highlight=False)


@app.command()
def export(
    graph: Annotated[Path, typer.Argument(help="A build folder (or its graph.json).")] = Path("out"),
    format: Annotated[str, typer.Option("--format", "-f", help="neo4j-admin, graphml or gexf.")] = "neo4j-admin",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write into (default: GRAPH/export).")
    ] = None,
) -> None:
    """Export for bulk loading (neo4j-admin database import CSVs) or for Gephi (GraphML, GEXF)."""
    from graph.export import export as run_export
    from graph.files import read_graph_json

    with user_errors():
        G = read_graph_json(graph)
        folder = out or ((graph.parent if graph.suffix == ".json" else graph) / "export")
        files = run_export(G, folder, fmt=format)
    console.print(f"{len(files)} files in {folder}", highlight=False)


# -- Neo4j ---------------------------------------------------------------------
UriOpt = Annotated[
    str | None, typer.Option("--uri", envvar="NEO4J_URI", help="Neo4j URI (bolt://, neo4j://, neo4j+s://).")
]
UserOpt = Annotated[str, typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user.")]
PasswordOpt = Annotated[
    str | None,
    typer.Option("--password", envvar="NEO4J_PASSWORD", help="Neo4j password (never printed).", show_default=False),
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", envvar="NEO4J_DATABASE", help="Neo4j database (server default if unset).")
]


@app.command()
def load(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Plan files/folders, or a build folder / graph.json.", show_default=False),
    ] = None,
    uri: UriOpt = "bolt://127.0.0.1:7687",
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    patterns: PatternsOpt = None,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Also remove from Neo4j the documents this graph no longer has."),
    ] = False,
) -> None:
    """Load a graph into Neo4j: unchanged documents are skipped, changed ones replaced (--prune: removed ones go)."""
    from extract.build import graph_from_paths
    from graph.neo4j_store import Neo4jStore, open_driver

    with user_errors():
        G = graph_from_paths(paths or [Path("out")], patterns=patterns)
        with open_driver(uri or "bolt://127.0.0.1:7687", user=user, password=password) as driver:
            report = Neo4jStore(driver, database=database).load(G, prune=prune)
    removed = f", {report.documents_removed} removed" if prune else ""
    console.print(
        f"loaded {report.documents_loaded} documents ({report.documents_unchanged} unchanged, "
        f"{report.documents_replaced} replaced{removed}): {report.nodes_written} nodes, "
        f"{report.relationships_written} relationships in {report.seconds:.2f}s",
        highlight=False,
    )


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query (see --list).", show_default=False)] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value (repeatable).")
    ] = None,
    cypher: Annotated[str | None, typer.Option("--cypher", help="Ad-hoc read-only Cypher instead of a name.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Run a .cypher file of your own (plain Cypher, or a named query's format)."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    format: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    graph: Annotated[Path, typer.Option("--graph", help="Build folder holding the embedded store.")] = Path("out"),
    uri: UriOpt = None,
    user: UserOpt = "neo4j",
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, help="Stop the query after this many seconds.")
    ] = 30.0,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Print at most this many rows.")] = 10_000,
    max_memory: Annotated[
        int, typer.Option("--max-memory", min=16, help="Memory cap of the embedded store (buffer pool), in MB.")
    ] = 4096,
) -> None:
    """Run a named Cypher query (or --cypher) against Neo4j (--uri) or the embedded store."""
    from graph.errors import QueryError
    from graph.guard import run_read
    from graph.queries import format_rows, load_queries, parse_value

    with user_errors():
        queries = load_queries()
        if list_:
            table = Table(title="named queries", title_justify="left")
            for col in ("name", "description", "parameters"):
                table.add_column(col)
            for q in queries.values():
                params = ", ".join(
                    p.name
                    + (f"={p.default!r}" if p.has_default else "")
                    + (f" (e.g. {p.example})" if p.example else "")
                    for p in q.params
                )
                table.add_row(q.name, q.description, params)
            console.print(table)
            return
        given: dict[str, Any] = {}
        for item in param or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise QueryError(f"parameter {item!r} is not key=value; write it like -p name=国培计划")
            given[key.strip()] = parse_value(value)
        source: str | None = None
        if file is not None:
            from graph.queries import read_query_file

            cypher, given, source = *read_query_file(file, given), str(file)
        if cypher is None and name is None:
            raise QueryError("name a query or pass --cypher or --file; see `policykg query --list`")
        with open_store(
            graph=graph, uri=uri, user=user, password=password, database=database, max_memory_mb=max_memory
        ) as store:
            if cypher is not None:
                text, bound, source = cypher, given, source or "--cypher"
            else:
                if name not in queries:
                    raise QueryError(f"no named query {name!r}; see `policykg query --list`")
                q = queries[name]
                text, bound, source = q.text_for(store.engine), q.bind(given), f"query {name}"
            result = run_read(store, text, bound, source=source, timeout=timeout, max_rows=max_rows)
    columns, rows = result.columns, result.rows
    if result.truncated:
        err.print(f"first {max_rows:,} rows of more; raise --max-rows or add LIMIT", highlight=False)
    if format is QueryFormat.table:
        table = Table(show_header=True, header_style="bold")
        for c in columns:
            table.add_column(c)
        for r in rows:
            table.add_row(*[_cell(v) for v in r])
        console.print(table)
        err.print(f"{len(rows)} rows", highlight=False)
    else:
        sys.stdout.write(format_rows(columns, rows, format.value) + ("" if format is QueryFormat.csv else "\n"))


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


@contextmanager
def open_store(
    *,
    graph: Path,
    uri: str | None,
    user: str,
    password: str | None,
    database: str | None,
    max_memory_mb: int | None = None,
) -> Iterator[Any]:
    """Neo4j when a URI is given, else the embedded store in the build folder (memory-capped)."""
    if uri:
        from graph.neo4j_store import Neo4jStore, open_driver

        with open_driver(uri, user=user, password=password) as driver:
            yield Neo4jStore(driver, database=database)
        return
    from graph.embedded import open_embedded

    store = open_embedded(graph, max_memory_mb=max_memory_mb)
    try:
        yield store
    finally:
        store.close()


neo4j_app = typer.Typer(help="Run a local Neo4j 5 (in-process harness, needs Java 17 + Maven).", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
DataOpt = Annotated[Path, typer.Option("--data", help="Folder for the server's data and state.")]


@neo4j_app.command("start")
def neo4j_start(
    port: Annotated[int, typer.Option("--port", help="Bolt port.")] = 7687,
    data: DataOpt = Path(".neo4j-local"),
    password: Annotated[
        str | None, typer.Option("--password", help="Turn authentication on for user neo4j with this password.")
    ] = None,
) -> None:
    """Start a local Neo4j in the background (builds the launcher on first use)."""
    from graph import neo4j_local

    with user_errors():
        err.print("starting Neo4j (the first start builds the launcher with Maven)…", highlight=False)
        uri = neo4j_local.start(port=port, data_dir=data, password=password)
    console.print(uri)


@neo4j_app.command("stop")
def neo4j_stop(data: DataOpt = Path(".neo4j-local")) -> None:
    """Stop the local Neo4j started from this data folder."""
    from graph import neo4j_local

    with user_errors():
        stopped = neo4j_local.stop(data_dir=data)
    console.print("stopped" if stopped else "not running")


@neo4j_app.command("status")
def neo4j_status(data: DataOpt = Path(".neo4j-local")) -> None:
    """Tell whether the local Neo4j is running, and its URI."""
    from graph import neo4j_local

    with user_errors():
        state = neo4j_local.status(data_dir=data)
    if state is None:
        console.print("not running")
        raise typer.Exit(1)
    console.print(f"running: {state.get('uri')} (pid {state.get('pid')}, auth {'on' if state.get('auth') else 'off'})")


def _print_summary(summary: dict[str, Any]) -> None:
    head = Table(title="policykg graph", show_header=False, title_justify="left")
    for key in ("documents", "sections", "points", "targets", "nodes", "edges"):
        head.add_row(key, str(summary[key]))
    console.print(head)
    both = Table(show_header=True, header_style="bold")
    both.add_column("entity type")
    both.add_column("count", justify="right")
    both.add_column("relation type")
    both.add_column("count", justify="right")
    ents = list(summary["entities"].items())
    rels = list(summary["relations"].items())
    for i in range(max(len(ents), len(rels))):
        e = ents[i] if i < len(ents) else ("", "")
        r = rels[i] if i < len(rels) else ("", "")
        both.add_row(e[0], str(e[1]), r[0], str(r[1]))
    console.print(both)


if __name__ == "__main__":  # pragma: no cover
    app()
