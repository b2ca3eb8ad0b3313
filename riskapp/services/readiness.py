"""Conclusions, the deviation register and readiness of an assessment's period.

Everything is read once per call (`_read`) and handed to the domain's rule
(`domain/testing/conclusion.py`) and readiness (`domain/testing/readiness.py`).
Deviations confirmed elsewhere (the census checks) come in through `extra`: a
function of the assessment id returning dicts (control ref, item id, item
date, check name, what failed, confirmed by/at, reason, and the deviation's
nature, cause, involves, recurring, design); `EXTRA_SOURCE`
(the Checks page's confirmed findings) when the caller gives none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.assessment.model import in_scope_criteria, with_custom_content
from ..domain.assessment.selection import Selected, selected_controls
from ..domain.period.calendar import months_between
from ..domain.period.occurrences import PER_EVENT, POPULATION, Occurrence, occurrences
from ..domain.testing.conclusion import (
    CHECK,
    Conclusion,
    ControlFacts,
    Deviation,
    Missing,
    conclude,
)
from ..domain.testing.readiness import (
    ControlReadiness,
    Findings,
    Readiness,
    Recorded,
    Schedule,
    Untested,
    WindowKey,
    criteria_readiness,
    readiness_figure,
    schedule,
    timeline,
)
from ..domain.testing.results import (
    AUDITOR,
    DEVIATION,
    INTERNAL,
    NOT_TESTED,
    OTHER,
    nature_problem,
)
from ..extensions import db
from ..models import Assessment, ItemResult, Population, Sample
from ..repository import period as period_repo
from ..repository import results as repo
from ..repository.assessments import to_assessment_data
from ..repository.library import cached_library
from . import period as period_service
from .checks import confirmed_findings

ExtraDeviations = Callable[[int], list[dict[str, Any]]]
# Where confirmed census findings come from when a caller names no source: the deviations a
# person confirmed on the Checks page count like any other in the register and the rule.
EXTRA_SOURCE: ExtraDeviations | None = confirmed_findings


@dataclass
class _Read:
    """What the conclusions and readiness read, once."""

    assessment: Assessment
    start: date
    end: date
    today: date
    selected: list[Selected]
    schedules: dict[str, Schedule]
    samples: dict[str, Sample]
    populations: dict[str, Population]
    results: dict[tuple[str, str], dict[str, ItemResult]]
    overrides: dict[str, Recorded]
    extra: dict[str, list[Deviation]]
    criteria: list[tuple[str, str, str]] = field(default_factory=list)
    primaries: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def extra_deviation(found: dict[str, Any]) -> Deviation:
    """Return a confirmed check finding as a deviation of the register (side "check").

    The reason for confirming is shown beside what failed; it is not a cause:
    only the recorded cause is, so a finding without one is not shown isolated.
    """
    check = str(found.get("check") or found.get("check_name") or "computed check")
    what = f"{check}: {found.get('what_failed') or found.get('what') or ''}".strip(": ")
    reason = str(found.get("reason") or "").strip()
    confirmed = found.get("confirmed_at")
    nature = str(found.get("nature") or OTHER)
    return Deviation(
        control=str(found.get("control") or found.get("control_ref") or ""),
        item=str(found.get("item_id") or found.get("item") or ""),
        occurred_on=_day(found.get("item_date")),
        found_on=_day(confirmed),
        what=f"{what} (confirmed: {reason})" if reason else what,
        nature=OTHER if nature_problem(nature) else nature,
        cause=str(found.get("cause") or ""),
        recurring=bool(found.get("recurring")),
        design=bool(found.get("design")),
        involves=str(found.get("involves") or ""),
        side=CHECK,
        recorded_by=str(found.get("confirmed_by") or ""),
        recorded_at=confirmed if isinstance(confirmed, datetime) else None,
    )


def _deviation(ref: str, row: ItemResult) -> Deviation:
    return Deviation(
        control=ref,
        item=row.item_id,
        occurred_on=row.item_date,
        found_on=row.found_on,
        what=row.what,
        nature=row.nature,
        cause=row.cause,
        recurring=row.recurring,
        design=row.design,
        involves=row.involves,
        response=row.response,
        responded_on=row.responded_on,
        side=row.side,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _schedules(
    assessment: Assessment,
    chosen: list[Selected],
    refs: dict[int, str],
    samples: dict[str, Sample],
    populations: dict[str, Population],
    start: date,
    end: date,
    today: date,
) -> dict[str, Schedule]:
    """Tally every control's occurrences against the evidence on file (one grouped query)."""
    windows: dict[str, dict[WindowKey, date]] = {}
    items: dict[str, dict[str, date]] = {}
    for control_id, kind, w_start, w_end, item, first in repo.evidence_windows(
        db.session, assessment.id
    ):
        ref = refs.get(control_id)
        if ref is None:
            continue
        if item:
            items.setdefault(ref, {})[item] = first
        elif w_start and w_end:
            windows.setdefault(ref, {})[(kind, w_start, w_end)] = first
    for ref, population in populations.items():
        sample = samples.get(ref)
        got = items.get(ref, {})
        picked = [i["id"] for i in sample.items] if sample else None
        if population.item_count == 0:
            when: date | None = population.updated_at.date()
        elif picked is not None and all(i in got for i in picked):
            when = max((got[i] for i in picked), default=population.updated_at.date())
        else:
            when = None
        if when is not None:
            windows.setdefault(ref, {})[(POPULATION, start, end)] = when
    mode = period_service.daily_mode(assessment)
    planned: dict[str, list[Occurrence]] = {}
    out: dict[str, Schedule] = {}
    for s in chosen:
        if s.frequency not in planned:
            try:
                planned[s.frequency] = occurrences(s.frequency, start, end, daily_mode=mode)
            except ValueError:
                planned[s.frequency] = []
        out[s.ref] = schedule(planned[s.frequency], windows.get(s.ref, {}), today)
    return out


