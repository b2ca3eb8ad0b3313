"""A control's tested items with both sides' results: the Testing page and the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.testing.readiness import TestingExport, TestingRow
from ..domain.testing.results import AUDITOR, INTERNAL, SIDES, SideResult
from ..extensions import db
from ..models import Assessment, ItemResult
from ..repository import period as period_repo
from ..repository import results as repo
from . import period as period_service
from .readiness import ExtraDeviations, readiness


@dataclass(frozen=True)
class ItemLine:
    """One item of a control with its internal and auditor results (either may be missing)."""

    item: str
    item_date: str
    in_sample: bool
    internal: ItemResult | None
    auditor: ItemResult | None


def control_items(assessment: Assessment, ref: str) -> list[ItemLine]:
    """Return a control's sampled items, then other items with a result, with both sides."""
    control = period_repo.selected_control(db.session, assessment.id, ref)
    sample = period_repo.current_samples(db.session, assessment.id).get(control.id)
    mine: dict[str, dict[str, ItemResult]] = {side: {} for side in SIDES}
    for row in repo.results_of(db.session, assessment.id):
        if row.control_id == control.id:
            mine[row.side][row.item_id] = row
    lines = [
        ItemLine(i["id"], i["date"], True, mine[INTERNAL].get(i["id"]), mine[AUDITOR].get(i["id"]))
        for i in (sample.items if sample else [])
    ]
    seen = {line.item for line in lines}
    others: dict[str, ItemResult] = {}
    for side in SIDES:
        for item, row in mine[side].items():
            if item not in seen:
                others.setdefault(item, row)
    for item, row in sorted(others.items(), key=lambda kv: (kv[1].item_date or date.min, kv[0])):
        day = row.item_date.isoformat() if row.item_date else ""
        lines.append(ItemLine(item, day, False, mine[INTERNAL].get(item), mine[AUDITOR].get(item)))
    return lines


def _side(row: ItemResult | None) -> SideResult | None:
    if row is None:
        return None
    return SideResult(
        row.outcome,
        row.what,
        row.found_on,
        row.cause,
        row.response,
        row.recorded_by,
        row.recorded_at,
    )


def testing_rows(assessment: Assessment) -> list[TestingRow]:
    """Return every control's items with both sides' results, for the workbook."""
    results: dict[int, dict[str, dict[str, ItemResult]]] = {}
    for row in repo.results_of(db.session, assessment.id):
        results.setdefault(row.control_id, {s: {} for s in SIDES})[row.side][row.item_id] = row
    samples = period_repo.current_samples(db.session, assessment.id)
    refs = {s.ref for s in period_service.selected(assessment)}
    controls = {s.control_id: s.control.ref for s in samples.values()}
    for rows in results.values():
        for side_rows in rows.values():
            for r in side_rows.values():
                controls[r.control_id] = r.control.ref
    out: list[TestingRow] = []
    for control_id, ref in sorted(controls.items(), key=lambda kv: kv[1]):
        if ref not in refs:
            continue
        mine = results.get(control_id, {s: {} for s in SIDES})
        sample = samples.get(control_id)
        seen: set[str] = set()
        for item in sample.items if sample else []:
            seen.add(item["id"])
            out.append(
                TestingRow(
                    ref,
                    item["id"],
                    item["date"],
                    True,
                    _side(mine[INTERNAL].get(item["id"])),
                    _side(mine[AUDITOR].get(item["id"])),
                )
            )
        others = sorted(
            {k: r for side in SIDES for k, r in mine[side].items() if k not in seen}.items(),
            key=lambda kv: (kv[1].item_date or date.min, kv[0]),
        )
        for item_id, r in others:
            day = r.item_date.isoformat() if r.item_date else ""
            out.append(
                TestingRow(
                    ref,
                    item_id,
                    day,
                    False,
                    _side(mine[INTERNAL].get(item_id)),
                    _side(mine[AUDITOR].get(item_id)),
                )
            )
    return out


def testing_export(
    assessment: Assessment, today: date | None = None, extra: ExtraDeviations | None = None
) -> TestingExport:
    """Return the workbook's testing data: results per item, the register and readiness."""
    return TestingExport(readiness(assessment, today=today, extra=extra), testing_rows(assessment))
