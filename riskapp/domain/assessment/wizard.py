"""Rules of the guided path: the steps, and what each step's answers must satisfy.

Every check returns problems keyed by field (or by risk/control ref) with a
message a user can act on; an empty result means the answers can be saved.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..accounts.names import MAX_NAME
from ..library.model import FREQUENCIES, Framework
from ..textsafety import too_long
from .model import NOT_APPLICABLE, STATUSES, TREATMENTS, RiskRating
from .scoring import MAX_SCORE, inherent_score, needs_treatment

STEPS: tuple[str, ...] = (
    "scope",
    "profile",
    "risks",
    "treatment",
    "controls",
    "coverage",
    "quality",
)
STEP_TITLES: dict[str, str] = {
    "scope": "Scope",
    "profile": "Profile",
    "risks": "Risks",
    "treatment": "Treatment",
    "controls": "Controls",
    "coverage": "Coverage",
    "quality": "Statement quality",
}
MIN_PERIOD_MONTHS = 3
MAX_PERIOD_MONTHS = 12
USUAL_PERIOD_MONTHS = 6  # shorter Type 2 periods are allowed, with a warning
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
NEEDS_RATIONALE = frozenset({"accept", "transfer"})


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_months_ok(start: date, end: date) -> bool:
    """Answer whether start..end (both included) spans 3 to 12 calendar months.

    A period of n months starting on `start` ends the day before the same date
    n months later: 1 January to 31 March is 3 months, 1 January to 31
    December is 12.
    """
    shortest = add_months(start, MIN_PERIOD_MONTHS) - timedelta(days=1)
    longest = add_months(start, MAX_PERIOD_MONTHS) - timedelta(days=1)
    return shortest <= end <= longest


def date_problem(day: date | None) -> str | None:
    """Return what is wrong with a report date outside the years the app plans for, or None."""
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        return f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
    return None


def period_warning(start: date | None, end: date | None) -> str | None:
    """Return a warning for a valid Type 2 period shorter than usual (6 months), or None."""
    if start is None or end is None or not period_months_ok(start, end):
        return None
    if end < add_months(start, USUAL_PERIOD_MONTHS) - timedelta(days=1):
        return (
            f"The period is shorter than {USUAL_PERIOD_MONTHS} months: auditors and report "
            "readers usually expect 6 to 12 months for a Type 2 report."
        )
    return None


DATES = frozenset({"as_of", "period_start", "period_end"})


@dataclass(frozen=True)
class ScopeAnswers:
    name: str
    categories: tuple[str, ...]
    report_type: str
    as_of: date | None
    period_start: date | None
    period_end: date | None
    appetite: int | None


def scope_problems(answers: ScopeAnswers, framework: Framework) -> dict[str, str]:
    """Return field → message for every scope answer that cannot be saved."""
    problems: dict[str, str] = {}
    if not answers.name.strip():
        problems["name"] = "Give the assessment a name."
    elif len(answers.name.strip()) > MAX_NAME:
        problems["name"] = too_long("assessment name", MAX_NAME, len(answers.name.strip()))
    known = {c.key for c in framework.categories}
    unknown = [c for c in answers.categories if c not in known]
    if unknown:
        problems["categories"] = f"Unknown categories: {', '.join(unknown)}."
    for name in ("as_of", "period_start", "period_end"):
        if problem := date_problem(getattr(answers, name)):
            problems[name] = problem
    if answers.report_type == "type1":
        if answers.as_of is None:
            problems["as_of"] = "A Type 1 report needs the date it is as of."
    elif answers.report_type == "type2":
        if answers.period_start is None:
            problems["period_start"] = "A Type 2 report needs the start of its period."
        if answers.period_end is None:
            problems["period_end"] = "A Type 2 report needs the end of its period."
        if answers.period_start and answers.period_end and not problems.keys() & DATES:
            if answers.period_end <= answers.period_start:
                problems["period_end"] = "The period must end after it starts."
            elif not period_months_ok(answers.period_start, answers.period_end):
                problems["period_end"] = "A Type 2 period runs from 3 to 12 months."
    else:
        problems["report_type"] = "Choose Type 1 or Type 2."
    if answers.appetite is None or not 1 <= answers.appetite < MAX_SCORE:
        problems["appetite"] = f"Risk appetite is a score from 1 to {MAX_SCORE - 1}."
    return problems


def in_scope_categories(framework: Framework, chosen: Iterable[str]) -> tuple[str, ...]:
    """Return the chosen categories plus those always in scope, in framework order."""
    wanted = set(chosen) | {c.key for c in framework.categories if c.always_in_scope}
    return tuple(c.key for c in framework.categories if c.key in wanted)


def rating_problems(
    likelihood: object, impact: object, excluded: bool, reason: str
) -> dict[str, str]:
    """Return field → message for one risk's rating on the risks step."""
    problems: dict[str, str] = {}
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            problems[name] = f"Rate {name} from 1 to 5."
    if excluded and not reason.strip():
        problems["exclusion_reason"] = "Say why this risk does not apply."
    return problems


