"""An assessment as plain data: scope, ratings, chosen controls and custom content.

The repository builds an `AssessmentData` from the database; coverage,
recommendation, scoring and the exporters take it (with the library) and
return data, so the web views, the CLI and the benchmarks share them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from ..library.model import (
    Control,
    DocumentedIn,
    EvidencedBy,
    Library,
    Mitigates,
    Retirement,
    Risk,
    Satisfies,
)
from .exclusions import CriterionExclusion

REPORT_TYPES: tuple[str, ...] = ("type1", "type2")
TREATMENTS: tuple[str, ...] = ("mitigate", "accept", "transfer", "avoid")
IMPLEMENTED = "implemented"
PARTIAL = "partially-implemented"
PLANNED = "planned"
NOT_APPLICABLE = "not-applicable"
STATUSES: tuple[str, ...] = (IMPLEMENTED, PARTIAL, PLANNED, NOT_APPLICABLE)


@dataclass(frozen=True)
class Scope:
    """What the report covers: framework, categories in scope, report type and dates."""

    framework: str
    categories: tuple[str, ...] = ("security",)
    report_type: str = "type1"
    as_of: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    appetite: int = 9


@dataclass(frozen=True)
class RiskRating:
    """A risk as the assessment rates and treats it."""

    ref: str
    likelihood: int
    impact: int
    excluded: bool = False
    exclusion_reason: str = ""
    treatment: str | None = None
    owner: str = ""
    rationale: str = ""
    residual_override: tuple[int, int] | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class ControlChoice:
    """A control selected in the assessment, as tailored by the organisation."""

    ref: str
    statement: str = ""  # the user's own wording; "" follows the library template
    statement_base: str = ""  # the library template the user's wording was written against
    owner: str = ""
    frequency: str = ""
    status: str = PLANNED
    na_reason: str = ""


@dataclass
class CustomContent:
    """Risks, controls and mappings one assessment holds beyond the current library.

    These are the organisation's own additions, the retired library
    controls the assessment still selects (their refs are the keys of
    `retired`) and the retired library risks it still rates (`retired_risks`),
    each with its mappings as they were when it was retired.
    """

    risks: list[Risk] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    satisfies: list[Satisfies] = field(default_factory=list)
    mitigates: list[Mitigates] = field(default_factory=list)
    evidenced_by: list[EvidencedBy] = field(default_factory=list)
    documented_in: list[DocumentedIn] = field(default_factory=list)
    retired: dict[str, Retirement] = field(default_factory=dict)
    retired_risks: set[str] = field(default_factory=set)
    """Retired library risks the assessment still rates (held in `risks`)."""


@dataclass
class AssessmentData:
    """Everything the domain needs to know about one assessment."""

    name: str
    organization: str
    scope: Scope
    id: int | None = None
    profile: dict[str, bool] = field(default_factory=dict)
    risks: list[RiskRating] = field(default_factory=list)
    controls: list[ControlChoice] = field(default_factory=list)
    custom: CustomContent = field(default_factory=CustomContent)
    settings: dict[str, str] = field(default_factory=dict)  # placeholder values, inventory's too
    systems: list[str] = field(default_factory=list)  # names of in-scope inventory systems
    exclusions: list[CriterionExclusion] = field(default_factory=list)

    def control(self, ref: str) -> ControlChoice | None:
        return next((c for c in self.controls if c.ref == ref), None)

    def rating(self, ref: str) -> RiskRating | None:
        return next((r for r in self.risks if r.ref == ref), None)

    def exclusion(self, framework: str, ref: str) -> CriterionExclusion | None:
        return next((e for e in self.exclusions if e.framework == framework and e.ref == ref), None)


def with_custom_content(library: Library, custom: CustomContent) -> Library:
    """Return a copy of `library` that also holds an assessment's custom nodes and edges."""
    if not any(vars(custom).values()):
        return library
    merged = copy.copy(library)
    merged.risks = {**library.risks, **{r.ref: r for r in custom.risks}}
    merged.controls = {**library.controls, **{c.ref: c for c in custom.controls}}
    merged.satisfies = [*library.satisfies, *custom.satisfies]
    merged.mitigates = [*library.mitigates, *custom.mitigates]
    merged.evidenced_by = [*library.evidenced_by, *custom.evidenced_by]
    merged.documented_in = [*library.documented_in, *custom.documented_in]
    merged.retired = {**library.retired, **custom.retired}
    return merged


def in_scope_criteria(library: Library, scope: Scope) -> list[tuple[str, str]]:
    """Return the keys of the scope's framework criteria whose category is in scope.

    Categories marked always-in-scope (Security for SOC 2) count even when the
    scope forgets them.
    """
    framework = library.frameworks.get(scope.framework)
    always = {c.key for c in framework.categories if c.always_in_scope} if framework else set()
    wanted = set(scope.categories) | always
    return [
        key
        for key, criterion in library.criteria.items()
        if criterion.framework == scope.framework and criterion.category in wanted
    ]
