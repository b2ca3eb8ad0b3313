"""The library (and an assessment's selections) as a typed networkx graph.

Node ids are strings `kind:ref` (criteria: `criterion:framework:ref`); every
node has `kind` and `ref`, every edge has `kind` (mitigates, satisfies,
evidenced_by, documented_in) plus its attributes. Edges run from a control to
the node it reaches, as in the design brief.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

import networkx as nx

from .model import Control, Library, Mitigates, Risk, Satisfies

CONTROL = "control"
RISK = "risk"
CRITERION = "criterion"
EVIDENCE = "evidence"
POLICY = "policy"
FRAMEWORK = "framework"


def node_id(kind: str, ref: str, framework: str | None = None) -> str:
    """Return the graph id of a node."""
    if kind == CRITERION:
        return f"{CRITERION}:{framework}:{ref}"
    return f"{kind}:{ref}"


@dataclass(frozen=True)
class SelectedControl:
    """A control chosen in an assessment, with its implementation status."""

    ref: str
    status: str = "planned"


@dataclass(frozen=True)
class AssessedRisk:
    """A risk rated in an assessment."""

    ref: str
    likelihood: int
    impact: int
    treatment: str | None = None
    excluded: bool = False


@dataclass
class Selection:
    """What an assessment adds to the library graph: its choices and custom content."""

    controls: list[SelectedControl] = field(default_factory=list)
    risks: list[AssessedRisk] = field(default_factory=list)
    custom_controls: list[Control] = field(default_factory=list)
    custom_risks: list[Risk] = field(default_factory=list)
    custom_satisfies: list[Satisfies] = field(default_factory=list)
    custom_mitigates: list[Mitigates] = field(default_factory=list)


def build_graph(library: Library, selection: Selection | None = None) -> nx.DiGraph:
    """Build the typed graph of a library, marking an assessment's selections if given."""
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
    if selection is not None:
        _apply_selection(g, selection)
    return g


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


def _apply_selection(g: nx.DiGraph, selection: Selection) -> None:
    _add_nodes(g, CONTROL, selection.custom_controls, custom=True)
    _add_nodes(g, RISK, selection.custom_risks, custom=True)
    _add_satisfies(g, selection.custom_satisfies, custom=True)
    _add_mitigates(g, selection.custom_mitigates, custom=True)
    for chosen in selection.controls:
        nid = node_id(CONTROL, chosen.ref)
        if nid in g:
            g.nodes[nid].update(selected=True, status=chosen.status)
    for rated in selection.risks:
        nid = node_id(RISK, rated.ref)
        if nid in g:
            g.nodes[nid].update(
                assessed=True,
                assessed_likelihood=rated.likelihood,
                assessed_impact=rated.impact,
                treatment=rated.treatment,
                excluded=rated.excluded,
            )


def nodes_of(g: nx.DiGraph, kind: str) -> list[str]:
    """Return the ids of every node of one kind, in insertion order."""
    return [n for n, k in g.nodes(data="kind") if k == kind]


def targets(g: nx.DiGraph, source: str, edge_kind: str) -> list[str]:
    """Return the nodes that `source` reaches by edges of one kind."""
    return [t for _, t, k in g.out_edges(source, data="kind") if k == edge_kind]


def sources(g: nx.DiGraph, target: str, edge_kind: str) -> list[str]:
    """Return the nodes that reach `target` by edges of one kind."""
    return [s for s, _, k in g.in_edges(target, data="kind") if k == edge_kind]


def selected_controls(g: nx.DiGraph) -> list[str]:
    """Return the ids of the controls an assessment selected."""
    return [
        n for n, data in g.nodes(data=True) if data.get("kind") == CONTROL and data.get("selected")
    ]


def unmitigated_risks(g: nx.DiGraph, risks: Iterable[str] | None = None) -> list[str]:
    """Return the risk ids (all, or those given) that no selected control mitigates."""
    chosen = set(selected_controls(g))
    candidates = list(risks) if risks is not None else nodes_of(g, RISK)
    return [r for r in candidates if not chosen.intersection(sources(g, r, "mitigates"))]


def criteria_reached(g: nx.DiGraph, controls: Iterable[str]) -> dict[str, str]:
    """Return criterion id → strongest strength (primary over supporting) for the controls."""
    reached: dict[str, str] = {}
    for control in controls:
        for _, criterion, data in g.out_edges(control, data=True):
            if data.get("kind") != "satisfies":
                continue
            if data["strength"] == "primary" or criterion not in reached:
                reached[criterion] = data["strength"]
    return reached


def ref_of(g: nx.DiGraph, nid: str) -> str:
    """Return the ref stored on a node."""
    return str(g.nodes[nid]["ref"])


def refs(g: nx.DiGraph, ids: Iterable[str]) -> list[str]:
    """Return the refs of several nodes."""
    return [ref_of(g, n) for n in ids]


def statuses(g: nx.DiGraph) -> Mapping[str, str]:
    """Return selected control id → implementation status."""
    return {n: g.nodes[n].get("status", "planned") for n in selected_controls(g)}
