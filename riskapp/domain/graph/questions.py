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

from ..assessment.model import AssessmentData
from ..library.model import Library
from .build import CONTROL, CRITERION, RISK, node_id, sources
from .impact import PRIMARY, failed_controls_impact


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

    The one-control form of `impact.failed_controls_impact`, whose docstring
    states the rule. Raises NotFound when `ref` is not a selected control.
    """
    found = failed_controls_impact(library, assessment, [ref])
    return FailureImpact(
        control=ref,
        exposed_criteria=tuple((c.framework, c.ref) for c in found.criteria),
        risks_rising=tuple(RiskRise(r.ref, r.before, r.after) for r in found.risks),
        policies=tuple(p.ref for p in found.policies),
    )
