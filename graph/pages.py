"""Interactive graph pages with pyvis, without pyvis's faults.

pyvis (0.3.2) builds the network and its options; the page itself comes
from our template because pyvis's loads Bootstrap from a CDN in every mode,
writes with the platform encoding and puts titles containing "href" into
innerHTML. Here vis-network (shipped inside the pyvis wheel) is inlined,
so the page works from file:// with no network; the file is UTF-8; and all
document text reaches the page as escaped JSON and is shown as text only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from graph.files import write_text

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


def script_json(value: Any) -> str:
    """JSON safe to place inside <script>: no way to close the tag or open a comment.

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
def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8"
    )


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=select_autoescape(["html"]),
    )


def _sentences_for(G: nx.MultiDiGraph, nid: str, limit: int = 3) -> list[str]:
    """A few sentences that mention an entity, for its tooltip."""
    out = []
    for unit, _, data in G.in_edges(nid, data=True):
        if data.get("type") != "MENTIONS":
            continue
        text = G.nodes[unit].get("text") or ""
        for start, end in data.get("spans", [])[:1]:
            left = max(text.rfind(c, 0, start) for c in "。；;！？\n") + 1
            rights = [i for i in (text.find(c, end) for c in "。；;！？\n") if i >= 0]
            right = min(rights) + 1 if rights else len(text)
            out.append(text[left:right].strip())
        if len(out) >= limit:
            break
    return out


def entity_view(G: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis nodes and edges: documents, entities, relations, and document→entity mentions."""
    degree: dict[str, int] = {}
    edges: list[dict[str, Any]] = []
    for u, v, data in G.edges(data=True):
        rel = data.get("type")
        if rel in SEMANTIC:
            tip = f"{rel}  ·  触发词 {data.get('trigger', '')}\n{data.get('sentence', '')}"
            edges.append(
                {
                    "from": u,
                    "to": v,
                    "label": rel,
                    "title": tip,
                    "arrows": "to",
                    "color": {"color": "#888"},
                    "font": {"size": 10, "color": "#555"},
                }
            )
        elif rel in ("ISSUED", "ADDRESSED_TO"):
            tip = "ISSUED 发文" if rel == "ISSUED" else "ADDRESSED_TO 主送"
            edges.append({"from": u, "to": v, "label": rel, "title": tip, "arrows": "to", "dashes": True})
        else:
            continue
        degree[u] = degree.get(u, 0) + 1
        degree[v] = degree.get(v, 0) + 1
    # Document → entity: which plans mention what (via their points and sections)
    doc_of = {n: d.get("doc_id", n) for n, d in G.nodes(data=True) if d.get("kind") in ("Point", "Section", "Document")}
    seen: set[tuple[str, str]] = set()
    for u, v, data in G.edges(data=True):
        if data.get("type") == "MENTIONS" and u in doc_of and (doc_of[u], v) not in seen:
            seen.add((doc_of[u], v))
            edges.append(
                {"from": doc_of[u], "to": v, "title": "提及 mentions", "color": {"color": "#d8d8d8"}, "width": 0.5}
            )
            degree[v] = degree.get(v, 0) + 1
            degree[doc_of[u]] = degree.get(doc_of[u], 0) + 1

    nodes: list[dict[str, Any]] = []
    for nid, data in G.nodes(data=True):
        kind = data.get("kind")
        if kind == "Entity":
            etype = data["type"]
            lines = [f"{TYPE_NAMES.get(etype, etype)}: {data['name']}"]
            if data.get("aliases"):
                lines.append("别名 aliases: " + "、".join(data["aliases"]))
            lines.append(f"提及 mentions: {data.get('mention_count', 0)}")
            lines.extend("· " + s for s in _sentences_for(G, nid))
            nodes.append(
                {
                    "id": nid,
                    "label": data["name"],
                    "title": "\n".join(lines),
                    "group": etype,
                    "color": TYPE_COLORS.get(etype, "#999"),
                    "value": 1 + degree.get(nid, 0),
                    "shape": "dot",
                }
            )
        elif kind == "Document":
            tip = "\n".join(
                x
                for x in (
                    data.get("title"),
                    data.get("issuer"),
                    data.get("doc_number"),
                    data.get("issued_date"),
                    data.get("source"),
                )
                if x
            )
            nodes.append(
                {
                    "id": nid,
                    "label": data.get("label") or nid,
                    "title": tip,
                    "group": "Document",
                    "color": TYPE_COLORS["Document"],
                    "shape": "box",
                    "font": {"color": "#fff"},
                    "value": 1 + degree.get(nid, 0),
                }
            )
    return nodes, edges


def render_graph_page(G: nx.MultiDiGraph, *, title: str = "policykg") -> str:
    """One self-contained HTML page of the entity graph."""
    node_list, edge_list = entity_view(G)
    net = Network(directed=True, height="100%", width="100%")
    # Assigning prepared lists: pyvis's add_node/add_edge are quadratic.
    net.nodes, net.edges = node_list, edge_list
    net.set_options(
        json.dumps(
            {
                "nodes": {
                    "scaling": {"min": 8, "max": 40},
                    "font": {"size": 14, "face": "Noto Sans CJK SC, sans-serif"},
                },
                "edges": {"smooth": {"type": "continuous"}, "font": {"align": "middle"}},
                "physics": {
                    "solver": "forceAtlas2Based",
                    "stabilization": {"iterations": 300, "fit": True},
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
                },
                "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
            }
        )
    )
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    counts: dict[str, int] = {}
    for n in nodes:
        counts[n["group"]] = counts.get(n["group"], 0) + 1
    legend = [{"label": TYPE_NAMES[t], "color": c, "count": counts[t]} for t, c in TYPE_COLORS.items() if t in counts]
    page = {
        "title": title,
        "meta": f"{len(nodes)} nodes · {len(edges)} edges · policykg",
        "legend": legend,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
    }
    vis_js, vis_css = _vis_assets()
    template = _env().get_template("graph.html")
    from markupsafe import Markup

    return template.render(
        title=title,
        vis_js=Markup(vis_js.replace("</script", "<\\/script")),
        vis_css=Markup(vis_css),
        page_json=Markup(script_json(page)),
    )


def write_graph_page(G: nx.MultiDiGraph, path: Path, *, title: str = "policykg") -> Path:
    write_text(path, render_graph_page(G, title=title))
    return path
