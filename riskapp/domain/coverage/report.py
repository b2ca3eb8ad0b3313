"""Coverage of an assessment's in-scope criteria by its selected controls.

The rule for one criterion, counting only selected controls that are not
marked not-applicable:

- `covered`: at least one primary control is implemented or partially implemented;
- `partial`: otherwise, some control maps to it (supporting controls in any
  status, or primary controls that are only planned);
- `gap`: no selected control maps to it.

A criterion the assessment sets aside takes that status instead, whatever
its controls: `not_applicable` (marked not applicable with a reason) or
`carved_out` (met by a subservice organisation). Both are counted apart from
covered, partial and gap in every total; `total` counts all five, and each
percentage is a share of that total.

Unmitigated risks are the rated, not excluded risks above the appetite whose
treatment is "mitigate" and that no selected (applicable) control mitigates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..assessment.exclusions import CARVED_OUT, NOT_APPLICABLE_CRITERION, CriterionExclusion
from ..assessment.model import (
    IMPLEMENTED,
    NOT_APPLICABLE,
    PARTIAL,
    STATUSES,
    AssessmentData,
    in_scope_criteria,
)
from ..assessment.scoring import inherent_score, needs_treatment
from ..library.edge_index import Edge, coverage_order, edge_index
from ..library.model import Library

COVERED = "covered"
PARTIAL_COVERAGE = "partial"
GAP = "gap"
SET_ASIDE = NOT_APPLICABLE_CRITERION, CARVED_OUT
COVERAGE_STATUSES: tuple[str, ...] = (COVERED, PARTIAL_COVERAGE, GAP, *SET_ASIDE)
STATUS_LABELS: dict[str, str] = {
    COVERED: "covered",
    PARTIAL_COVERAGE: "partial",
    GAP: "gap",
    NOT_APPLICABLE_CRITERION: "not applicable",
    CARVED_OUT: "carved out",
}
WORKING = frozenset({IMPLEMENTED, PARTIAL})


@dataclass(frozen=True, slots=True)
class CoveringControl:
    ref: str
    strength: str
    status: str


@dataclass(frozen=True)
class CriterionCoverage:
    framework: str
    ref: str
    series: str
    category: str
    title: str
    status: str
    controls: tuple[CoveringControl, ...]
    exclusion: CriterionExclusion | None = None

    @property
    def missing(self) -> str:
        """Say in words what stands between this criterion and `covered`."""
        if self.status == COVERED:
            return ""
        if self.exclusion is not None:
            if self.exclusion.carved_out:
                return f"Carved out to {self.exclusion.vendor}: {self.exclusion.reason}"
            return f"Not applicable: {self.exclusion.reason}"
        set_aside = [
            c.ref for c in self.controls if c.strength == "primary" and c.status == NOT_APPLICABLE
        ]
        note = (
            f" Primary control(s) {', '.join(set_aside)} marked not applicable."
            if set_aside
            else ""
        )
        if self.status == GAP:
            return "No selected control satisfies this criterion." + note
        planned = [
            c.ref for c in self.controls if c.strength == "primary" and c.status != NOT_APPLICABLE
        ]
        if planned:
            return f"Primary control(s) {', '.join(planned)} not yet implemented."
        return "Only supporting controls; select a primary control." + note


@dataclass
class Totals:
    covered: int = 0
    partial: int = 0
    gap: int = 0
    not_applicable: int = 0
    carved_out: int = 0

    @property
    def total(self) -> int:
        return self.covered + self.partial + self.gap + self.not_applicable + self.carved_out

    @property
    def set_aside(self) -> int:
        return self.not_applicable + self.carved_out

    def percent(self, status: str) -> float:
        """Return the share of criteria with `status`, in percent, rounded to one decimal."""
        if not self.total:
            return 0.0
        return round(100 * getattr(self, status) / self.total, 1)

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def as_dict(self) -> dict[str, int]:
        return {status: getattr(self, status) for status in COVERAGE_STATUSES}


@dataclass
class Coverage:
    criteria: list[CriterionCoverage]
    by_series: dict[str, Totals] = field(default_factory=dict)
    by_category: dict[str, Totals] = field(default_factory=dict)
    by_framework: dict[str, Totals] = field(default_factory=dict)
    overall: Totals = field(default_factory=Totals)
    unmitigated_risks: list[str] = field(default_factory=list)

    def of_status(self, *statuses: str) -> list[CriterionCoverage]:
        return [c for c in self.criteria if c.status in statuses]

    @property
    def set_aside(self) -> list[CriterionCoverage]:
        return self.of_status(*SET_ASIDE)


def criterion_status(controls: tuple[CoveringControl, ...] | list[CoveringControl]) -> str:
    """Return covered, partial or gap for the applicable controls mapped to one criterion."""
    applicable = False
    for c in controls:  # one pass, stopping at the first working primary control
        if c.status != NOT_APPLICABLE:
            if c.strength == "primary" and c.status in WORKING:
                return COVERED
            applicable = True
    return PARTIAL_COVERAGE if applicable else GAP


def compute_coverage(library: Library, assessment: AssessmentData) -> Coverage:
    """Return the coverage of the assessment's in-scope criteria (library + custom mappings).

    The library's mappings come from its edge index (grouped by criterion and
    already in coverage order); only criteria with custom mappings are sorted here.
    """
    index = edge_index(library)
    # keyed by the edges' own ref strings, so the lookup per edge below is by identity
    # (a selection's ref read from the database is an equal string, not the same one)
    refs = index.refs
    status_of = {refs.get(c.ref, c.ref): c.status for c in assessment.controls}
    custom: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in assessment.custom.satisfies:
        custom[(edge.framework, edge.criterion)].append((edge.control, edge.strength, {}))

    def covering(key: tuple[str, str]) -> tuple[CoveringControl, ...]:
        edges: Iterable[Edge] = index.by_criterion.get(key, ())
        if key in custom:  # a stable sort keeps library edges before custom ones, as before
            edges = sorted((*edges, *custom[key]), key=coverage_order)
        # one shared immutable value per edge and status: making a frozen dataclass per
        # mapping per request was most of this function's time (a comprehension, not a
        # loop of appends: at 20,000 mappings the loop's overhead showed)
        return tuple(
            [
                memo.get(status) or _covering_value(memo, ref, strength, status)
                for ref, strength, memo in edges
                if (status := status_of.get(ref)) is not None
            ]
        )

    set_aside = {(e.framework, e.ref): e for e in assessment.exclusions}
    result = Coverage(criteria=[])
    counted: list[tuple[str, str, str, str]] = []  # (series, category, framework, status)
    for key in in_scope_criteria(library, assessment.scope):
        criterion = library.criteria[key]
        controls = covering(key)
        exclusion = set_aside.get(key)
        status = exclusion.kind if exclusion is not None else criterion_status(controls)
        result.criteria.append(
            CriterionCoverage(
                framework=criterion.framework,
                ref=criterion.ref,
                series=criterion.series,
                category=criterion.category,
                title=criterion.title,
                status=status,
                controls=controls,
                exclusion=exclusion,
            )
        )
        counted.append((criterion.series, criterion.category, criterion.framework, status))
    # the totals are counted once at the end (a Counter per grouping), in first-seen order
    groupings = (result.by_series, result.by_category, result.by_framework)
    for position, into in enumerate(groupings):
        for (group, status), n in Counter((row[position], row[3]) for row in counted).items():
            totals = into.get(group)
            if totals is None:
                totals = into[group] = Totals()
            setattr(totals, status, n)
    for status, n in Counter(row[3] for row in counted).items():
        setattr(result.overall, status, n)
    result.unmitigated_risks = unmitigated_risks(library, assessment)
    return result


def _covering_value(memo: dict[str, Any], ref: str, strength: str, status: str) -> CoveringControl:
    """Make, keep in `memo` and return the shared value of one mapping in one status."""
    value = memo[status] = CoveringControl(ref, strength, status)
    return value


def prime(library: Library) -> None:
    """Make the shared value of every library mapping in every status ahead of requests.

    A server worker calls this as it starts, so its first coverage does not
    make them (20,000 mappings × 4 statuses at 5,000 controls).
    """
    for edges in edge_index(library).by_criterion.values():
        for ref, strength, memo in edges:
            for status in STATUSES:
                if status not in memo:
                    memo[status] = CoveringControl(ref, strength, status)


def unmitigated_risks(library: Library, assessment: AssessmentData) -> list[str]:
    """Return refs of risks to mitigate, above appetite, that no applicable control mitigates."""
    applicable = {c.ref for c in assessment.controls if c.status != NOT_APPLICABLE}
    mitigated = {e.risk for e in assessment.custom.mitigates if e.control in applicable}
    by_risk = edge_index(library).mitigated_by
    return [
        r.ref
        for r in assessment.risks
        if not r.excluded
        and r.treatment == "mitigate"
        and needs_treatment(inherent_score(r.likelihood, r.impact), assessment.scope.appetite)
        and r.ref not in mitigated
        and applicable.isdisjoint(by_risk.get(r.ref, ()))
    ]