def _read(
    assessment: Assessment,
    today: date | None,
    extra: ExtraDeviations | None,
    *,
    criteria: bool = False,
) -> _Read:
    start, end = period_service.period_of(assessment)
    today = today or date.today()
    library = cached_library(db.session)
    data = to_assessment_data(db.session, assessment)
    merged = with_custom_content(library, data.custom)
    chosen = list(selected_controls(merged, data, applicable_only=True))
    refs = repo.selected_refs(db.session, assessment.id)
    samples = {
        refs[s.control_id]: s
        for s in period_repo.current_samples(db.session, assessment.id).values()
        if s.control_id in refs
    }
    populations = {
        refs[p.control_id]: p
        for p in period_repo.populations_of(db.session, assessment.id)
        if p.control_id in refs
    }
    results: dict[tuple[str, str], dict[str, ItemResult]] = {}
    for row in repo.results_of(db.session, assessment.id):
        if row.control_id in refs:
            results.setdefault((refs[row.control_id], row.side), {})[row.item_id] = row
    schedules = _schedules(assessment, chosen, refs, samples, populations, start, end, today)
    overrides = {
        refs[o.control_id]: Recorded(
            o.conclusion,
            o.reason,
            o.rule_conclusion,
            o.recorded_at.date() if o.recorded_at else None,
        )
        for o in repo.overrides_of(db.session, assessment.id).values()
        if o.control_id in refs
    }
    found: dict[str, list[Deviation]] = {}
    extra = extra if extra is not None else EXTRA_SOURCE
    for item in extra(assessment.id) if extra else []:
        deviation = extra_deviation(item)
        found.setdefault(deviation.control, []).append(deviation)
    state = _Read(
        assessment,
        start,
        end,
        today,
        chosen,
        schedules,
        samples,
        populations,
        results,
        overrides,
        found,
    )
    if criteria:
        wanted = {s.ref for s in chosen}
        for edge in merged.satisfies:
            if edge.strength == "primary" and edge.control in wanted:
                state.primaries.setdefault((edge.framework, edge.criterion), []).append(
                    edge.control
                )
        for key in in_scope_criteria(merged, data.scope):
            if data.exclusion(*key) is None and key in merged.criteria:
                state.criteria.append((key[0], key[1], merged.criteria[key].title))
        state.criteria.sort(key=lambda c: c[1])
    return state


def _tested(rows: dict[str, ItemResult]) -> dict[str, ItemResult]:
    return {k: r for k, r in rows.items() if r.outcome != NOT_TESTED}


