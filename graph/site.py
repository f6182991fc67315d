"""A static site of the graph: an index, a page per plan, per programme, institution and agency, and a comparison.

Every page works from file:// with no network: the scripts and styles are
copied into ``site/assets/`` once. Page file names come from the document id
(already ``d-`` + hex) or a hash of the entity's type and name, so no
entity name can reach the file system. Every page is written atomically.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from graph.files import ensure_dir, write_text
from graph.pages import assets, mention_sentences, render, select_subgraph, view_graph, vis_data

PAGE_TYPES = ("Program", "Institution", "Agency")
INDEX_GRAPH_LIMIT = 300  # entities on the index page's graph (the most connected)


def entity_page_name(etype: str, name: str) -> str:
    """A file name for an entity page that no name can turn into a path.

    >>> entity_page_name("Program", "../../etc/passwd")
    'e-program-335d718d96d3910a.html'
    """
    digest = hashlib.sha1(f"{etype}:{name}".encode()).hexdigest()[:16]
    return f"e-{etype.lower()}-{digest}.html"


def _doc_page(doc_id: str) -> str:
    if not re.fullmatch(r"d-[0-9a-f]{6,64}", doc_id):  # ids come from sha256, but never trust a file
        doc_id = "d-" + hashlib.sha1(doc_id.encode()).hexdigest()[:12]
    return f"{doc_id}.html"


def _entity_docs(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    docs: dict[str, set[str]] = defaultdict(set)
    for _u, v, d in G.edges(data=True):
        if d.get("type") == "MENTIONS" and d.get("doc_id"):
            docs[v].add(d["doc_id"])
    return docs


def _children(G: nx.MultiDiGraph, nid: str) -> list[str]:
    kids = [v for _, v, d in G.out_edges(nid, data=True) if d.get("type") in ("HAS_SECTION", "HAS_POINT")]

    def order(n: str) -> tuple[int, int]:
        tail = n.rsplit(":", 1)[-1]
        return (0 if tail.startswith("s") else 1, int(tail[1:]) if tail[1:].isdigit() else 0)

    return sorted(kids, key=order)


def _outline(G: nx.MultiDiGraph, doc_id: str, hrefs: dict[str, str]) -> list[dict[str, Any]]:
    """Sections and points in reading order, each point with its entities and targets."""
    blocks: list[dict[str, Any]] = []

    def walk(nid: str) -> None:
        for child in _children(G, nid):
            cd = G.nodes[child]
            if cd.get("kind") == "Section":
                blocks.append(
                    {
                        "kind": "section",
                        "level": cd.get("level", 1),
                        "ordinal": cd.get("ordinal"),
                        "title": cd.get("title"),
                        "text": cd.get("text"),
                    }
                )
                walk(child)
            else:
                ents = sorted(
                    (
                        {"name": G.nodes[v]["name"], "type": G.nodes[v]["type"], "href": hrefs.get(v)}
                        for _, v, e in G.out_edges(child, data=True)
                        if e.get("type") == "MENTIONS"
                    ),
                    key=lambda e: (e["type"], e["name"]),
                )
                targets = [G.nodes[v] for _, v, e in G.out_edges(child, data=True) if e.get("type") == "SETS_TARGET"]
                responsible = sorted(
                    (
                        {"name": G.nodes[u]["name"], "role": e.get("role"), "href": hrefs.get(u)}
                        for u, _, e in G.in_edges(child, data=True)
                        if e.get("type") == "RESPONSIBLE_FOR"
                    ),
                    key=lambda r: (r["role"] != "lead", r["name"]),
                )
                blocks.append(
                    {
                        "kind": "point",
                        "number": cd.get("number"),
                        "title": cd.get("title"),
                        "text": cd.get("text"),
                        "entities": ents,
                        "targets": targets,
                        "responsible": responsible,
                    }
                )

    walk(doc_id)
    return blocks


_READ_FROM = {
    "field": "发文机关 field",
    "notice": "notice title",
    "signature": "signature",
    "title": "plan title",
    "publisher": "publishing body",
    "source": "source field",
    "value": "header value",
    "body": "named in the text",
    "inferred": "inferred: not written in the text",
}


def _issuer_fact(dd: dict[str, Any]) -> str | None:
    """The issuers, and where they were read, so a reader can judge them."""
    issuers = dd.get("issuers") or ([dd["issuer"]] if dd.get("issuer") else [])
    if not issuers:
        return None
    how = _READ_FROM.get(dd.get("issuer_source") or "")
    return "、".join(issuers) + (f" ({how})" if how else "")


def _in_charge_of(G: nx.MultiDiGraph, nid: str) -> list[dict[str, Any]]:
    """The points a unit's responsibility tags put it in charge of, in plan and point order."""
    out = []
    for _, point, e in G.out_edges(nid, data=True):
        if e.get("type") != "RESPONSIBLE_FOR":
            continue
        pd = G.nodes[point]
        doc = G.nodes.get(pd.get("doc_id"), {})
        out.append(
            {
                "role": e.get("role"),
                "plan": doc.get("label") or doc.get("source") or pd.get("doc_id"),
                "number": pd.get("number"),
                "title": pd.get("title"),
                "href": f"{_doc_page(pd.get('doc_id') or '')}#p{pd.get('number')}",
            }
        )
    out.sort(key=lambda r: (r["plan"] or "", r["number"] or 0, r["role"] or ""))
    return out


