"""Interactive graph pages with pyvis, without pyvis's faults.

pyvis (0.3.2) holds the network and its options; the page comes from our
templates, because pyvis's loads Bootstrap from a CDN in every mode, writes
with the platform encoding, puts titles containing "href" into innerHTML,
and its filter menus hide nodes. Here vis-network (shipped inside the pyvis
wheel) is inlined or copied beside the pages, files are UTF-8, and all
document text reaches the page as escaped JSON shown as text only. Above a
size threshold positions come from a networkx layout and physics is off, so
a big graph draws at once instead of settling for minutes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graph.errors import PolicyKGError
from graph.files import write_text
from graph.model import SENTENCE_MAX

TYPE_COLORS = {
    "Agency": "#e15759",
    "Institution": "#4e79a7",
    "Program": "#f28e2b",
    "Policy": "#76b7b2",
    "Platform": "#59a14f",
    "Event": "#edc948",
    "Place": "#b07aa1",
    "Document": "#3b3b3b",
}
TYPE_NAMES = {
    "Agency": "Agency 机构",
    "Institution": "Institution 单位",
    "Program": "Program 项目",
    "Policy": "Policy 文件",
    "Platform": "Platform 平台",
    "Event": "Event 活动",
    "Place": "Place 地点",
    "Document": "Document 文件",
}
SEMANTIC = ("LEADS", "PARTNERS_WITH", "BASED_ON", "IMPLEMENTS", "ORGANIZES", "PART_OF", "LOCATED_IN")
LAYOUT_THRESHOLD = 600  # nodes: above this, positions come from Python and physics is off
SPRING_NODES = 1000  # a force layout's cost grows with the square of the nodes
PAGE_NODES = 1000  # nodes on build's graph.html; a bigger corpus gets its best-connected part


def script_json(value: Any) -> str:
    """JSON safe inside <script>: no way to close the tag or open a comment.

    >>> script_json({"t": "</script><img src=x onerror=alert(1)>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@lru_cache(maxsize=1)
def assets() -> dict[str, str]:
    """Every script and style a page needs, from the installed packages."""
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    static = Path(__file__).with_name("static")
    return {
        "vis-network.min.js": (lib / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis-network.css": (lib / "vis-network.css").read_text(encoding="utf-8"),
        "policykg.js": (static / "policykg.js").read_text(encoding="utf-8"),
        "site.css": (static / "site.css").read_text(encoding="utf-8"),
    }


# Bidirectional controls (overrides, embeddings, isolates, marks): no plan needs them,
# and one inside a name would show the name, and what follows it, reversed
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
LABEL_MAX = 40


def plain(text: str) -> str:
    """Text for display, its bidirectional controls removed.

    >>> plain("\u202e双减\u202c政策")
    '双减政策'
    """
    return _BIDI.sub("", text)


def display_name(name: str, limit: int = LABEL_MAX) -> str:
    """A name as a label: controls removed, shortened to `limit`, isolated for direction (FSI…PDI).

    >>> display_name("中小学幼儿园教师国家级培训计划", 8)
    '\u2068中小学幼儿园教…\u2069'
    """
    name = plain(name)
    if len(name) > limit:
        name = name[: limit - 1] + "…"
    return "\u2068" + name + "\u2069"


def _finalize(value: Any) -> Any:
    # Markup is what this module made safe itself (the pages' JSON), left as it is
    return plain(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=select_autoescape(["html"]),
        finalize=_finalize,  # every value a page prints, without bidi controls
    )


def render(template: str, *, title: str, data: dict[str, Any], inline: bool, prefix: str = "", **context: Any) -> str:
    """A page: escaped template variables plus one escaped JSON block for its scripts."""
    extra: dict[str, Any] = {}
    if inline:
        a = assets()
        extra = {
            "vis_js": Markup(a["vis-network.min.js"].replace("</script", "<\\/script")),
            "vis_css": Markup(a["vis-network.css"]),
            "policykg_js": Markup(a["policykg.js"]),
            "site_css": Markup(a["site.css"]),
        }
    return (
        _env()
        .get_template(template)
        .render(title=title, inline=inline, prefix=prefix, data_json=Markup(script_json(data)), **extra, **context)
    )


# -- the entity view -----------------------------------------------------------
def _sentence_around(text: str, start: int, end: int, *, limit: int = SENTENCE_MAX) -> tuple[int, int]:
    """Where the sentence around a match begins and ends, never more than `limit` // 2 either side.

    >>> _sentence_around("开展行动。联合华东师范大学开展试点。", 7, 13)
    (5, 18)
    """
    half = limit // 2
    lo, hi = max(0, start - half), min(len(text), end + half)
    left = max(text.rfind(c, lo, start) for c in "。；;！？\n") + 1 or lo
    rights = [i for i in (text.find(c, end, hi) for c in "。；;！？\n") if i >= 0]
    right = min(rights) + 1 if rights else hi
    while left < min(start, len(text)) and text[left].isspace():
        left += 1
    return left, right


def mention_sentences(G: nx.MultiDiGraph, nid: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Sentences that mention an entity, with the matched text located in each."""
    out: list[dict[str, Any]] = []
    for unit, _, data in G.in_edges(nid, data=True):
        if data.get("type") != "MENTIONS" or data.get("part") in ("cover", "title"):
            continue
        udata = G.nodes[unit]
        text = udata.get("text") or ""
        for start, end in data.get("spans", []):
            left, right = _sentence_around(text, start, end)
            sentence = text[left:right].rstrip()
            rel = start - left
            out.append(
                {
                    "unit": unit,
                    "doc_id": udata.get("doc_id", unit),
                    "number": udata.get("number"),
                    "sentence": sentence,
                    "before": sentence[: max(rel, 0)],
                    "match": text[start:end],
                    "after": sentence[max(rel, 0) + (end - start) :],
                }
            )
            if limit is not None and len(out) >= limit:
                return out
    return out


def view_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Documents and entities, with relations, ISSUED/ADDRESSED_TO and document→entity mentions."""
    H = nx.MultiDiGraph()
    for nid, d in G.nodes(data=True):
        if d.get("kind") == "Entity":
            H.add_node(
                nid,
                kind="Entity",
                type=d["type"],
                name=d["name"],
                aliases=d.get("aliases", []),
                mentions=d.get("mention_count", 0),
            )
        elif d.get("kind") == "Document":
            H.add_node(nid, kind="Document", type="Document", name=d.get("label") or nid, doc=d)
    doc_of = {n: d.get("doc_id", n) for n, d in G.nodes(data=True) if d.get("kind") in ("Point", "Section", "Document")}
    seen: set[tuple[str, str]] = set()
    for u, v, d in G.edges(data=True):
        rel = d.get("type")
        if rel in SEMANTIC or rel in ("ISSUED", "ADDRESSED_TO"):
            H.add_edge(u, v, type=rel, trigger=d.get("trigger"), sentence=d.get("sentence"), doc_id=d.get("doc_id"))
        elif rel == "MENTIONS" and u in doc_of and (doc_of[u], v) not in seen:
            seen.add((doc_of[u], v))
            H.add_edge(doc_of[u], v, type="MENTIONS", doc_id=doc_of[u])
    return H


def overview(G: nx.MultiDiGraph, limit: int = PAGE_NODES) -> nx.MultiDiGraph:
    """The view of `G`, cut to its `limit` best-connected nodes when it is bigger.

    A page of a national corpus would be hundreds of MB and draw nothing a
    reader can follow; its hubs are what a first look wants, and
    `policykg viz --focus` or `policykg site` show any other part.
    """
    H = view_graph(G)
    total = H.number_of_nodes()
    if total > limit:
        degree = dict(H.degree())
        keep = sorted(H.nodes, key=lambda n: (-degree[n], n))[:limit]
        H = H.subgraph(keep)
    S = merge_parallel(H)
    if total > limit:
        S.graph["shown_of"] = total
    return S


def merge_parallel(H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """One edge per (from, to, type), with `count`: a bureau that implements 国培计划
    in 400 points is one arrow saying ×400, not 400 arrows with 400 tooltips."""
    M = nx.MultiDiGraph()
    M.add_nodes_from(H.nodes(data=True))
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for u, v, d in H.edges(data=True):
        key = (u, v, d.get("type", ""))
        if key in merged:
            merged[key]["count"] += 1
        else:
            merged[key] = {**d, "count": 1}
    for (u, v, _t), d in merged.items():
        M.add_edge(u, v, **d)
    return M


def select_subgraph(
    H: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    types: Iterable[str] | None = None,
    documents: Iterable[str] | None = None,
    min_degree: int = 0,
) -> nx.MultiDiGraph:
    """The part of the view a user asked for: around an entity, of some types, from some plans.

    Raises:
        PolicyKGError: the focus entity or a document is not in the graph.
    """
    keep = set(H.nodes)
    if documents:
        wanted = set(documents)
        docs = {
            n
            for n, d in H.nodes(data=True)
            if d["kind"] == "Document" and ({d["doc"].get("source"), d["doc"].get("plan_title"), n} & wanted)
        }
        if not docs:
            raise PolicyKGError(
                f"no document matches {', '.join(sorted(wanted))}; use a file name from `policykg stats`"
            )
        ents = {v for _, v, d in H.edges(data=True) if d.get("doc_id") in docs} | {
            u for u, _, d in H.edges(data=True) if d.get("doc_id") in docs
        }
        keep &= docs | ents
    if types:
        allowed = set(types) | {"Document"}
        keep = {n for n in keep if H.nodes[n]["type"] in allowed}
    S = H.subgraph(keep)
    if focus:
        matches = [n for n, d in S.nodes(data=True) if d["name"] == focus or focus in d.get("aliases", [])]
        if not matches:
            raise PolicyKGError(
                f"{focus!r} is not in the graph (after the filters); check the name with `policykg query top_entities`"
            )
        U = S.to_undirected(as_view=True)
        near: set[str] = set()
        for m in matches:
            near |= set(nx.single_source_shortest_path_length(U, m, cutoff=hops))
        S = S.subgraph(near)
    if min_degree:
        S = S.subgraph([n for n in S if S.degree(n) >= min_degree or (focus and S.nodes[n]["name"] == focus)])
    return nx.MultiDiGraph(S)


# -- vis data --------------------------------------------------------------------
def layout(H: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for a big graph, so the browser draws it at once.

    Up to a thousand nodes: a force layout (networkx, scipy) from a
    seed; beyond that a layout linear in the size: each connected part on
    its own ring, largest first, on a spiral.
    """
    n = H.number_of_nodes()
    scale = 60 * math.sqrt(max(n, 1))
    U = nx.Graph(H)
    if n <= SPRING_NODES:
        pos = nx.spring_layout(U, seed=7, iterations=40, k=1.5 / math.sqrt(max(n, 1)))
        return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in pos.items()}
    out: dict[str, tuple[float, float]] = {}
    comps = sorted(nx.connected_components(U), key=len, reverse=True)
    angle, radius = 0.0, 0.0
    for comp in comps:
        nodes = sorted(comp, key=lambda x: -U.degree(x))
        r = 12 * math.sqrt(len(nodes))
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        for i, node in enumerate(nodes):
            # hubs at the centre, the rest on a sunflower spiral
            rr = r * math.sqrt(i / max(len(nodes), 1))
            a = i * 2.399963
            out[node] = (cx + rr * math.cos(a), cy + rr * math.sin(a))
        radius += r + 40
        angle += 1.1
    return out


def vis_data(
    H: nx.MultiDiGraph,
    *,
    hrefs: dict[str, str] | None = None,
    sentences: dict[str, list[str]] | None = None,
    physics: bool | None = None,
) -> dict[str, Any]:
    """vis-network nodes, edges and options through pyvis, plus the legend."""
    hrefs = hrefs or {}
    degree = dict(H.degree())
    positions = layout(H) if (physics is False or H.number_of_nodes() > LAYOUT_THRESHOLD) else None
    nodes = []
    for nid, d in H.nodes(data=True):
        etype = d["type"]
        if d["kind"] == "Document":
            doc = d["doc"]
            tip = "\n".join(
                plain(str(x))
                for x in (
                    doc.get("title"),
                    doc.get("issuer"),
                    doc.get("doc_number"),
                    doc.get("issued_date"),
                    doc.get("source"),
                )
                if x
            )
        else:
            lines = [f"{TYPE_NAMES.get(etype, etype)}: {display_name(d['name'], 200)}"]
            if d.get("aliases"):
                lines.append("别名 aliases: " + "、".join(display_name(a, 60) for a in d["aliases"][:20]))
            lines.append(f"提及 mentions: {d.get('mentions', 0)}")
            lines.extend("· " + plain(s) for s in (sentences or {}).get(nid, [])[:3])
            tip = "\n".join(lines)
        # no vis "group": its palette would override the type colours for some nodes
        node: dict[str, Any] = {
            "id": nid,
            "label": display_name(d["name"]),
            "title": tip,
            "ptype": etype,
            "color": TYPE_COLORS.get(etype, "#999"),
            "value": 1 + degree.get(nid, 0),
            "shape": "box" if d["kind"] == "Document" else "dot",
        }
        if d["kind"] == "Document":
            node["font"] = {"color": "#ffffff"}
        if nid in hrefs:
            node["href"] = hrefs[nid]
        if positions is not None:
            node["x"], node["y"] = positions[nid]
        nodes.append(node)
    edges = []
    for u, v, d in H.edges(data=True):
        rel = d["type"]
        if rel == "MENTIONS":  # the most common edge: styled by the defaults in the options, to keep pages small
            edges.append({"from": u, "to": v})
        else:
            times = f" ×{d['count']}" if d.get("count", 1) > 1 else ""
            tip = plain(f"{rel}{times}  ·  触发词 {d.get('trigger') or ''}\n{d.get('sentence') or ''}".strip())
            edge: dict[str, Any] = {
                "from": u,
                "to": v,
                "label": rel,
                "title": tip,
                "arrows": "to",
                "font": {"size": 10, "color": "#555"},
                "color": {"color": "#888"},
            }
            if rel in ("ISSUED", "ADDRESSED_TO"):
                edge["dashes"] = True
            edges.append(edge)
    net = Network(directed=True, height="100%", width="100%")
    net.nodes, net.edges = nodes, edges  # pyvis's add_node/add_edge are quadratic
    big = positions is not None
    net.set_options(
        json.dumps(
            {
                "nodes": {
                    "scaling": {"min": 8, "max": 40},
                    "font": {"size": 14, "face": "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"},
                },
                "edges": {
                    "smooth": False if big else {"type": "continuous"},
                    "color": {"color": "#d8d8d8"},
                    "width": 0.5,
                    "font": {"align": "middle", "size": 10, "color": "#555"},
                },
                "physics": {
                    "enabled": not big,
                    "solver": "forceAtlas2Based",
                    "stabilization": {"iterations": 250, "fit": True},
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
                },
                "interaction": {"hover": not big, "tooltipDelay": 120, "hideEdgesOnDrag": big},
                "layout": {"improvedLayout": not big},
            }
        )
    )
    vnodes, vedges, _heading, _h, _w, options = net.get_network_data()
    counts: dict[str, int] = {}
    for n in vnodes:
        counts[n["ptype"]] = counts.get(n["ptype"], 0) + 1
    legend = [{"label": TYPE_NAMES[t], "color": c, "count": counts[t]} for t, c in TYPE_COLORS.items() if t in counts]
    return {"nodes": vnodes, "edges": vedges, "options": json.loads(options), "legend": legend}


def _sentences(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> dict[str, list[str]]:
    return {
        n: [s["sentence"] for s in mention_sentences(G, n, limit=3)]
        for n, d in H.nodes(data=True)
        if d["kind"] == "Entity"
    }


def render_graph_page(G: nx.MultiDiGraph, *, title: str = "policykg", H: nx.MultiDiGraph | None = None) -> str:
    """One self-contained page (scripts inlined) of the entity graph, or of a chosen part of it."""
    H = view_graph(G) if H is None else H
    return render_view_page(H, _sentences(G, H), title=title)


def render_view_page(H: nx.MultiDiGraph, sentences: dict[str, list[str]], *, title: str = "policykg") -> str:
    """The page of a view whose tooltips' sentences are known (`build` reads them from its spool)."""
    graph = vis_data(H, sentences=sentences)
    data = {"graph": graph, "legend": graph["legend"]}
    meta = f"{len(graph['nodes'])} nodes · {len(graph['edges'])} edges · policykg"
    if H.graph.get("shown_of"):
        meta = (
            f"the {len(graph['nodes'])} best-connected of {H.graph['shown_of']} nodes · {len(graph['edges'])} edges"
            " · `policykg viz --focus NAME` or `policykg site` for the rest"
        )
    return render("graph.html", title=title, data=data, inline=True, meta=meta, nav=None)


def write_graph_page(
    G: nx.MultiDiGraph, path: Path, *, title: str = "policykg", H: nx.MultiDiGraph | None = None
) -> Path:
    write_text(path, render_graph_page(G, title=title, H=H))
    return path


def write_view_page(
    path: Path, H: nx.MultiDiGraph, sentences: dict[str, list[str]], *, title: str = "policykg"
) -> Path:
    write_text(path, render_view_page(H, sentences, title=title))
    return path
