"""An assessment's selected controls joined to their library entries and edges.

Exporters and the evidence plan read the selection through `selected_controls`
and `EdgeIndex`, so the "tailored value, else library default" rule lives in
one place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..library.model import (
    FREQUENCIES,
    Control,
    DocumentedIn,
    Library,
    Mitigates,
    Retirement,
    Satisfies,
)
from .model import NOT_APPLICABLE, AssessmentData, ControlChoice


def effective_frequency(control: Control, choice: ControlChoice | None) -> str:
    """Return the tailored frequency when it is a known one, else the library default."""
    tailored = (choice.frequency if choice else "").strip()
    return tailored if tailored in FREQUENCIES else control.frequency


def effective_owner(control: Control, choice: ControlChoice | None) -> str:
    """Return the tailored owner when named, else the library's owner role."""
    return (choice.owner if choice else "").strip() or control.owner_role


@dataclass(frozen=True)
class Selected:
    """A selected control: the library (or custom) entry and the assessment's choice."""

    control: Control
    choice: ControlChoice
    retirement: Retirement | None = None

    @property
    def ref(self) -> str:
        return self.control.ref

    @property
    def applicable(self) -> bool:
        return self.choice.status != NOT_APPLICABLE

    @property
    def frequency(self) -> str:
        return effective_frequency(self.control, self.choice)

    @property
    def owner(self) -> str:
        return effective_owner(self.control, self.choice)


def selected_controls(
    library: Library, assessment: AssessmentData, *, applicable_only: bool = False
) -> list[Selected]:
    """Return the assessment's selected controls in library order (custom ones last).

    `library` must already hold the assessment's custom content
    (`with_custom_content`), which includes the retired controls the
    assessment still selects; those carry their `retirement`.
    """
    choices = {c.ref: c for c in assessment.controls}
    result = [
        Selected(control, choices[ref], library.retired.get(ref))
        for ref, control in library.controls.items()
        if ref in choices
    ]
    if applicable_only:
        result = [s for s in result if s.applicable]
    return result


@dataclass
class EdgeIndex:
    """The library's edges grouped by control (and mitigations by risk), deduplicated."""

    satisfies: dict[str, list[Satisfies]] = field(default_factory=lambda: defaultdict(list))
    mitigates: dict[str, list[Mitigates]] = field(default_factory=lambda: defaultdict(list))
    mitigated_by: dict[str, list[Mitigates]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    policies: dict[str, list[DocumentedIn]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, library: Library) -> EdgeIndex:
        """Index every edge of `library` by its control (risks also by risk)."""
        index = cls()
        for edge in dict.fromkeys(library.satisfies):
            index.satisfies[edge.control].append(edge)
        for mitigation in dict.fromkeys(library.mitigates):
            index.mitigates[mitigation.control].append(mitigation)
            index.mitigated_by[mitigation.risk].append(mitigation)
        for evidenced in dict.fromkeys(library.evidenced_by):
            index.evidence[evidenced.control].append(evidenced.evidence)
        for documented in dict.fromkeys(library.documented_in):
            index.policies[documented.control].append(documented)
        return index
