"""Readiness over the period: per control, per criterion, one figure, a timeline, the findings.

- Per control: occurrences due (to date and over the period), evidenced,
  items to test and tested, deviations, and the conclusion (the rule's, or the
  one recorded over it with its reason).
- Per criterion: **operating** when every selected primary control of it is
  effective (with or without exceptions) and at least one is; **not
  operating** when one is ineffective; **did not occur** when all did not
  occur; else **not yet shown**; **no primary control** when none is selected.
- The readiness figure: the share of controls concluded effective (with or
  without exceptions) among those expected to operate (those that did not
  occur are left out), as a whole percentage.
- The timeline: per month of the period, the occurrences due so far against
  those with evidence collected so far (by the month the first evidence of an
  occurrence was uploaded), both cumulative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..period.occurrences import Occurrence
from .conclusion import DID_NOT_OCCUR, INEFFECTIVE, OPERATING, Conclusion, Deviation, Missing
from .results import SideResult

CRITERION_OPERATING = "operating"
CRITERION_NOT_OPERATING = "not operating"
CRITERION_NOT_YET = "not yet shown"
CRITERION_NO_PRIMARY = "no primary control"
CRITERION_DID_NOT_OCCUR = DID_NOT_OCCUR


@dataclass(frozen=True)
class Recorded:
    """A conclusion a person recorded over the rule's, and what the rule said at the time."""

    conclusion: str
    reason: str = ""
    rule_then: str = ""  # "": not known
    recorded_on: date | None = None


@dataclass(frozen=True)
class ControlReadiness:
    """One control over the period, as the readiness page and the workbook show it."""

    ref: str
    title: str
    frequency: str
    due: int
    due_total: int
    evidenced: int
    to_test: int
    tested: int
    deviations: int
    open_deviations: int
    rule: Conclusion
    final: str
    override_reason: str = ""
    auditor: Conclusion | None = None
    auditor_tested: int = 0
    recorded: Recorded | None = None

    @property
    def overridden(self) -> bool:
        return self.final != self.rule.conclusion

    @property
    def rule_changed(self) -> str:
        """Say what the rule now says when it changed since a conclusion was recorded ("": not)."""
        recorded = self.recorded
        if recorded is None or not recorded.rule_then or recorded.rule_then == self.rule.conclusion:
            return ""
        on = f" on {recorded.recorded_on}" if recorded.recorded_on else ""
        return (
            f"The rule now says “{self.rule.conclusion}”; the conclusion was recorded{on}, "
            f"when it said “{recorded.rule_then}”."
        )


@dataclass(frozen=True)
class CriterionReadiness:
    """One criterion: its selected primary controls with their conclusions, and its status."""

    framework: str
    ref: str
    title: str
    primaries: tuple[tuple[str, str], ...]
    status: str


@dataclass(frozen=True)
class Untested:
    """A sampled item with no internal result yet."""

    control: str
    item: str
    item_date: str


@dataclass
class Findings:
    """What an auditor would find today."""

    missing: list[Missing] = field(default_factory=list)
    untested: list[Untested] = field(default_factory=list)
    open_deviations: list[Deviation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.untested) + len(self.open_deviations)

    def missing_by_control(self) -> list[tuple[str, list[Missing]]]:
        """Return the missing occurrences grouped by control, in the order found."""
        groups: dict[str, list[Missing]] = {}
        for m in self.missing:
            groups.setdefault(m.control, []).append(m)
        return list(groups.items())


@dataclass(frozen=True)
class Timeline:
    """Cumulative occurrences due and evidenced, per month label ("2026-01")."""

    months: tuple[str, ...]
    due: tuple[int, ...]
    collected: tuple[int, ...]


@dataclass(frozen=True)
class Figure:
    """The readiness figure: controls operating effectively of those expected to operate."""

    operating: int
    counted: int

    @property
    def percent(self) -> int:
        return round(100 * self.operating / self.counted) if self.counted else 0


WindowKey = tuple[str, date, date]  # occurrence kind, window start, window end


@dataclass(frozen=True)
class Schedule:
    """A control's occurrences over the period against the evidence on file."""

    due_now: int
    due_total: int
    evidenced: int
    overdue: tuple[Occurrence, ...]
    due_days: tuple[date, ...]
    collected_days: tuple[date, ...]


