"""Occurrences: the times a control is expected to operate within a Type 2 period.

Rules, per frequency (the period runs `start`..`end`, both included):

- annual, semi-annual, quarterly, monthly, weekly: one occurrence per
  sub-period counted from `start` (12, 6, 3 or 1 months, or 7 days); its
  window runs from the sub-period's first to its last day and it is due on the
  last day. A trailing partial sub-period still owes one occurrence, its
  window cut at `end` (so an annual control over six months owes one).
- daily: one occurrence per day, window that day; on business days only
  (Monday to Friday) or every day, a setting of the assessment.
- continuous (automated): one configuration snapshot per SNAPSHOT_CADENCE
  sub-period (quarterly), window and due date as above.
- per-event: one population occurrence whose window is the whole period; the
  items to test come from the population and its sample.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Sub-period length per frequency: (months, days).
STEPS: dict[str, tuple[int, int]] = {
    "annual": (12, 0),
    "semi-annual": (6, 0),
    "quarterly": (3, 0),
    "monthly": (1, 0),
    "weekly": (0, 7),
}
DAILY = "daily"
CONTINUOUS = "continuous"
PER_EVENT = "per-event"
SNAPSHOT_CADENCE = "quarterly"
BUSINESS_DAYS = "business-days"
EVERY_DAY = "every-day"
DAILY_MODES: tuple[str, ...] = (BUSINESS_DAYS, EVERY_DAY)

INSTANCE = "instance"
SNAPSHOT = "snapshot"
POPULATION = "population"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One expected operation of a control: its number, kind and due window."""

    number: int
    kind: str
    window_start: date
    window_end: date

    @property
    def due(self) -> date:
        """Return the date the occurrence is due: the window's last day."""
        return self.window_end

    def contains(self, day: date) -> bool:
        """Say whether `day` falls inside the due window."""
        return self.window_start <= day <= self.window_end


def _add_months(start: date, months: int) -> date:
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def _boundary(start: date, months: int, days: int, k: int) -> date:
    """Return the first day of the k-th sub-period (k = 0 is `start`)."""
    if days:
        return start + timedelta(days=k * days)
    return _add_months(start, k * months)


def _stepped(start: date, end: date, months: int, days: int, kind: str) -> list[Occurrence]:
    result: list[Occurrence] = []
    k = 0
    while (first := _boundary(start, months, days, k)) <= end:
        last = min(_boundary(start, months, days, k + 1) - timedelta(days=1), end)
        result.append(Occurrence(k + 1, kind, first, last))
        k += 1
    return result


def _daily(start: date, end: date, mode: str) -> list[Occurrence]:
    result: list[Occurrence] = []
    day = start
    while day <= end:
        if mode == EVERY_DAY or day.weekday() < 5:
            result.append(Occurrence(len(result) + 1, INSTANCE, day, day))
        day += timedelta(days=1)
    return result


def occurrences(
    frequency: str, start: date, end: date, *, daily_mode: str = BUSINESS_DAYS
) -> list[Occurrence]:
    """Return the occurrences a control of `frequency` owes over start..end (rules above)."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    if daily_mode not in DAILY_MODES:
        raise ValueError(f"daily mode must be one of {', '.join(DAILY_MODES)}")
    if frequency in STEPS:
        return _stepped(start, end, *STEPS[frequency], INSTANCE)
    if frequency == DAILY:
        return _daily(start, end, daily_mode)
    if frequency == CONTINUOUS:
        return _stepped(start, end, *STEPS[SNAPSHOT_CADENCE], SNAPSHOT)
    if frequency == PER_EVENT:
        return [Occurrence(1, POPULATION, start, end)]
    raise ValueError(f"{frequency!r} is not a known frequency")