def treatment_problems(ratings: Iterable[RiskRating], appetite: int) -> dict[str, list[str]]:
    """Return risk ref → what is missing, for every risk above appetite not fully treated."""
    problems: dict[str, list[str]] = {}
    for rating in ratings:
        if rating.excluded:
            continue
        if not needs_treatment(inherent_score(rating.likelihood, rating.impact), appetite):
            continue
        missing = []
        if rating.treatment not in TREATMENTS:
            missing.append("Choose a treatment: mitigate, accept, transfer or avoid.")
        if not rating.owner.strip():
            missing.append("Name the risk owner.")
        if rating.treatment in NEEDS_RATIONALE and not rating.rationale.strip():
            missing.append(f"Explain why the risk is {rating.treatment}ed.")
        if missing:
            problems[rating.ref] = missing
    return problems


MAX_STATEMENT = 4000


def control_problems(status: str, frequency: str, na_reason: str, statement: str) -> dict[str, str]:
    """Return field → message for one selected control's tailoring."""
    problems: dict[str, str] = {}
    if status not in STATUSES:
        problems["status"] = "Choose implemented, partially implemented, planned or not applicable."
    if status == NOT_APPLICABLE and not na_reason.strip():
        problems["na_reason"] = "Say why the control does not apply."
    if frequency and frequency not in FREQUENCIES:
        problems["frequency"] = f"Choose a frequency: {', '.join(FREQUENCIES)}."
    if len(statement) > MAX_STATEMENT:
        problems["statement"] = (
            f"Keep the statement to {MAX_STATEMENT} characters or fewer ({len(statement)} given); "
            "leave it blank to follow the library's wording."
        )
    return problems


def residual_override_problems(likelihood: object, impact: object, reason: str) -> dict[str, str]:
    """Return field → message for a residual override: both levels and a reason, or none."""
    given = [v for v in (likelihood, impact) if v not in (None, "")]
    if not given and not reason.strip():
        return {}
    problems = rating_problems(likelihood, impact, False, "")
    if not reason.strip():
        problems["override_reason"] = "Say why you override the computed residual rating."
    return {f"residual_{k}" if k in ("likelihood", "impact") else k: v for k, v in problems.items()}


def reached_steps(step_reached: str) -> tuple[str, ...]:
    """Return the steps a user may open: every step up to the furthest reached."""
    index = STEPS.index(step_reached) if step_reached in STEPS else 0
    return STEPS[: index + 1]


def next_step(step: str) -> str | None:
    """Return the step after `step`, or None after the last."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def furthest(current: str, candidate: str) -> str:
    """Return whichever of two steps lies further along the path."""
    return max(current, candidate, key=lambda s: STEPS.index(s) if s in STEPS else -1)
