"""Queries of testing the period: results per item, conclusions recorded, evidence uploads."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..models import (
    ConclusionOverride,
    Control,
    Evidence,
    ItemResult,
    PopulationItem,
    SelectedControl,
)
from .scoping import get_owned


def results_of(session: Session, assessment_id: int) -> list[ItemResult]:
    """Return the assessment's results by control ref, side and item."""
    return list(
        session.scalars(
            sa.select(ItemResult)
            .join(Control, Control.id == ItemResult.control_id)
            .where(ItemResult.assessment_id == assessment_id)
            .order_by(Control.ref, ItemResult.side, ItemResult.item_date, ItemResult.item_id)
        )
    )


def result_for(
    session: Session, assessment_id: int, control_id: int, side: str, item_id: str
) -> ItemResult | None:
    """Return one side's result for one item of a control, if recorded."""
    return session.scalars(
        sa.select(ItemResult).where(
            ItemResult.assessment_id == assessment_id,
            ItemResult.control_id == control_id,
            ItemResult.side == side,
            ItemResult.item_id == item_id,
        )
    ).first()


def get_result(
    session: Session, organization_id: int, assessment_id: int, result_id: int
) -> ItemResult:
    """Return the organisation's result of the assessment, or raise NotFound."""
    row = get_owned(session, ItemResult, result_id, organization_id)
    if row.assessment_id != assessment_id:
        raise NotFound("result", result_id)
    return row


def overrides_of(session: Session, assessment_id: int) -> dict[int, ConclusionOverride]:
    """Return the conclusions recorded over the rule's, by control id."""
    rows = session.scalars(
        sa.select(ConclusionOverride).where(ConclusionOverride.assessment_id == assessment_id)
    )
    return {row.control_id: row for row in rows}


def population_item(session: Session, population_id: int, item_id: str) -> date | None:
    """Return the date of a population's item, or None when it has no such item."""
    return session.scalar(
        sa.select(PopulationItem.item_date).where(
            PopulationItem.population_id == population_id, PopulationItem.item_id == item_id
        )
    )


def _as_date(value: object) -> date | None:
    """Return a date read raw (SQLite gives text, PostgreSQL a date or datetime)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def evidence_windows(
    session: Session, assessment_id: int
) -> list[tuple[int, str, date | None, date | None, str, date]]:
    """Return, per occurrence window or item with evidence (not deleted), its first upload day.

    Each row is (control id, occurrence kind, window start, window end, item id, day of the
    first upload), read in one grouped query; the dates are read raw and parsed once per
    window (thousands of rows: the ORM's per-value processing is the slow part).
    """
    raw = sa.String
    rows = (
        session.connection()
        .execute(  # Core: no ORM bookkeeping per row
            sa.select(
                Evidence.control_id,
                Evidence.occurrence_kind,
                sa.type_coerce(Evidence.window_start, raw),
                sa.type_coerce(Evidence.window_end, raw),
                Evidence.item_id,
                sa.type_coerce(sa.func.min(Evidence.uploaded_at), raw),
            )
            .where(Evidence.assessment_id == assessment_id, Evidence.deleted_at.is_(None))
            .group_by(
                Evidence.control_id,
                Evidence.occurrence_kind,
                Evidence.window_start,
                Evidence.window_end,
                Evidence.item_id,
            )
        )
        .all()
    )
    parsed: dict[object, date | None] = {}

    def day(value: object) -> date | None:
        if value not in parsed:
            parsed[value] = _as_date(value)
        return parsed[value]

    return [
        (control_id, kind, day(start), day(end), item, day(first) or date.min)
        for control_id, kind, start, end, item, first in rows
    ]


def selected_refs(session: Session, assessment_id: int) -> dict[int, str]:
    """Return the refs of the assessment's selected controls, by control id."""
    rows = session.execute(
        sa.select(Control.id, Control.ref)
        .join(SelectedControl, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment_id)
    )
    return {row_id: ref for row_id, ref in rows}
