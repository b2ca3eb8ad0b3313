"""The conclusion per control: the published deviation rule, as a pure function with its reason.

The rule, in order (the first that applies decides):

1. **Did not occur.** The control's population was recorded empty and nothing
   deviated: the control had nothing to act on. Neither effective nor failed.
2. **Missing occurrence of a low-frequency control.** An occurrence of a
   quarterly, semi-annual or annual control that did not operate (past due with
   no evidence, or a deviation recorded as "did not operate") makes the control
   ineffective. Only a recorded reason (an override, below) says otherwise.
   A missing occurrence of a more frequent control counts as a deviation
   without an identified cause.
3. **Systematic deviations → ineffective.** Any of: a design-level cause; a
   recurring cause (marked so, or the same cause given for deviations more than
   EPISODE_DAYS apart); concentration (at least two deviations and more than
   half of them on the same person or system); a rate above RATE_LIMIT (5%) of
   at least RATE_MIN_TESTED (20) tested items; persistence (deviations in two or
   more quarters of the period and spread over more than EPISODE_DAYS).
4. **Deviations not shown to be isolated → ineffective.** Isolated means every
   deviation has an identified cause and all fall within one bounded episode
   (at most EPISODE_DAYS from first to last).
5. **Testing not finished.** Items still untested: "not tested" when none is
   tested yet, else "testing incomplete" (no conclusion is reached early).
6. **Isolated deviations → effective with exceptions; none → effective.**

Concluding softer than the rule (`is_softer`) needs a recorded reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .results import INTERNAL, MISSED

EFFECTIVE = "effective"
EXCEPTIONS = "effective with exceptions"
INEFFECTIVE = "ineffective"
DID_NOT_OCCUR = "did not occur"
INCOMPLETE = "testing incomplete"
NOT_TESTED = "not tested"
CONCLUSIONS: tuple[str, ...] = (
    EFFECTIVE,
    EXCEPTIONS,
    INEFFECTIVE,
    DID_NOT_OCCUR,
    INCOMPLETE,
    NOT_TESTED,
)
# the conclusions a person may record over the rule's
CHOOSABLE: tuple[str, ...] = (EFFECTIVE, EXCEPTIONS, INEFFECTIVE, DID_NOT_OCCUR)
# how hard a conclusion is on the control: a lower one is softer
SEVERITY = {
    EFFECTIVE: 0,
    EXCEPTIONS: 1,
    DID_NOT_OCCUR: 1,
    INCOMPLETE: 2,
    NOT_TESTED: 2,
    INEFFECTIVE: 3,
}
OPERATING = frozenset({EFFECTIVE, EXCEPTIONS})

RATE_LIMIT = 0.05
RATE_MIN_TESTED = 20
EPISODE_DAYS = 31
LOW_FREQUENCIES = frozenset({"quarterly", "semi-annual", "annual"})
CHECK = "check"  # a deviation confirmed from a computed check (census)


@dataclass(frozen=True)
class Deviation:
    """One miss: what happened, when, why, and management's response beside it."""

    control: str
    item: str
    occurred_on: date | None
    found_on: date | None
    what: str
    nature: str = "other"
    cause: str = ""
    recurring: bool = False
    design: bool = False
    involves: str = ""
    response: str = ""
    responded_on: date | None = None
    side: str = INTERNAL  # internal | auditor | check
    recorded_by: str = ""
    recorded_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Say whether management has not responded yet."""
        return not self.response.strip()


@dataclass(frozen=True)
class Missing:
    """An occurrence past due with neither evidence nor a result."""

    control: str
    number: int
    window_start: date
    window_end: date


@dataclass(frozen=True)
class ControlFacts:
    """What the rule reads about one control on one side."""

    ref: str
    frequency: str
    period_start: date
    period_end: date
    to_test: int = 0
    tested: int = 0
    population_empty: bool = False
    deviations: tuple[Deviation, ...] = ()
    missing: tuple[Missing, ...] = ()


@dataclass(frozen=True)
class Conclusion:
    """The rule's conclusion and the reason it reached, with the triggers found."""

    conclusion: str
    reason: str
    triggers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def operating(self) -> bool:
        return self.conclusion in OPERATING


def _quarter(start: date, day: date) -> int:
    return ((day.year - start.year) * 12 + day.month - start.month) // 3


