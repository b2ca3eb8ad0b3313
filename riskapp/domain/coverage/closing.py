"""Which library controls would close an assessment's gaps, and the fewest that close them all.

What closes what:

- a criterion that is a `gap`, or `partial` with no applicable primary control
  selected, is closed by any control not yet selected that satisfies it as
  primary: once implemented, that control makes it `covered`;
- a criterion that is `partial` because its selected primary controls are only
  planned needs them implemented, not more controls, so it is no target;
- a criterion set aside (not applicable, or carved out to a vendor) is never
  a target, and does not count towards a candidate's reach;
- an unmitigated risk (see `coverage.unmitigated_risks`) is closed by any
  control not yet selected that mitigates it.

Candidates are ranked by how many of the targets they close, then by how many
in-scope criteria they satisfy as primary, then by library order; the ranking
orders each target's candidates and breaks ties between equally small sets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..assessment.model import NOT_APPLICABLE, AssessmentData, in_scope_criteria
from ..library.model import Library
from .report import GAP, PARTIAL_COVERAGE, Coverage, CriterionCoverage
from .setcover import DEFAULT_TIME_LIMIT, Cover, smallest_cover

CRITERION_TARGET = "criterion"
RISK_TARGET = "risk"


@dataclass(frozen=True)
class Target:
    """Something the selection lacks: a criterion without a primary control, or a risk."""

    kind: str
    ref: str
    title: str
    candidates: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class Closer:
    """A control of the closing set and the targets it closes."""

    ref: str
    title: str
    domain: str
    closes: tuple[str, ...]


@dataclass(frozen=True)
class ClosingSet:
    targets: tuple[Target, ...]
    controls: tuple[Closer, ...]
    cover: Cover
    include_risks: bool

    @property
    def unclosable(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if not t.candidates)

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(c.ref for c in self.controls)


def _controls(library: Library, assessment: AssessmentData) -> dict:
    return {**library.controls, **{c.ref: c for c in assessment.custom.controls}}


def needs_new_control(item: CriterionCoverage) -> bool:
    """Answer whether adding a control (not implementing a chosen one) is what this lacks."""
    if item.status == GAP:
        return True
    if item.status != PARTIAL_COVERAGE:
        return False
    return not any(c.strength == "primary" and c.status != NOT_APPLICABLE for c in item.controls)


def primary_closers(library: Library, assessment: AssessmentData) -> dict[str, list[str]]:
    """Return criterion ref → controls not yet selected that satisfy it as primary."""
    chosen = {c.ref for c in assessment.controls}
    known = _controls(library, assessment)
    found: dict[str, list[str]] = defaultdict(list)
    for edge in (*library.satisfies, *assessment.custom.satisfies):
        if (
            edge.framework == assessment.scope.framework
            and edge.strength == "primary"
            and edge.control not in chosen
            and edge.control in known
            and edge.control not in found[edge.criterion]
        ):
            found[edge.criterion].append(edge.control)
    return found


def risk_closers(library: Library, assessment: AssessmentData) -> dict[str, list[str]]:
    """Return risk ref → controls not yet selected that mitigate it."""
    chosen = {c.ref for c in assessment.controls}
    known = _controls(library, assessment)
    found: dict[str, list[str]] = defaultdict(list)
    for edge in (*library.mitigates, *assessment.custom.mitigates):
        if (
            edge.control not in chosen
            and edge.control in known
            and edge.control not in found[edge.risk]
        ):
            found[edge.risk].append(edge.control)
    return found


def _ranking(
    library: Library, assessment: AssessmentData, candidate_lists: list[list[str]]
) -> list[str]:
    """Return every candidate, best first (the rule is in the module docstring)."""
    known = _controls(library, assessment)
    order = {ref: i for i, ref in enumerate(known)}
    closes: dict[str, int] = defaultdict(int)
    for candidates in candidate_lists:
        for c in candidates:
            closes[c] += 1
    set_aside = {(e.framework, e.ref) for e in assessment.exclusions}
    scope = set(in_scope_criteria(library, assessment.scope)) - set_aside
    primary_reach: dict[str, int] = defaultdict(int)
    for e in (*library.satisfies, *assessment.custom.satisfies):
        if e.strength == "primary" and (e.framework, e.criterion) in scope:
            primary_reach[e.control] += 1
    return sorted(closes, key=lambda c: (-closes[c], -primary_reach[c], order.get(c, len(order))))


def gap_targets(
    library: Library, assessment: AssessmentData, coverage: Coverage, include_risks: bool = False
) -> list[Target]:
    """Return what the selection lacks, each with its candidate controls, best first."""
    return _ranked_targets(library, assessment, coverage, include_risks)[0]


def _ranked_targets(
    library: Library, assessment: AssessmentData, coverage: Coverage, include_risks: bool
) -> tuple[list[Target], list[str]]:
    by_criterion = primary_closers(library, assessment)
    raw: list[tuple[str, str, list[str]]] = [
        (CRITERION_TARGET, item.ref, by_criterion.get(item.ref, []))
        for item in coverage.criteria
        if needs_new_control(item)
    ]
    if include_risks:
        by_risk = risk_closers(library, assessment)
        raw += [(RISK_TARGET, ref, by_risk.get(ref, [])) for ref in coverage.unmitigated_risks]
    ranking = _ranking(library, assessment, [candidates for _kind, _ref, candidates in raw])
    rank = {ref: i for i, ref in enumerate(ranking)}
    titles = {c.ref: c.title for c in coverage.criteria}
    risks = {**library.risks, **{r.ref: r for r in assessment.custom.risks}}
    targets = [
        Target(
            kind=kind,
            ref=ref,
            title=titles.get(ref, "") if kind == CRITERION_TARGET else _title(risks, ref),
            candidates=tuple(sorted(candidates, key=rank.__getitem__)),
        )
        for kind, ref, candidates in raw
    ]
    return targets, ranking


def _title(items: dict, ref: str) -> str:
    item = items.get(ref)
    return item.title if item is not None else ref


def closing_set(
    library: Library,
    assessment: AssessmentData,
    coverage: Coverage,
    *,
    include_risks: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> ClosingSet:
    """Return the fewest controls that close every closable gap (and unmitigated risk if asked)."""
    targets, preference = _ranked_targets(library, assessment, coverage, include_risks)
    cover = smallest_cover(
        {t.key: t.candidates for t in targets}, preference, time_limit=time_limit
    )
    known = _controls(library, assessment)
    closes: dict[str, list[str]] = defaultdict(list)
    for t in targets:
        for ref in t.candidates:
            closes[ref].append(t.ref)
    closers = tuple(
        Closer(
            ref=ref,
            title=known[ref].title,
            domain=known[ref].domain,
            closes=tuple(closes[ref]),
        )
        for ref in cover.chosen
    )
    return ClosingSet(tuple(targets), closers, cover, include_risks)
