"""The evidence plan: which evidence each selected control must produce, and when.

Type 2 (a period): each control and evidence type is planned at one frequency
(`planning_frequency`: the control's, unless the artefact has its own cadence).
A periodic frequency owes one instance per whole sub-period (`due_dates`); a
continuous or per-event one owes one population, from which the auditor draws a
sample (`sample_size`). Each row repeats the evidence type's population source,
completeness and sample unit.
Type 1 (a date): one row per control and evidence type, as of that date.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..assessment.model import AssessmentData, Scope, with_custom_content
from ..assessment.selection import EdgeIndex, Selected, selected_controls
from ..library.model import Library
from ..statements.render import fill_placeholders, organisation_values

# Length of one sub-period: (months, days).
PERIODS: dict[str, tuple[int, int]] = {
    "annual": (12, 0),
    "semi-annual": (6, 0),
    "quarterly": (3, 0),
    "monthly": (1, 0),
    "weekly": (0, 7),
    "daily": (0, 1),
}
POPULATION_FREQUENCIES: tuple[str, ...] = ("continuous", "per-event")
# Periodic frequencies from the most to the least frequent.
PERIODIC_ORDER: tuple[str, ...] = (
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "semi-annual",
    "annual",
)
INSTANCE = "instance"
POPULATION = "population"
POINT_IN_TIME = "point-in-time"
# What the organisation records against each row of the plan, as it collects evidence.
EVIDENCE_STATUSES: tuple[str, ...] = (
    "to collect",
    "requested",
    "collected",
    "accepted",
    "exception",
)


def _sub_period_end(start: date, months: int, days: int, k: int) -> date:
    if days:
        return start + timedelta(days=k * days - 1)
    year, month0 = divmod(start.month - 1 + k * months, 12)
    year += start.year
    last_day = calendar.monthrange(year, month0 + 1)[1]
    if start.day > last_day:
        return date(year, month0 + 1, last_day)
    return date(year, month0 + 1, start.day) - timedelta(days=1)


def due_dates(frequency: str, start: date, end: date) -> list[date]:
    """Return the due date of each whole sub-period of `frequency` inside start..end.

    The rule: sub-periods are counted from `start`. The k-th sub-period ends the
    day before the date k × (12, 6, 3 or 1) months after `start` (annual,
    semi-annual, quarterly, monthly), or k × (7 or 1) days after it (weekly,
    daily); when that month has no such day (a period starting on the 31st),
    it ends on that month's last day. One instance is due on the last day of
    each sub-period ending on or before `end`; a partial sub-period at the end
    owes nothing. A quarterly control over 2026-01-01..2026-12-31 is due
    2026-03-31, 2026-06-30, 2026-09-30 and 2026-12-31.
    """
    if frequency not in PERIODS:
        raise ValueError(f"{frequency!r} is not a periodic frequency")
    months, days = PERIODS[frequency]
    result: list[date] = []
    k = 1
    while (due := _sub_period_end(start, months, days, k)) <= end:
        result.append(due)
        k += 1
    return result


def planning_frequency(control_default: str, control: str, evidence: str) -> str:
    """Return the frequency at which one evidence type of a control is planned.

    `control_default` is the control's library frequency, `control` its
    (possibly tailored) frequency, `evidence` the evidence type's frequency.
    The rule: when the evidence type has no frequency or shares the control's
    library frequency, the artefact comes from the control's own operation and
    follows `control`, tailoring included. Otherwise the artefact keeps its own
    cadence: a continuous or per-event control evidenced by a periodic artefact
    (a quarterly export of an always-on setting) is planned at the artefact's
    frequency; a periodic control evidenced by per-event items (the hires a
    quarterly check inspects) is planned at the control's frequency; two
    periodic frequencies give the less frequent of the two (a monthly control
    reported to the board in quarterly minutes owes four sets of minutes); two
    population frequencies give the evidence's (per-event tickets of a
    continuous control are estimated per event, not per day).
    """
    if not evidence or evidence in (control_default, control):
        return control
    evidence_periodic = evidence in PERIODIC_ORDER
    if control in PERIODIC_ORDER and evidence_periodic:
        return max(control, evidence, key=PERIODIC_ORDER.index)
    if control in POPULATION_FREQUENCIES and (
        evidence_periodic or evidence in POPULATION_FREQUENCIES
    ):
        return evidence
    return control


def sample_size(population: int) -> int:
    """Return the sample an auditor draws from `population` instances.

    Up to 5: all of them; 6–50: 5; 51–250: 10 % rounded up; over 250: 25.
    """
    if population < 0:
        raise ValueError(f"population must not be negative, got {population}")
    if population <= 5:
        return population
    if population <= 50:
        return 5
    if population <= 250:
        return math.ceil(population / 10)
    return 25


def estimated_population(frequency: str, start: date, end: date) -> int:
    """Estimate how many occurrences a continuous or per-event control has in start..end.

    Continuous: one per day of the period (the control operates every day).
    Per-event: one event per whole week of the period, at least one. Both are
    estimates for the plan; the organisation replaces them with real counts.
    """
    days = (end - start).days + 1
    if frequency == "continuous":
        return max(days, 0)
    return max(days // 7, 1)


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One line of the plan: an instance due, a population to sample, or a point in time."""

    control: str
    control_title: str
    evidence: str
    evidence_title: str
    frequency: str
    owner: str
    kind: str
    instance: int | None
    due: date | None
    population: int | None
    sample: int | None
    collection: str
    population_source: str = ""
    completeness: str = ""
    sample_unit: str = ""
    note: str = ""

    @property
    def instance_label(self) -> str:
        """Say which instance this is ("2 of 4"), or the kind of row."""
        if self.kind == INSTANCE and self.instance is not None:
            return f"{self.instance} of {self.population}"
        return self.kind


