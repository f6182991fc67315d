"""Synthetic policykg graphs of a chosen size, with Chinese names, for benchmarks.

The graph goes through the same records and `graph.build` as real plans, so
it has the real shape: documents → points, entities merged across documents,
MENTIONS, CO_OCCURS, semantic relations with evidence, targets.
"""

from __future__ import annotations

import hashlib
import random

import networkx as nx

from graph.build import build_graph
from graph.model import DocumentMeta, Entity, EntityKey, Evidence, Extraction, Mention, Point, Relation, Target

_CHARS = "教育学校师生发展创新科技文化体育艺术健康安全数字智慧乡村城市青年少年未来希望阳光春晖明德启航育才英才卓越"
_PLACES = ["白城", "诸暨", "乐山", "新化", "武进", "聊城", "建水", "集美", "绍兴", "常州", "厦门", "昆明"]
SUFFIX = {
    "Program": ["计划", "工程", "行动", "项目"],
    "Institution": ["中学", "小学", "学院", "大学", "幼儿园", "有限公司"],
    "Event": ["大赛", "论坛", "艺术节", "运动会"],
    "Platform": ["平台", "系统"],
    "Agency": ["教育局", "人民政府"],
    "Policy": ["实施意见", "管理办法"],
    "Place": ["区", "县"],
}


def _name(rng: random.Random, etype: str) -> str:
    core = "".join(rng.choice(_CHARS) for _ in range(rng.randint(2, 5)))
    return rng.choice(_PLACES) + core + rng.choice(SUFFIX[etype])


def synthetic_extractions(n_docs: int, *, points: int = 20, pool: int = 2000, seed: int = 7) -> list[Extraction]:
    """`n_docs` documents drawing entities from a shared pool, so some repeat across documents."""
    rng = random.Random(seed)
    types = list(SUFFIX)
    entity_pool = [EntityKey(t, _name(rng, t)) for t in (rng.choice(types) for _ in range(pool))]
    out = []
    for d in range(n_docs):
        sha = hashlib.sha256(f"synthetic-{seed}-{d}".encode()).hexdigest()
        doc_id = f"d-{sha[:12]}"
        issuer = EntityKey("Agency", f"{_PLACES[d % len(_PLACES)]}{d}教育局")
        pts, mentions, relations, targets = [], {}, [], []
        mentions[issuer] = []
        for p in range(1, points + 1):
            pid = f"{doc_id}:p{p}"
            chosen = rng.sample(entity_pool, 6)
            text = "，".join(f"实施{k.name}" for k in chosen) + "。创建示范校14所。"
            pts.append(Point(id=pid, doc_id=doc_id, number=p, title=f"第{p}项", text=text))
            offset = 0
            for k in chosen:
                start = text.index(k.name, offset)
                mentions.setdefault(k, []).append(Mention(pid, start, start + len(k.name), k.name))
                offset = start + len(k.name)
                relations.append(Relation("IMPLEMENTS", issuer, k, Evidence(pid, text, "实施", start - 2, start)))
            targets.append(Target(id=f"{pid}:t1", text="创建示范校14所", value=14, unit="所", point=pid))
        doc = DocumentMeta(id=doc_id, source=f"plan_{d}.txt", sha256=sha, title=f"合成计划{d}", issuer=issuer.name)
        entities = tuple(Entity(k.type, k.name, mentions=tuple(ms)) for k, ms in mentions.items())
        out.append(
            Extraction(
                document=doc, points=tuple(pts), entities=entities, relations=tuple(relations), targets=tuple(targets)
            )
        )
    return out


def synthetic_graph(n_docs: int, **kw: int) -> nx.MultiDiGraph:
    return build_graph(synthetic_extractions(n_docs, **kw))


if __name__ == "__main__":
    G = synthetic_graph(10)
    print(G.number_of_nodes(), "nodes", G.number_of_edges(), "edges")
