"""Queries of testing the period: results per item, conclusions recorded, evidence uploads."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..models import ConclusionOverride, Control, Evidence, ItemResult, PopulationItem
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


def first_uploads(session: Session, assessment_id: int) -> list[tuple[str, str, datetime]]:
    """Return, per occurrence window or item with evidence, the first upload time.

    Each row is (control ref, a key of the window or item, first uploaded_at); deleted
    evidence does not count.
    """
    key = sa.func.coalesce(Evidence.item_id, "")
    rows = session.execute(
        sa.select(
            Control.ref,
            Evidence.occurrence_kind,
            Evidence.window_start,
            Evidence.window_end,
            key,
            sa.func.min(Evidence.uploaded_at),
        )
        .join(Control, Control.id == Evidence.control_id)
        .where(Evidence.assessment_id == assessment_id, Evidence.deleted_at.is_(None))
        .group_by(
            Control.ref, Evidence.occurrence_kind, Evidence.window_start, Evidence.window_end, key
        )
    )
    return [
        (ref, f"{kind}|{start}|{end}|{item}", first) for ref, kind, start, end, item, first in rows
    ]
