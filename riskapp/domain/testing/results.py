"""Results per tested item: outcomes, sides (internal readiness or the auditor's) and their rules.

A result is recorded for one sampled item, one occurrence ("#n") or one census
item of a control, on one side: `internal` (editors and owners, readiness) or
`auditor` (members with the auditor role). The two sides never mix: each has its
own result per item. A deviation stays a deviation: remediation is recorded as
management's response beside it, never by turning the result into a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PASSED = "passed"
DEVIATION = "deviation"
NOT_TESTED = "not tested"
OUTCOMES: tuple[str, ...] = (PASSED, DEVIATION, NOT_TESTED)

INTERNAL = "internal"
AUDITOR = "auditor"
SIDES: tuple[str, ...] = (INTERNAL, AUDITOR)
SIDE_LABELS = {INTERNAL: "internal (readiness)", AUDITOR: "auditor"}

MISSED = "missed"
LATE = "late"
INCOMPLETE = "incomplete"
OTHER = "other"
NATURES: tuple[str, ...] = (MISSED, LATE, INCOMPLETE, OTHER)
NATURE_LABELS = {
    MISSED: "did not operate",
    LATE: "operated late",
    INCOMPLETE: "operated incompletely",
    OTHER: "other",
}

LIMITS = {"what": 4000, "cause": 2000, "involves": 200, "response": 4000}


@dataclass(frozen=True)
class DeviationFacts:
    """What a deviation says beyond what failed: nature, cause, who or what, recurring, design.

    A deviation recorded on the Testing page and one confirmed from a computed
    check carry the same facts, and the conclusion rule reads them alike.
    """

    nature: str = OTHER
    cause: str = ""
    involves: str = ""
    recurring: bool = False
    design: bool = False


def nature_problem(nature: str) -> str | None:
    """Return the message for a nature outside the vocabulary (None when it is one of NATURES)."""
    return None if nature in NATURES else f"Choose one of: {', '.join(NATURES)}."


@dataclass(frozen=True)
class ResultInput:
    """What a tester records for one item."""

    outcome: str
    what: str = ""
    found_on: date | None = None
    nature: str = OTHER
    cause: str = ""
    recurring: bool = False
    design: bool = False
    involves: str = ""
    response: str = ""
    responded_on: date | None = None


def check_result(entry: ResultInput, *, previous_outcome: str | None) -> dict[str, str]:
    """Return field → problem for a result that breaks a rule (empty when it is fine).

    A deviation says what happened and when it was found; a result that was a
    deviation cannot become anything else (the register keeps every miss).
    """
    problems: dict[str, str] = {}
    if entry.outcome not in OUTCOMES:
        problems["outcome"] = f"Choose one of: {', '.join(OUTCOMES)}."
        return problems
    if message := nature_problem(entry.nature):
        problems["nature"] = message
    for name, limit in LIMITS.items():
        value = getattr(entry, name)
        if len(value) > limit:
            problems[name] = f"Use at most {limit} characters (this has {len(value)})."
    if entry.outcome == DEVIATION:
        if not entry.what.strip():
            problems["what"] = "Say what happened: a deviation needs a description."
        if entry.found_on is None:
            problems["found_on"] = "Give the date the deviation was found (YYYY-MM-DD)."
    elif entry.response.strip() or entry.responded_on is not None:
        problems["response"] = "Only a deviation has a management response."
    if previous_outcome == DEVIATION and entry.outcome != DEVIATION:
        problems["outcome"] = (
            "This item is already a deviation and stays one: remediation does not erase it. "
            "Record management's response beside it instead."
        )
    return problems


@dataclass(frozen=True)
class SideResult:
    """One side's recorded result for an item, as exported."""

    outcome: str
    what: str
    found_on: date | None
    cause: str
    response: str
    recorded_by: str
    recorded_at: datetime