def schedule(
    planned: Sequence[Occurrence], evidenced: Mapping[WindowKey, date], today: date
) -> Schedule:
    """Tally a control's occurrences: due by today, in the period, evidenced, and overdue.

    `evidenced` maps each occurrence window with evidence to the day its first
    evidence was collected; an occurrence is overdue when due before `today`
    without evidence.
    """
    due_now = 0
    overdue: list[Occurrence] = []
    collected: list[date] = []
    for o in planned:
        got = evidenced.get((o.kind, o.window_start, o.window_end))
        if got is not None:
            collected.append(got)
        if o.window_end < today:
            due_now += 1
            if got is None:
                overdue.append(o)
    return Schedule(
        due_now,
        len(planned),
        len(collected),
        tuple(overdue),
        tuple(o.window_end for o in planned),
        tuple(collected),
    )


def criterion_status(conclusions: Sequence[str]) -> str:
    """Return a criterion's status from its selected primary controls' conclusions."""
    if not conclusions:
        return CRITERION_NO_PRIMARY
    if any(c == INEFFECTIVE for c in conclusions):
        return CRITERION_NOT_OPERATING
    if all(c == DID_NOT_OCCUR for c in conclusions):
        return CRITERION_DID_NOT_OCCUR
    counted = [c for c in conclusions if c != DID_NOT_OCCUR]
    if all(c in OPERATING for c in counted):
        return CRITERION_OPERATING
    return CRITERION_NOT_YET


def criteria_readiness(
    criteria: Iterable[tuple[str, str, str]],
    primaries: Mapping[tuple[str, str], Sequence[str]],
    finals: dict[str, str],
) -> list[CriterionReadiness]:
    """Return each criterion (framework, ref, title) with its primary controls' conclusions."""
    result: list[CriterionReadiness] = []
    for framework, ref, title in criteria:
        mine = tuple(
            (c, finals[c]) for c in sorted(primaries.get((framework, ref), ())) if c in finals
        )
        result.append(
            CriterionReadiness(framework, ref, title, mine, criterion_status([c for _r, c in mine]))
        )
    return result


def readiness_figure(controls: Iterable[ControlReadiness]) -> Figure:
    """Return the readiness figure over the controls (rule in the module docstring)."""
    counted = [c for c in controls if c.final != DID_NOT_OCCUR]
    return Figure(sum(c.final in OPERATING for c in counted), len(counted))


def statuses(items: Iterable[str]) -> dict[str, int]:
    """Return how many of each status there are."""
    return dict(Counter(items))


def timeline(
    months: Sequence[tuple[int, int]], due: Iterable[date], collected: Iterable[date]
) -> Timeline:
    """Return the cumulative due and collected counts at the end of each month."""
    index = {m: i for i, m in enumerate(months)}
    due_per = [0] * len(months)
    got_per = [0] * len(months)
    last = len(months) - 1
    for per, days in ((due_per, due), (got_per, collected)):
        for day in days:
            i = index.get((day.year, day.month))
            if i is None:
                i = 0 if months and (day.year, day.month) < months[0] else last
            if i >= 0:
                per[i] += 1
    due_cum: list[int] = []
    got_cum: list[int] = []
    running_due = running_got = 0
    for d, g in zip(due_per, got_per, strict=True):
        running_due += d
        running_got += g
        due_cum.append(running_due)
        got_cum.append(running_got)
    return Timeline(tuple(f"{y:04d}-{m:02d}" for y, m in months), tuple(due_cum), tuple(got_cum))


@dataclass
class Readiness:
    """Everything the readiness page, the workbook and the command line show."""

    start: date
    end: date
    today: date
    controls: list[ControlReadiness]
    criteria: list[CriterionReadiness]
    figure: Figure
    timeline: Timeline
    findings: Findings
    register: list[Deviation]
    evidenced: int
    due: int


@dataclass(frozen=True)
class TestingRow:
    """One tested item of a control with the internal and the auditor's result, apart."""

    control: str
    item: str
    item_date: str
    in_sample: bool
    internal: SideResult | None
    auditor: SideResult | None


@dataclass
class TestingExport:
    """What the workbook's Testing, Deviation register and Readiness summary sheets show."""

    readiness: Readiness
    rows: list[TestingRow]