def evidence_plan(library: Library, assessment: AssessmentData) -> list[EvidenceRow]:
    """Return the evidence plan of the assessment's selected, applicable controls.

    `library` is the library as read; the assessment's custom content is added
    here. Type 2 with a full period gives instances and populations; Type 1,
    or a Type 2 whose period is not set yet, gives one row per control and
    evidence type as of the report date (which may be unset).
    """
    merged = with_custom_content(library, assessment.custom)
    selected = selected_controls(merged, assessment, applicable_only=True)
    values = organisation_values(assessment)
    return list(plan_rows(merged, EdgeIndex.of(merged), selected, assessment.scope, values))


def plan_rows(
    library: Library,
    index: EdgeIndex,
    selected: Iterable[Selected],
    scope: Scope,
    values: Mapping[str, str] | None = None,
) -> Iterator[EvidenceRow]:
    """Yield the plan's rows for `selected` controls of a library holding custom content.

    With `values` (the organisation's placeholder values), placeholders in the
    population source and completeness are filled; unfilled ones read `[name]`.
    """
    start, end = scope.period_start, scope.period_end
    filled: dict[str, tuple[str, str]] = {}
    for item in selected:
        for evidence in index.evidence.get(item.ref) or [""]:
            if scope.report_type == "type2" and start and end:
                rows: Iterable[EvidenceRow] = _period_rows(library, item, evidence, start, end)
            else:
                rows = [_row(library, item, evidence, POINT_IN_TIME, None, scope.as_of, None, 1)]
            if values is None or evidence not in library.evidence:
                yield from rows
                continue
            if evidence not in filled:
                etype = library.evidence[evidence]
                filled[evidence] = (
                    _fill(etype.population, values),
                    _fill(etype.completeness, values),
                )
            source, completeness = filled[evidence]
            for row in rows:
                yield replace(row, population_source=source, completeness=completeness)


def _fill(text: str, values: Mapping[str, str]) -> str:
    return "".join(segment.text for segment in fill_placeholders(text, values))


def _row(
    library: Library,
    item: Selected,
    evidence: str,
    kind: str,
    instance: int | None,
    due: date | None,
    population: int | None,
    sample: int | None,
    note: str = "",
    frequency: str = "",
) -> EvidenceRow:
    etype = library.evidence.get(evidence)
    if not evidence:
        note = "No evidence type is mapped to this control; add one."
    return EvidenceRow(
        control=item.ref,
        control_title=item.control.title,
        evidence=evidence,
        evidence_title=etype.title if etype else evidence,
        frequency=frequency or item.frequency,
        owner=item.owner,
        kind=kind,
        instance=instance,
        due=due,
        population=population,
        sample=sample,
        collection=etype.collection if etype else "",
        population_source=etype.population if etype else "",
        completeness=etype.completeness if etype else "",
        sample_unit=etype.sample_unit if etype else "",
        note=note,
    )


def _period_rows(
    library: Library, item: Selected, evidence: str, start: date, end: date
) -> Iterator[EvidenceRow]:
    etype = library.evidence.get(evidence)
    frequency = planning_frequency(
        item.control.frequency, item.frequency, etype.frequency if etype else ""
    )
    own_cadence = (
        f"Planned at the evidence's own cadence ({frequency}); the control runs {item.frequency}. "
        if frequency != item.frequency
        else ""
    )
    if frequency not in PERIODS and frequency not in POPULATION_FREQUENCIES:
        note = f"Unknown frequency {frequency!r}: set one to plan this evidence."
        yield _row(library, item, evidence, POINT_IN_TIME, None, end, None, None, note)
        return
    if frequency in POPULATION_FREQUENCIES:
        population = estimated_population(frequency, start, end)
        unit = "day" if frequency == "continuous" else "week"
        note = f"Estimated population: one per {unit} of the period; replace with the real count."
        sample = sample_size(population)
        yield _row(
            library,
            item,
            evidence,
            POPULATION,
            None,
            end,
            population,
            sample,
            own_cadence + note,
            frequency,
        )
        return
    dates = due_dates(frequency, start, end)
    if not dates:
        note = "The frequency is longer than the period: one instance, due by the period end."
        yield _row(library, item, evidence, INSTANCE, 1, end, 1, 1, own_cadence + note, frequency)
        return
    sample = sample_size(len(dates))
    note = own_cadence.strip()
    for number, due in enumerate(dates, start=1):
        yield _row(
            library, item, evidence, INSTANCE, number, due, len(dates), sample, note, frequency
        )
