"""A vendor's assurance report and whether it covers an assessment's period or date.

A report covers a window of days (both ends included):
- a SOC 2 Type 2 report, an ISO 27001 certificate and an "other" report with
  both dates: from its period start to its period end (a certificate: issued
  to expiry);
- a SOC 2 Type 1 report, or an "other" report with only a date: that one day;
- no report ("none", or dates missing): nothing.

An assessment needs the days of its Type 2 period, or the one day of its
Type 1 date. The days it needs that the window leaves out are the uncovered
days; when there are any, a bridge letter from the vendor is needed for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SOC2_TYPE2 = "soc2-type2"
SOC2_TYPE1 = "soc2-type1"
ISO27001 = "iso27001"
OTHER = "other"
NO_REPORT = "none"
REPORT_KINDS: tuple[str, ...] = (SOC2_TYPE2, SOC2_TYPE1, ISO27001, OTHER, NO_REPORT)
REPORT_LABELS: dict[str, str] = {
    SOC2_TYPE2: "SOC 2 Type 2",
    SOC2_TYPE1: "SOC 2 Type 1",
    ISO27001: "ISO 27001 certificate",
    OTHER: "Other",
    NO_REPORT: "None",
}
PERIOD_KINDS = frozenset({SOC2_TYPE2, ISO27001})


@dataclass(frozen=True)
class AssuranceReport:
    """The latest assurance report a vendor gave us."""

    kind: str = NO_REPORT
    period_start: date | None = None
    period_end: date | None = None
    report_date: date | None = None
    exceptions: str = ""

    @property
    def window(self) -> tuple[date, date] | None:
        """Return the first and last day the report vouches for, or None."""
        if self.kind == NO_REPORT:
            return None
        if self.kind == SOC2_TYPE1:
            return (self.report_date, self.report_date) if self.report_date else None
        if self.period_start and self.period_end and self.period_start <= self.period_end:
            return (self.period_start, self.period_end)
        if self.kind == OTHER and self.report_date:
            return (self.report_date, self.report_date)
        return None


@dataclass(frozen=True)
class Bridge:
    """How far a report falls short of what an assessment needs."""

    needed: tuple[date, date] | None  # the days the assessment needs (None: its dates unset)
    uncovered_days: int
    gaps: tuple[tuple[date, date], ...] = ()

    @property
    def letter_needed(self) -> bool:
        return self.uncovered_days > 0

    def describe(self) -> str:
        """Say in words which days a bridge letter must cover."""
        if not self.letter_needed:
            return "The report covers the assessment's dates."
        spans = ", ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in self.gaps)
        days = "day" if self.uncovered_days == 1 else "days"
        return f"Bridge letter needed: {self.uncovered_days} {days} uncovered ({spans})."


def needed_days(
    report_type: str,
    as_of: date | None,
    period_start: date | None,
    period_end: date | None,
) -> tuple[date, date] | None:
    """Return the days an assessment needs covered: its Type 2 period, or its Type 1 date."""
    if report_type == "type2":
        if period_start and period_end and period_start <= period_end:
            return (period_start, period_end)
        return None
    return (as_of, as_of) if as_of else None


def _days(first: date, last: date) -> int:
    return (last - first).days + 1


def bridge(report: AssuranceReport | None, needed: tuple[date, date] | None) -> Bridge:
    """Return the days of `needed` that the report's window leaves uncovered.

    With no dates to cover there is nothing to bridge; with no usable report
    every needed day is uncovered.
    """
    if needed is None:
        return Bridge(None, 0)
    first, last = needed
    window = report.window if report is not None else None
    if window is None:
        return Bridge(needed, _days(first, last), (needed,))
    start, end = window
    gaps: list[tuple[date, date]] = []
    if first < start:
        gaps.append((first, min(last, start - timedelta(days=1))))
    if last > end:
        gaps.append((max(first, end + timedelta(days=1)), last))
    return Bridge(needed, sum(_days(a, b) for a, b in gaps), tuple(gaps))
