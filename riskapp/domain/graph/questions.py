"""The graph questions: what a control reaches, what could close a criterion, what stays open,
and what a failed control affects.

Each function takes the graph (and, where it needs them, the assessment's
data) and returns plain data. `bench/bench_graph.py` times each against the
plain dict pass over the library's edge lists that `domain/coverage` uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ..assessment.model import IMPLEMENTED, PARTIAL, AssessmentData
from ..assessment.scoring import Effect, residual
from ..errors import NotFound
from ..library.model import Library
from .build import CONTROL, CRITERION, RISK, assessment_graph, node_id, sources, targets

PRIMARY = "primary"
# A primary control of one of these statuses covers a criterion (as in domain/coverage/report).
EFFECTIVE = frozenset({IMPLEMENTED, PARTIAL})


def criteria_reached(g: nx.DiGraph, controls: Iterable[str]) -> dict[tuple[str, str], str]:
    """Return (framework, criterion ref) → strongest strength (primary over supporting).

    A walk of the given controls' out-edges. On the 20,000-edge synthetic
    library it beats a dict pass over every satisfies edge (0.6 ms against
    5.6 ms for 50 controls); on the shipped library the dict pass is faster
    (0.07 ms against 0.34 ms) but both are far below a page's budget
    (bench/bench_graph.py).
    """
    reached: dict[tuple[str, str], str] = {}
    for ref in controls:
        nid = node_id(CONTROL, ref)
        if nid not in g:
            continue
        for _, cid, data in g.out_edges(nid, data=True):
            if data.get("kind") != "satisfies":
                continue
            key = (g.nodes[cid]["framework"], g.nodes[cid]["ref"])
            if data["strength"] == PRIMARY or key not in reached:
                reached[key] = data["strength"]
    return reached


def controls_closing(
    g: nx.DiGraph, framework: str, criterion: str, exclude: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Return (control ref, strength) for every control satisfying a criterion, primary first.

    Controls in `exclude` (usually those already selected) are left out.
    Within a strength the library's order is kept. For one criterion the
    graph is the fast way (0.16 ms against 31 ms on the synthetic library);
    for every criterion at once a single dict pass grouping the satisfies
    edges is faster (25 ms against 516 ms), which is what
    `domain/coverage/closing.primary_closers` does (bench/bench_graph.py).
    """
    skip = set(exclude)
    found = [
        (g.nodes[c]["ref"], g.edges[c, node_id(CRITERION, criterion, framework)]["strength"])
        for c in sources(g, node_id(CRITERION, criterion, framework), "satisfies")
    ]
    found = [(ref, strength) for ref, strength in found if ref not in skip]
    return sorted(found, key=lambda item: item[1] != PRIMARY)


def unmitigated_risks(g: nx.DiGraph, selected: Iterable[str], risks: Iterable[str]) -> list[str]:
    """Return the refs among `risks` that no control in `selected` mitigates, in the given order.

    Faster as a dict pass when asked for a whole assessment at once: one pass
    over the mitigates edges builds the mitigated set (1.2 ms for 2,000 risks
    on the synthetic library) where the graph walks each risk's in-edges
    (61 ms); `domain/coverage/report.unmitigated_risks` is that dict pass and
    serves the coverage page. Use this one for a few risks.
    """
    chosen = {node_id(CONTROL, ref) for ref in selected}
    return [
        ref for ref in risks if not chosen.intersection(sources(g, node_id(RISK, ref), "mitigates"))
    ]


@dataclass(frozen=True)
class RiskRise:
    """A risk whose residual score rises when a control fails: before and after."""

    ref: str
    before: int
    after: int


@dataclass(frozen=True)
class FailureImpact:
    """What a failed control affects in one assessment."""

    control: str
    exposed_criteria: tuple[tuple[str, str], ...]
    risks_rising: tuple[RiskRise, ...]
    policies: tuple[str, ...]

    @property
    def affects_anything(self) -> bool:
        return bool(self.exposed_criteria or self.risks_rising or self.policies)


def failed_control_impact(library: Library, assessment: AssessmentData, ref: str) -> FailureImpact:
    """Return what the selected control `ref` affects if it fails (its tests find it not operating).

    The rule, exactly:
    - exposed criteria: in-scope criteria for which `ref` is a primary
      control and no other selected primary control is implemented or
      partially implemented (the criterion would fall from covered);
    - risks rising: rated, not excluded risks that `ref` mitigates whose
      current residual score (implemented controls only, the rule of
      `scoring.residual`) is higher once `ref` counts for nothing, by ref;
    - policies: the policy templates that document `ref`.
    Custom controls, risks and mappings of the assessment count like the
    library's. Raises NotFound when `ref` is not a selected control.
    """
    chosen = {c.ref: c for c in assessment.controls}
    if ref not in chosen:
        raise NotFound("selected control", ref)
    g = assessment_graph(library, assessment.custom)
    nid = node_id(CONTROL, ref)
    effective = {node_id(CONTROL, c.ref) for c in assessment.controls if c.status in EFFECTIVE} - {
        nid
    }
    exposed = []
    for cid in targets(g, nid, "satisfies"):
        if g.edges[nid, cid]["strength"] != PRIMARY or not _in_scope(library, assessment, g, cid):
            continue
        others = [
            s
            for s in sources(g, cid, "satisfies")
            if s in effective and g.edges[s, cid]["strength"] == PRIMARY
        ]
        if not others:
            node = g.nodes[cid]
            exposed.append((node["framework"], node["ref"]))
    status_of = {c.ref: c.status for c in assessment.controls}
    rated = {r.ref: r for r in assessment.risks if not r.excluded}
    rising: list[RiskRise] = []
    for rid in targets(g, nid, "mitigates"):
        rating = rated.get(g.nodes[rid]["ref"])
        if rating is None:
            continue
        effects = [
            (s == nid, _effect(g, s, rid, status_of[g.nodes[s]["ref"]]))
            for s in sources(g, rid, "mitigates")
            if g.nodes[s]["ref"] in status_of
        ]
        before = residual(rating.likelihood, rating.impact, [e for _, e in effects]).score
        after = residual(
            rating.likelihood, rating.impact, [e for failed, e in effects if not failed]
        ).score
        if after > before:
            rising.append(RiskRise(rating.ref, before, after))
    policies = tuple(g.nodes[p]["ref"] for p in targets(g, nid, "documented_in"))
    return FailureImpact(
        control=ref,
        exposed_criteria=tuple(sorted(exposed)),
        risks_rising=tuple(sorted(rising, key=lambda r: r.ref)),
        policies=policies,
    )


def _in_scope(library: Library, assessment: AssessmentData, g: nx.DiGraph, cid: str) -> bool:
    """Answer whether a criterion node is in the assessment's scope (see `in_scope_criteria`)."""
    node = g.nodes[cid]
    scope = assessment.scope
    if node["framework"] != scope.framework:
        return False
    framework = library.frameworks.get(scope.framework)
    always = {c.key for c in framework.categories if c.always_in_scope} if framework else set()
    return node["category"] in set(scope.categories) | always


def _effect(g: nx.DiGraph, control: str, risk: str, status: str) -> Effect:
    edge = g.edges[control, risk]
    kind = g.nodes[control].get("type", "detective")
    return Effect(kind, edge["likelihood"], edge["impact"], status)