def _facts(state: _Read, chosen: Selected, side: str) -> tuple[ControlFacts, list[Untested]]:
    ref = chosen.ref
    rows = _tested(state.results.get((ref, side), {}))
    sample = state.samples.get(ref)
    untested = [
        Untested(ref, i["id"], i["date"])
        for i in (sample.items if sample else [])
        if i["id"] not in rows
    ]
    deviations = [_deviation(ref, r) for r in rows.values() if r.outcome == DEVIATION]
    tested = len(rows)
    population = state.populations.get(ref)
    if side == INTERNAL and state.extra.get(ref):
        deviations += state.extra[ref]
        tested = max(tested, population.item_count if population else 0)
    planned = state.schedules[ref]
    missing = [
        Missing(ref, o.number, o.window_start, o.window_end)
        for o in planned.overdue
        if o.kind != POPULATION and f"#{o.number}" not in rows
    ]
    facts = ControlFacts(
        ref=ref,
        frequency=chosen.frequency,
        period_start=state.start,
        period_end=state.end,
        to_test=tested + len(untested),
        tested=tested,
        population_empty=(
            chosen.frequency == PER_EVENT and population is not None and population.item_count == 0
        ),
        deviations=tuple(deviations),
        missing=tuple(missing),
    )
    return facts, untested


def rule_conclusion(
    assessment: Assessment, ref: str, *, extra: ExtraDeviations | None = None
) -> Conclusion:
    """Return the rule's internal conclusion for one control."""
    state = _read(assessment, None, extra)
    chosen = next(s for s in state.selected if s.ref == ref)
    return conclude(_facts(state, chosen, INTERNAL)[0])


def readiness(
    assessment: Assessment, *, today: date | None = None, extra: ExtraDeviations | None = None
) -> Readiness:
    """Return the period's readiness: per control, per criterion, the figure and findings."""
    state = _read(assessment, today, extra, criteria=True)
    rows: list[ControlReadiness] = []
    findings = Findings()
    register: list[Deviation] = []
    for chosen in state.selected:
        facts, untested = _facts(state, chosen, INTERNAL)
        rule = conclude(facts)
        recorded = state.overrides.get(chosen.ref)
        auditor = None
        auditor_tested = 0
        if _tested(state.results.get((chosen.ref, AUDITOR), {})):
            auditor_facts, _ = _facts(state, chosen, AUDITOR)
            auditor = conclude(auditor_facts)
            auditor_tested = auditor_facts.tested
            register += [d for d in auditor_facts.deviations]
        register += list(facts.deviations)
        findings.missing += facts.missing
        findings.untested += untested
        planned = state.schedules[chosen.ref]
        rows.append(
            ControlReadiness(
                ref=chosen.ref,
                title=chosen.control.title,
                frequency=chosen.frequency,
                due=planned.due_now,
                due_total=planned.due_total,
                evidenced=planned.evidenced,
                to_test=facts.to_test,
                tested=facts.tested,
                deviations=len(facts.deviations),
                open_deviations=sum(d.open for d in facts.deviations),
                rule=rule,
                final=recorded.conclusion if recorded else rule.conclusion,
                override_reason=recorded.reason if recorded else "",
                auditor=auditor,
                auditor_tested=auditor_tested,
                recorded=recorded,
            )
        )
    register.sort(key=lambda d: (d.control, d.occurred_on or state.start, d.item, d.side))
    findings.open_deviations = [d for d in register if d.open]
    finals = {r.ref: r.final for r in rows}
    due_days = [d for p in state.schedules.values() for d in p.due_days]
    collected = [d for p in state.schedules.values() for d in p.collected_days]
    return Readiness(
        start=state.start,
        end=state.end,
        today=state.today,
        controls=rows,
        criteria=criteria_readiness(state.criteria, state.primaries, finals),
        figure=readiness_figure(rows),
        timeline=timeline(months_between(state.start, state.end), due_days, collected),
        findings=findings,
        register=register,
        evidenced=sum(r.evidenced for r in rows),
        due=sum(r.due for r in rows),
    )


def conclusion_records(found: Readiness) -> list[dict[str, object]]:
    """Return each control's conclusion as plain data (`riskapp period conclusions --json`)."""
    return [
        {
            "control": r.ref,
            "frequency": r.frequency,
            "tested": r.tested,
            "to_test": r.to_test,
            "deviations": r.deviations,
            "rule": r.rule.conclusion,
            "reason": r.rule.reason,
            "conclusion": r.final,
            "recorded_reason": r.override_reason,
            "rule_when_recorded": r.recorded.rule_then if r.recorded else None,
            "auditor": r.auditor.conclusion if r.auditor else None,
        }
        for r in found.controls
    ]
