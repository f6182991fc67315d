"""One small interface over the graph stores: Neo4j and the embedded one.

The CLI picks a store from configuration (a Neo4j URI or an output folder)
and hands it to the code that loads graphs and runs named queries; nothing
else knows which store it is talking to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx


@dataclass
class LoadReport:
    """What a load did, for the user and for tests of idempotency."""

    documents_loaded: int = 0
    documents_unchanged: int = 0
    documents_replaced: int = 0
    documents_removed: int = 0
    nodes_written: int = 0
    relationships_written: int = 0
    seconds: float = 0.0
    per_type: dict[str, int] = field(default_factory=dict)


class GraphStore(Protocol):
    """Load a policykg graph; answer read-only Cypher with parameters; close."""

    engine: str  # "neo4j" or the embedded engine's name: picks query variants

    def load(self, G: nx.MultiDiGraph) -> LoadReport: ...

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a read-only query; returns column names and at most max_rows + 1 rows. Writes are refused.

        User-supplied Cypher goes through `graph.guard.run_read`, which checks it first.
        """
        ...

    def close(self) -> None: ...
