"""What a set of failed controls affects, walked on the library graph (issue #13, item 5).

The library graph is the per-release cached one (`library_graph`); an
assessment's custom risks, controls and mappings go into a small overlay
graph beside it, so nothing here copies or rebuilds the library graph.

The rule, exactly, for the controls `failed` of one assessment:

- a criterion is exposed when it is in scope, not set aside (not applicable
  or carved out), covered now (a selected primary control is implemented or
  partially implemented) and no longer covered once the failed controls count
  for nothing; it becomes `partial` when another applicable selected control
  still maps to it (supporting, or a primary only planned), else `gap`;
- a risk rises when it is rated and not excluded, a failed control mitigates
  it, and its current residual score (implemented controls only, the rule of
  `scoring.residual`) is higher once the failed controls count for nothing;
  the new score is given;
- a policy is named when it documents a failed control.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import networkx as nx

from ..assessment.model import (
    IMPLEMENTED,
    NOT_APPLICABLE,
    PARTIAL,
    AssessmentData,
    CustomContent,
    RiskRating,
)
from ..assessment.scoring import Effect, residual
from ..errors import NotFound
from ..library.model import Library
from .build import CONTROL, custom_overlay, library_graph, node_id

PRIMARY = "primary"
# A primary control of one of these statuses covers a criterion (as in domain/coverage/report).
EFFECTIVE = frozenset({IMPLEMENTED, PARTIAL})
BECOMES_PARTIAL = "partial"
BECOMES_GAP = "gap"


@dataclass(frozen=True)
class ExposedCriterion:
    """A criterion that loses its only effective primary control(s), and what it becomes."""

    framework: str
    ref: str
    title: str
    becomes: str  # partial | gap
    lost: tuple[str, ...]  # the failed controls that covered it


@dataclass(frozen=True)
class RisingRisk:
    """A risk whose residual score rises once the failed controls no longer count."""

    ref: str
    title: str
    before: int
    after: int
    because: tuple[str, ...]  # the failed controls that mitigated it


@dataclass(frozen=True)
class DescribingPolicy:
    """A policy template that documents one or more of the failed controls."""

    ref: str
    title: str
    controls: tuple[str, ...]


@dataclass(frozen=True)
class BatchImpact:
    """What a set of failed controls affects in one assessment."""

    failed: tuple[str, ...]
    criteria: tuple[ExposedCriterion, ...]
    risks: tuple[RisingRisk, ...]
    policies: tuple[DescribingPolicy, ...]

    @property
    def affects_anything(self) -> bool:
        return bool(self.criteria or self.risks or self.policies)


@dataclass(frozen=True)
class _Index:
    """One assessment's lookups: selected statuses by node, ratings, scope, set-aside criteria."""

    chosen: frozenset[str]
    status: dict[str, str]
    rated: dict[str, RiskRating]
    framework: str
    categories: frozenset[str]
    set_aside: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, library: Library, assessment: AssessmentData) -> _Index:
        scope = assessment.scope
        framework = library.frameworks.get(scope.framework)
        always = {c.key for c in framework.categories if c.always_in_scope} if framework else set()
        return cls(
            chosen=frozenset(c.ref for c in assessment.controls),
            status={node_id(CONTROL, c.ref): c.status for c in assessment.controls},
            rated={r.ref: r for r in assessment.risks if not r.excluded},
            framework=scope.framework,
            categories=frozenset(set(scope.categories) | always),
            set_aside=frozenset((e.framework, e.ref) for e in assessment.exclusions),
        )


class ImpactGraph:
    """The cached library graph plus an assessment's custom overlay, read side by side."""

    def __init__(self, library: Library, custom: CustomContent | None = None) -> None:
        self.library = library
        self.base = library_graph(library)
        self.custom = custom_overlay(custom) if custom is not None else nx.DiGraph()
        self._indexed: tuple[AssessmentData, _Index] | None = None

    def index(self, assessment: AssessmentData) -> _Index:
        """Return the assessment's lookups, made once per assessment object."""
        if self._indexed is None or self._indexed[0] is not assessment:
            self._indexed = (assessment, _Index.of(self.library, assessment))
        return self._indexed[1]

    def node(self, nid: str) -> Mapping[str, object]:
        if nid in self.base:
            return self.base.nodes[nid]
        return self.custom.nodes[nid] if nid in self.custom else {}

    def out(self, nid: str, kind: str) -> Iterator[tuple[str, dict[str, object]]]:
        for g in (self.base, self.custom):
            if nid in g:
                for _, t, data in g.out_edges(nid, data=True):
                    if data.get("kind") == kind:
                        yield t, data

    def into(self, nid: str, kind: str) -> Iterator[tuple[str, dict[str, object]]]:
        for g in (self.base, self.custom):
            if nid in g:
                for s, _, data in g.in_edges(nid, data=True):
                    if data.get("kind") == kind:
                        yield s, data