def _span(days: Sequence[date]) -> int:
    return (max(days) - min(days)).days if days else 0


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def systematic_triggers(facts: ControlFacts, deviations: Sequence[Deviation]) -> list[str]:
    """Return what makes the deviations systematic (empty: nothing does)."""
    found: list[str] = []
    design = [d.item for d in deviations if d.design]
    if design:
        found.append(f"a design-level cause ({', '.join(design)})")
    recurring = [d.item for d in deviations if d.recurring]
    by_cause: dict[str, list[date]] = {}
    for d in deviations:
        if d.cause.strip() and d.occurred_on:
            by_cause.setdefault(_norm(d.cause), []).append(d.occurred_on)
    repeated = [c for c, days in by_cause.items() if _span(days) > EPISODE_DAYS]
    if recurring or repeated:
        what = f"marked recurring on {', '.join(recurring)}" if recurring else ""
        what += ("; " if what and repeated else "") + (
            f"the cause “{repeated[0]}” came back more than {EPISODE_DAYS} days apart"
            if repeated
            else ""
        )
        found.append(f"a recurring cause ({what})")
    named = Counter(_norm(d.involves) for d in deviations if d.involves.strip())
    if len(deviations) >= 2 and named:
        who, count = named.most_common(1)[0]
        if count * 2 > len(deviations):
            found.append(
                f"concentration on one person or system ({who}: {count} of {len(deviations)})"
            )
    tested = max(facts.tested, len(deviations))
    if tested >= RATE_MIN_TESTED and len(deviations) > RATE_LIMIT * tested:
        found.append(
            f"a deviation rate of {len(deviations) / tested:.0%} ({len(deviations)} of "
            f"{tested} tested) above {RATE_LIMIT:.0%}"
        )
    days = [d.occurred_on for d in deviations if d.occurred_on]
    quarters = {_quarter(facts.period_start, d) for d in days}
    if len(quarters) >= 2 and _span(days) > EPISODE_DAYS:
        found.append(
            f"persistence across the period (deviations in {len(quarters)} quarters, "
            f"{min(days)} to {max(days)})"
        )
    return found


def isolation_gaps(deviations: Sequence[Deviation]) -> list[str]:
    """Return why the deviations are not shown to be isolated (empty: they are)."""
    gaps: list[str] = []
    uncaused = [d.item for d in deviations if not d.cause.strip()]
    if uncaused:
        gaps.append(f"no identified cause for {', '.join(uncaused[:5])}")
    days = [d.occurred_on for d in deviations if d.occurred_on]
    if _span(days) > EPISODE_DAYS:
        gaps.append(f"they are not one bounded episode ({min(days)} to {max(days)})")
    return gaps


def conclude(facts: ControlFacts) -> Conclusion:
    """Return the control's conclusion by the rule above, with the reason it reached."""
    deviations = list(facts.deviations)
    if facts.population_empty and not deviations:
        return Conclusion(
            DID_NOT_OCCUR,
            "The population was recorded empty: the control had nothing to act on in the period.",
        )
    low = facts.frequency in LOW_FREQUENCIES
    if low:
        missed = [
            f"occurrence #{m.number} ({m.window_start} to {m.window_end})" for m in facts.missing
        ]
        missed += [f"{d.item} (recorded as not operated)" for d in deviations if d.nature == MISSED]
        if missed:
            return Conclusion(
                INEFFECTIVE,
                f"A {facts.frequency} control missed {', '.join(missed)}; record a reason to "
                "conclude otherwise.",
                ("missing occurrence",),
            )
    else:
        deviations += [
            Deviation(
                m.control,
                f"#{m.number}",
                m.window_end,
                None,
                "no evidence on file by its due date",
                nature=MISSED,
            )
            for m in facts.missing
        ]
    triggers = systematic_triggers(facts, deviations)
    if triggers:
        return Conclusion(
            INEFFECTIVE,
            f"Systematic deviations: {'; '.join(triggers)}.",
            tuple(t.split(" (")[0] for t in triggers),
        )
    gaps = isolation_gaps(deviations)
    if gaps:
        return Conclusion(
            INEFFECTIVE,
            f"{len(deviations)} deviation(s) not shown to be isolated: {'; '.join(gaps)}.",
            ("not isolated",),
        )
    untested = max(facts.to_test - facts.tested, 0)
    if facts.tested == 0 and not deviations:
        return Conclusion(
            NOT_TESTED,
            "No item is tested yet." if facts.to_test else "No sample is drawn or tested yet.",
        )
    if untested:
        so_far = f"{len(deviations)} isolated deviation(s)" if deviations else "no deviation"
        return Conclusion(
            INCOMPLETE, f"{untested} of {facts.to_test} items are untested; so far {so_far}."
        )
    if deviations:
        return Conclusion(
            EXCEPTIONS,
            f"{len(deviations)} isolated deviation(s) with an identified cause in one bounded "
            f"episode, out of {max(facts.tested, len(deviations))} tested: exceptions, the control "
            "is still effective.",
            ("isolated",),
        )
    return Conclusion(EFFECTIVE, f"{facts.tested} item(s) tested, no deviation.")


def is_softer(chosen: str, rule: str) -> bool:
    """Say whether concluding `chosen` is softer on the control than the rule's `rule`."""
    return SEVERITY.get(chosen, 3) < SEVERITY.get(rule, 3)


def check_override(chosen: str, reason: str, rule: str) -> dict[str, str]:
    """Return field → problem for a conclusion recorded over the rule's (empty: fine)."""
    if chosen not in CHOOSABLE:
        return {"conclusion": f"Choose one of: {', '.join(CHOOSABLE)}."}
    if is_softer(chosen, rule) and not reason.strip():
        return {
            "reason": f"The rule concludes “{rule}”: concluding “{chosen}” needs a recorded reason."
        }
    return {}
