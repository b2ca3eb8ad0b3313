"""The period calendar: each control's occurrences by month, as due, evidenced or overdue.

An occurrence counts in the month of its due date. It is evidenced when at
least one piece of evidence (not deleted) was filed against its window, and
overdue when its due date has passed (before `today`) without evidence. An
occurrence that a change of period or frequency dropped, but that already has
evidence, is kept and marked `retained`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .occurrences import BUSINESS_DAYS, Occurrence, occurrences

WindowKey = tuple[str, str, date, date]  # control ref, kind, window start, window end


@dataclass(frozen=True)
class ControlSchedule:
    """A selected control as the calendar needs it."""

    ref: str
    title: str
    frequency: str


@dataclass(frozen=True, slots=True)
class Slot:
    """One occurrence of one control on the calendar."""

    ref: str
    occurrence: Occurrence
    evidenced: bool
    overdue: bool
    retained: bool = False

    @property
    def key(self) -> WindowKey:
        o = self.occurrence
        return (self.ref, o.kind, o.window_start, o.window_end)


@dataclass(slots=True)
class Tally:
    """How many occurrences are due, evidenced and overdue."""

    due: int = 0
    evidenced: int = 0
    overdue: int = 0

    def add(self, slot: Slot) -> None:
        self.due += 1
        self.evidenced += slot.evidenced
        self.overdue += slot.overdue


@dataclass
class ControlRow:
    """One control's occurrences, tallied per month and over the period."""

    control: ControlSchedule
    slots: list[Slot]
    months: dict[tuple[int, int], Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    retained: int = 0


@dataclass
class Calendar:
    """The months of the period, a row per control, and the whole assessment's tallies."""

    months: list[tuple[int, int]]
    rows: list[ControlRow]
    totals: dict[tuple[int, int], Tally]
    total: Tally


def months_between(start: date, end: date) -> list[tuple[int, int]]:
    """Return every (year, month) from start's to end's, both included."""
    result: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def key_of(ref: str, occurrence: Occurrence) -> WindowKey:
    """Return the key evidence is filed under for a control's occurrence."""
    return (ref, occurrence.kind, occurrence.window_start, occurrence.window_end)


def build_calendar(
    controls: Iterable[ControlSchedule],
    start: date,
    end: date,
    evidenced: set[WindowKey],
    today: date,
    *,
    daily_mode: str = BUSINESS_DAYS,
) -> Calendar:
    """Return the calendar of the controls' occurrences over start..end (rules above)."""
    months = months_between(start, end)
    totals = {m: Tally() for m in months}
    total = Tally()
    rows: list[ControlRow] = []
    by_ref: dict[str, set[WindowKey]] = {}
    for key in evidenced:
        by_ref.setdefault(key[0], set()).add(key)
    for control in controls:
        slots: list[Slot] = []
        seen: set[WindowKey] = set()
        try:
            planned = occurrences(control.frequency, start, end, daily_mode=daily_mode)
        except ValueError:
            planned = []
        mine = by_ref.get(control.ref, set())
        for occurrence in planned:
            key = key_of(control.ref, occurrence)
            seen.add(key)
            done = key in mine
            slots.append(Slot(control.ref, occurrence, done, not done and occurrence.due < today))
        for key in sorted(mine - seen, key=lambda k: (k[3], k[2], k[1])):
            kept = Occurrence(0, key[1], key[2], key[3])
            slots.append(Slot(control.ref, kept, True, False, retained=True))
        row = ControlRow(control, slots, retained=sum(s.retained for s in slots))
        for slot in slots:
            due = slot.occurrence.window_end
            month = (due.year, due.month)
            tally = row.months.get(month)
            if tally is None:
                tally = row.months[month] = Tally()
            tally.add(slot)
            row.total.add(slot)
            totals.setdefault(month, Tally()).add(slot)
            total.add(slot)
        rows.append(row)
    return Calendar(months, rows, totals, total)