def failed_controls_impact(
    library: Library,
    assessment: AssessmentData,
    failed: Iterable[str],
    graph: ImpactGraph | None = None,
) -> BatchImpact:
    """Return what the selected controls `failed` affect together (the module's rule).

    Raises NotFound naming the first ref that is not a selected control. Pass
    `graph` to reuse one `ImpactGraph` over many calls for one assessment.
    """
    ig = graph or ImpactGraph(library, assessment.custom)
    idx = ig.index(assessment)
    refs = tuple(dict.fromkeys(failed))
    for ref in refs:
        if ref not in idx.chosen:
            raise NotFound("selected control", ref)
    gone = {node_id(CONTROL, ref) for ref in refs}
    return BatchImpact(
        failed=refs,
        criteria=_criteria(ig, idx, refs, gone),
        risks=_risks(ig, idx, refs, gone),
        policies=_policies(ig, refs),
    )


def _criteria(
    ig: ImpactGraph, idx: _Index, refs: tuple[str, ...], gone: set[str]
) -> tuple[ExposedCriterion, ...]:
    status = idx.status
    seen: dict[str, ExposedCriterion] = {}
    for ref in refs:
        for cid, data in ig.out(node_id(CONTROL, ref), "satisfies"):
            if cid in seen or data.get("strength") != PRIMARY:
                continue
            node = ig.node(cid)
            key = (str(node.get("framework")), str(node.get("ref")))
            if key[0] != idx.framework or node.get("category") not in idx.categories:
                continue
            if key in idx.set_aside:
                continue
            mapped = [
                (s, d.get("strength"), status[s])
                for s, d in ig.into(cid, "satisfies")
                if s in status
            ]
            effective = [s for s, strength, st in mapped if strength == PRIMARY and st in EFFECTIVE]
            if not effective or any(s not in gone for s in effective):
                continue  # not covered now, or still covered without the failed controls
            still = any(s not in gone and st != NOT_APPLICABLE for s, _, st in mapped)
            seen[cid] = ExposedCriterion(
                framework=key[0],
                ref=key[1],
                title=str(node.get("title", "")),
                becomes=BECOMES_PARTIAL if still else BECOMES_GAP,
                lost=tuple(sorted(str(ig.node(s)["ref"]) for s in effective)),
            )
    return tuple(sorted(seen.values(), key=lambda c: (c.framework, _natural(c.ref))))


def _risks(
    ig: ImpactGraph, idx: _Index, refs: tuple[str, ...], gone: set[str]
) -> tuple[RisingRisk, ...]:
    rated, status = idx.rated, idx.status
    touched: dict[str, None] = {}
    for ref in refs:
        for rid, _ in ig.out(node_id(CONTROL, ref), "mitigates"):
            touched[rid] = None
    rising: list[RisingRisk] = []
    for rid in touched:
        node = ig.node(rid)
        rating = rated.get(str(node.get("ref")))
        if rating is None:
            continue
        effects = [
            (s in gone, s, _effect(ig, s, data, status[s]))
            for s, data in ig.into(rid, "mitigates")
            if s in status
        ]
        before = residual(rating.likelihood, rating.impact, [e for _, _, e in effects]).score
        after = residual(
            rating.likelihood, rating.impact, [e for failed, _, e in effects if not failed]
        ).score
        if after > before:
            because = tuple(sorted(str(ig.node(s)["ref"]) for failed, s, _ in effects if failed))
            rising.append(
                RisingRisk(rating.ref, str(node.get("title", "")), before, after, because)
            )
    return tuple(sorted(rising, key=lambda r: r.ref))


def _policies(ig: ImpactGraph, refs: tuple[str, ...]) -> tuple[DescribingPolicy, ...]:
    found: dict[str, list[str]] = {}
    for ref in refs:
        for pid, _ in ig.out(node_id(CONTROL, ref), "documented_in"):
            found.setdefault(pid, []).append(ref)
    return tuple(
        DescribingPolicy(
            str(ig.node(pid).get("ref", pid.split(":", 1)[1])),
            str(ig.node(pid).get("title", "")),
            tuple(controls),
        )
        for pid, controls in found.items()
    )


def _effect(ig: ImpactGraph, control: str, edge: dict[str, object], status: str) -> Effect:
    kind = str(ig.node(control).get("type", "detective"))
    return Effect(kind, int(edge["likelihood"]), int(edge["impact"]), status)  # type: ignore[call-overload]


def _natural(ref: str) -> tuple[object, ...]:
    """Sort CC6.10 after CC6.9."""
    parts: list[object] = []
    for chunk in ref.replace("-", ".").split("."):
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return tuple(parts)
