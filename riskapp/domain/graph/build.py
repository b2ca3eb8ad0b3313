"""The library (and an assessment's custom content) as a typed networkx graph.

Node ids are strings `kind:ref` (criteria: `criterion:framework:ref`); every
node has `kind` and `ref`, every edge has `kind` (contains, mitigates,
satisfies, evidenced_by, documented_in) plus its attributes. Edges run from a
control to the node it reaches, as in the design brief. The library graph is
built once per library object (`library_graph`); an assessment's custom
content is a small graph of its own (`custom_overlay`) read beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import networkx as nx

from ..assessment.model import CustomContent
from ..library.model import Library, Mitigates, Satisfies

CONTROL = "control"
RISK = "risk"
CRITERION = "criterion"
EVIDENCE = "evidence"
POLICY = "policy"
FRAMEWORK = "framework"

# library identity → (the library, kept alive so its id stays its own; its version; the graph)
_GRAPHS: dict[int, tuple[Library, str, nx.DiGraph]] = {}
_KEEP = 4


def node_id(kind: str, ref: str, framework: str | None = None) -> str:
    """Return the graph id of a node."""
    if kind == CRITERION:
        return f"{CRITERION}:{framework}:{ref}"
    return f"{kind}:{ref}"


def build_graph(library: Library) -> nx.DiGraph:
    """Build the typed graph of a library."""
    g = nx.DiGraph()
    for slug, fw in library.frameworks.items():
        g.add_node(node_id(FRAMEWORK, slug), kind=FRAMEWORK, ref=slug, title=fw.name)
    for criterion in library.criteria.values():
        cid = node_id(CRITERION, criterion.ref, criterion.framework)
        g.add_node(cid, kind=CRITERION, **asdict(criterion))
        g.add_edge(node_id(FRAMEWORK, criterion.framework), cid, kind="contains")
        if criterion.parent:
            g.add_edge(
                node_id(CRITERION, criterion.parent, criterion.framework), cid, kind="contains"
            )
    _add_nodes(g, RISK, library.risks.values())
    _add_nodes(g, CONTROL, library.controls.values())
    _add_nodes(g, EVIDENCE, library.evidence.values())
    for policy in library.policies.values():
        g.add_node(node_id(POLICY, policy.ref), kind=POLICY, ref=policy.ref, title=policy.title)
    _add_satisfies(g, library.satisfies)
    _add_mitigates(g, library.mitigates)
    for e in library.evidenced_by:
        g.add_edge(node_id(CONTROL, e.control), node_id(EVIDENCE, e.evidence), kind="evidenced_by")
    for d in library.documented_in:
        g.add_edge(
            node_id(CONTROL, d.control),
            node_id(POLICY, d.policy),
            kind="documented_in",
            primary=d.primary,
        )
    return g


def library_graph(library: Library) -> nx.DiGraph:
    """Return the library's graph, built once per library object and version.

    The repository hands out one `Library` object per loaded release
    (`cached_library`), so keying by identity builds the graph once per
    release; the few most recent graphs are kept. Treat the result as
    read-only: custom content goes in `custom_overlay`, never into it.
    """
    hit = _GRAPHS.get(id(library))
    if hit is not None and hit[0] is library and hit[1] == library.meta.version:
        return hit[2]
    graph = build_graph(library)
    _GRAPHS[id(library)] = (library, library.meta.version, graph)
    while len(_GRAPHS) > _KEEP:
        del _GRAPHS[next(iter(_GRAPHS))]
    return graph


def custom_overlay(custom: CustomContent) -> nx.DiGraph:
    """Return a small graph of an assessment's custom nodes and edges only (marked custom).

    Pages read it beside the cached library graph, never merged into a copy of it.
    """
    g = nx.DiGraph()
    _add_nodes(g, CONTROL, custom.controls, custom=True)
    _add_nodes(g, RISK, custom.risks, custom=True)
    _add_satisfies(g, custom.satisfies, custom=True)
    _add_mitigates(g, custom.mitigates, custom=True)
    for e in custom.evidenced_by:
        g.add_edge(node_id(CONTROL, e.control), node_id(EVIDENCE, e.evidence), kind="evidenced_by")
    for d in custom.documented_in:
        g.add_edge(
            node_id(CONTROL, d.control),
            node_id(POLICY, d.policy),
            kind="documented_in",
            primary=d.primary,
            custom=True,
        )
    return g


def assessment_graph(library: Library, custom: CustomContent) -> nx.DiGraph:
    """Return one graph of the library plus an assessment's custom content.

    For callers that want a single graph (tests, one-off questions); the pages
    read `custom_overlay` beside the cached library graph instead of copying it.
    """
    base = library_graph(library)
    if not any(vars(custom).values()):
        return base
    return nx.compose(base, custom_overlay(custom))


def _add_nodes(g: nx.DiGraph, kind: str, items: Iterable[object], custom: bool = False) -> None:
    for item in items:
        attrs = asdict(item)  # type: ignore[call-overload]
        g.add_node(node_id(kind, attrs["ref"]), kind=kind, custom=custom, **attrs)


def _add_satisfies(g: nx.DiGraph, edges: Iterable[Satisfies], custom: bool = False) -> None:
    for e in edges:
        g.add_edge(
            node_id(CONTROL, e.control),
            node_id(CRITERION, e.criterion, e.framework),
            kind="satisfies",
            strength=e.strength,
            custom=custom,
        )


def _add_mitigates(g: nx.DiGraph, edges: Iterable[Mitigates], custom: bool = False) -> None:
    for e in edges:
        g.add_edge(
            node_id(CONTROL, e.control),
            node_id(RISK, e.risk),
            kind="mitigates",
            likelihood=e.likelihood,
            impact=e.impact,
            custom=custom,
        )


def nodes_of(g: nx.DiGraph, kind: str) -> list[str]:
    """Return the ids of every node of one kind, in insertion order."""
    return [n for n, k in g.nodes(data="kind") if k == kind]


def targets(g: nx.DiGraph, source: str, edge_kind: str) -> list[str]:
    """Return the nodes that `source` reaches by edges of one kind."""
    if source not in g:
        return []
    return [t for _, t, k in g.out_edges(source, data="kind") if k == edge_kind]


def sources(g: nx.DiGraph, target: str, edge_kind: str) -> list[str]:
    """Return the nodes that reach `target` by edges of one kind."""
    if target not in g:
        return []
    return [s for s, _, k in g.in_edges(target, data="kind") if k == edge_kind]


def ref_of(g: nx.DiGraph, nid: str) -> str:
    """Return the ref stored on a node."""
    return str(g.nodes[nid]["ref"])


def refs(g: nx.DiGraph, ids: Iterable[str]) -> list[str]:
    """Return the refs of several nodes."""
    return [ref_of(g, n) for n in ids]