def build_site(G: nx.MultiDiGraph, site_dir: Path) -> Path:
    """Write the site into `site_dir`; returns the index page."""
    ensure_dir(site_dir)
    ensure_dir(site_dir / "assets")
    for name, text in assets().items():
        write_text(site_dir / "assets" / name, text)

    H = view_graph(G)
    ent_docs = _entity_docs(G)
    docs = sorted(
        (n for n, d in G.nodes(data=True) if d.get("kind") == "Document"),
        key=lambda n: (G.nodes[n].get("issued_date") or "", G.nodes[n].get("source") or ""),
    )
    hrefs: dict[str, str] = {d: _doc_page(d) for d in docs}
    for nid, d in G.nodes(data=True):
        if d.get("kind") == "Entity" and d["type"] in PAGE_TYPES:
            hrefs[nid] = entity_page_name(d["type"], d["name"])
    nav = [("首页 Index", "index.html")] + ([("比较 Compare", "compare.html")] if len(docs) > 1 else [])

    search_index = [
        {
            "name": d["name"],
            "type": d["type"],
            "aliases": d.get("aliases", []),
            "href": hrefs.get(nid),
            "documents": len(ent_docs.get(nid, ())),
        }
        for nid, d in G.nodes(data=True)
        if d.get("kind") == "Entity"
    ]
    search_index.sort(key=lambda e: (-e["documents"], e["name"]))

    # index
    rows = []
    for doc_id in docs:
        dd = G.nodes[doc_id]
        rows.append(
            {
                "href": hrefs[doc_id],
                "plan": dd.get("label") or dd.get("source"),
                "issuer": dd.get("issuer"),
                "date": dd.get("issued_date"),
                "number": dd.get("doc_number"),
                "points": sum(
                    1 for _, x in G.nodes(data=True) if x.get("kind") == "Point" and x.get("doc_id") == doc_id
                ),
                "entities": sum(1 for ds in ent_docs.values() if doc_id in ds),
                "targets": sum(
                    1 for _, x in G.nodes(data=True) if x.get("kind") == "Target" and x.get("doc_id") == doc_id
                ),
            }
        )
    tops = []
    for etype, heading in (
        ("Program", "项目 Top programmes"),
        ("Institution", "单位 Top institutions"),
        ("Agency", "机构 Top agencies"),
    ):
        items = [
            {
                "name": d["name"],
                "href": hrefs[n],
                "documents": len(ent_docs.get(n, ())),
                "mentions": d.get("mention_count", 0),
            }
            for n, d in G.nodes(data=True)
            if d.get("kind") == "Entity" and d["type"] == etype
        ]
        items.sort(key=lambda e: (-e["documents"], -e["mentions"], e["name"]))
        tops.append((heading, items[:15]))
    top_entities = sorted((n for n, d in H.nodes(data=True) if d["kind"] == "Entity"), key=lambda n: -H.degree(n))[
        :INDEX_GRAPH_LIMIT
    ]
    index_graph = vis_data(H.subgraph(set(top_entities) | set(docs)).copy(), hrefs=hrefs)
    index = site_dir / "index.html"
    write_text(
        index,
        render(
            "index.html",
            title="policykg · 教育工作要点知识图谱",
            inline=False,
            nav=nav,
            meta=f"{len(docs)} documents · {len(search_index)} entities",
            data={"graph": index_graph, "legend": index_graph["legend"], "search": search_index},
            documents=rows,
            tops=tops,
        ),
    )

    # one page per document
    for doc_id in docs:
        dd = G.nodes[doc_id]
        source = dd.get("source") or doc_id
        sub = select_subgraph(H, documents=[doc_id])
        graph = vis_data(sub, hrefs=hrefs)
        blocks = _outline(G, doc_id, hrefs)
        facts = [
            (k, v)
            for k, v in (
                ("标题 Title", dd.get("title")),
                ("发文机关 Issuer", _issuer_fact(dd)),
                ("地区 Place", dd.get("place")),
                ("文号 Number", dd.get("doc_number")),
                ("成文日期 Issued", dd.get("issued_date")),
                ("发布日期 Published", dd.get("published_date")),
                ("主送 Addressees", "、".join(dd.get("addressees") or [])),
                ("文件 Source", source),
            )
            if v
        ]
        write_text(
            site_dir / hrefs[doc_id],
            render(
                "document.html",
                title=dd.get("label") or source,
                inline=False,
                nav=nav,
                meta=f"{len(graph['nodes'])} nodes · {len(graph['edges'])} edges",
                data={"graph": graph, "legend": graph["legend"]},
                facts=facts,
                blocks=blocks,
                preamble=None,
            ),
        )

    # one page per programme, institution and agency
    U = nx.Graph(H)
    for nid, d in G.nodes(data=True):
        if d.get("kind") != "Entity" or d["type"] not in PAGE_TYPES:
            continue
        near = set(nx.ego_graph(U, nid, radius=1)) if nid in U else {nid}
        sub = nx.MultiDiGraph(H.subgraph(near))
        graph = vis_data(sub, hrefs=hrefs)
        relations = []
        for u, v, e in list(G.out_edges(nid, data=True)) + list(G.in_edges(nid, data=True)):
            if e.get("type") in (
                "LEADS",
                "PARTNERS_WITH",
                "BASED_ON",
                "IMPLEMENTS",
                "ORGANIZES",
                "PART_OF",
                "LOCATED_IN",
            ):
                other = v if u == nid else u
                relations.append(
                    {
                        "type": e["type"],
                        "direction": "→" if u == nid else "←",
                        "other": G.nodes[other].get("name"),
                        "href": hrefs.get(other),
                        "trigger": e.get("trigger"),
                        "sentence": e.get("sentence"),
                    }
                )
        relations.sort(key=lambda r: (r["type"], r["other"] or "", r["sentence"] or ""))
        in_charge = _in_charge_of(G, nid)
        sentences = []
        for s in mention_sentences(G, nid):
            doc = G.nodes.get(s["doc_id"], {})
            where = f"{doc.get('label') or doc.get('source') or s['doc_id']}" + (
                f" · {s['number']}" if s["number"] else ""
            )
            anchor = f"#p{s['number']}" if s["number"] else ""
            sentences.append({**s, "where": where, "href": _doc_page(s["doc_id"]) + anchor})
        doc_list = [
            {
                "href": hrefs[x],
                "plan": G.nodes[x].get("label"),
                "issuer": G.nodes[x].get("issuer"),
                "date": G.nodes[x].get("issued_date"),
            }
            for x in docs
            if x in ent_docs.get(nid, ())
        ]
        facts = [
            (k, v)
            for k, v in (
                ("类型 Type", d["type"]),
                ("名称 Name", d["name"]),
                ("别名 Aliases", "、".join(d.get("aliases") or [])),
                ("提及 Mentions", d.get("mention_count")),
                ("文件 Documents", len(doc_list)),
            )
            if v
        ]
        write_text(
            site_dir / hrefs[nid],
            render(
                "entity.html",
                title=d["name"],
                inline=False,
                nav=nav,
                meta=d["type"],
                data={"graph": graph, "legend": graph["legend"]},
                facts=facts,
                relations=relations,
                in_charge=in_charge,
                documents=doc_list,
                sentences=sentences,
            ),
        )

    # comparison of programmes across plans
    if len(docs) > 1:
        programmes = [(n, d) for n, d in G.nodes(data=True) if d.get("kind") == "Entity" and d["type"] == "Program"]
        table = []
        for n, d in programmes:
            present = [doc in ent_docs.get(n, ()) for doc in docs]
            count = sum(present)
            if count:
                table.append(
                    {
                        "name": d["name"],
                        "href": hrefs.get(n),
                        "present": present,
                        "count": count,
                        "group": "both" if count == len(docs) else ("only" if count == 1 else "some"),
                    }
                )
        table.sort(key=lambda r: (-r["count"], r["name"]))
        in_all = sum(1 for r in table if r["count"] == len(docs))
        only = sum(1 for r in table if r["count"] == 1)
        doc_heads = [{"href": hrefs[x], "plan": G.nodes[x].get("label")} for x in docs]
        write_text(
            site_dir / "compare.html",
            render(
                "compare.html",
                title="比较 Compare programmes",
                inline=False,
                nav=nav,
                meta=f"{len(docs)} documents",
                data={},
                documents=doc_heads,
                rows=table,
                summary=f"{in_all} programmes in every plan, {only} in only one, {len(table)} in all.",
            ),
        )
    return index
