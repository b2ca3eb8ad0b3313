"""The period as plain data for the workbook: occurrences, populations, samples, evidence."""

from __future__ import annotations

from datetime import date

from ..domain.errors import RuleViolation
from ..domain.period.export import EvidenceRow as ExportedEvidence
from ..domain.period.export import PeriodExport, PopulationRow, SampledRow
from ..extensions import db
from ..models import Assessment
from ..repository import period as repo
from . import period as period_service
from .testing_items import testing_export


def period_export(assessment: Assessment, today: date | None = None) -> PeriodExport | None:
    """Return the period's data for the workbook, or None without a Type 2 period."""
    try:
        start, end = period_service.period_of(assessment)
    except RuleViolation:
        return None
    evidence = repo.evidence_of(db.session, assessment.id)
    per_item: dict[tuple[int, str], int] = {}
    for row in evidence:
        if row.item_id:
            per_item[(row.control_id, row.item_id)] = (
                per_item.get((row.control_id, row.item_id), 0) + 1
            )
    populations = [
        PopulationRow(
            control=p.control.ref,
            source_system=p.source_system,
            query=p.query,
            pulled_by=p.pulled_by,
            pulled_at=p.pulled_at,
            items=p.item_count,
            fingerprint=p.fingerprint,
            last_change=(
                f"{p.last_change.get('added', 0)} added, {p.last_change.get('removed', 0)} "
                f"removed, {p.last_change.get('changed', 0)} changed"
                if p.last_change
                else ""
            ),
        )
        for p in repo.populations_of(db.session, assessment.id)
    ]
    sampled: list[SampledRow] = []
    current = sorted(
        repo.current_samples(db.session, assessment.id).values(), key=lambda s: s.control.ref
    )
    for s in current:
        for run, item in enumerate(s.items, start=1):
            sampled.append(
                SampledRow(
                    control=s.control.ref,
                    drawn_at=s.drawn_at,
                    drawn_by=s.drawn_by,
                    source=s.source,
                    population=s.population_size,
                    size=s.size,
                    rule=s.rule,
                    table=s.table_name,
                    census=s.census,
                    seed=s.seed,
                    fingerprint=s.fingerprint,
                    run=run,
                    item_id=item["id"],
                    item_date=item["date"],
                    description=item.get("description", ""),
                    evidence=per_item.get((s.control_id, item["id"]), 0),
                )
            )
    rows = [
        ExportedEvidence(
            id=e.id,
            control=e.control.ref,
            proves=(
                f"item {e.item_id}"
                if e.item_id
                else f"{e.occurrence_kind} {e.window_start}–{e.window_end}"
            ),
            effective=e.effective_date,
            outside_window=bool(
                e.effective_date
                and e.window_start
                and e.window_end
                and not e.window_start <= e.effective_date <= e.window_end
            ),
            kind=e.kind,
            name=e.filename if e.kind == "file" else e.url,
            sha256=e.sha256,
            size=e.size,
            collected_by=e.collected_by,
            note=e.note,
            uploaded_at=e.uploaded_at,
            uploaded_by=e.uploaded_by,
        )
        for e in evidence
    ]
    return PeriodExport(
        start=start,
        end=end,
        table=period_service.table_for(assessment),
        shipped_table=period_service.uses_shipped_table(assessment),
        calendar=period_service.calendar(assessment, today),
        populations=populations,
        samples=sampled,
        evidence=rows,
        testing=testing_export(assessment, today),
    )
