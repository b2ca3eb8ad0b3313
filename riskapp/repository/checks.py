"""Queries of computed checks and reconciliation: decisions, second sources and notes."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.period.fingerprint import Item
from ..models import (
    CheckDecision,
    Control,
    Population,
    ReconciliationNote,
    SecondSource,
    SecondSourceItem,
)

INSERT_BATCH = 2000


def refs_with_checks(session: Session) -> set[str]:
    """Return the refs of library controls that declare checks or a second source."""
    rows = session.execute(
        sa.select(Control.ref, Control.checks, Control.reconcile).where(
            Control.assessment_id.is_(None), ~Control.retired
        )
    )
    return {ref for ref, checks, reconcile in rows if checks or reconcile}


def population(session: Session, assessment_id: int, population_id: int) -> Population | None:
    """Return the assessment's population with this id, if it has one."""
    return session.scalars(
        sa.select(Population).where(
            Population.id == population_id, Population.assessment_id == assessment_id
        )
    ).first()


def decisions_of(session: Session, assessment_id: int) -> list[CheckDecision]:
    """Return every decision made on the assessment's candidate deviations."""
    return list(
        session.scalars(
            sa.select(CheckDecision)
            .where(CheckDecision.assessment_id == assessment_id)
            .order_by(CheckDecision.id)
        )
    )


def decision(
    session: Session, population_id: int, item_id: str, check_name: str
) -> CheckDecision | None:
    return session.scalars(
        sa.select(CheckDecision).where(
            CheckDecision.population_id == population_id,
            CheckDecision.item_id == item_id,
            CheckDecision.check_name == check_name,
        )
    ).first()


def second_source(session: Session, assessment_id: int, control_id: int) -> SecondSource | None:
    return session.scalars(
        sa.select(SecondSource).where(
            SecondSource.assessment_id == assessment_id, SecondSource.control_id == control_id
        )
    ).first()


def second_items(session: Session, source_id: int) -> list[Item]:
    """Return a second source's rows as domain items."""
    rows = session.execute(
        sa.select(
            SecondSourceItem.item_id,
            SecondSourceItem.item_date,
            SecondSourceItem.description,
            SecondSourceItem.extra,
        ).where(SecondSourceItem.source_id == source_id)
    )
    return [Item(r[0], r[1], r[2] or "", r[3] or {}) for r in rows]


def replace_second_items(session: Session, source: SecondSource, items: Iterable[Item]) -> None:
    """Replace a second source's rows by `items`, in batches."""
    session.execute(sa.delete(SecondSourceItem).where(SecondSourceItem.source_id == source.id))
    batch: list[dict[str, object]] = []
    for item in items:
        batch.append(
            {
                "source_id": source.id,
                "item_id": item.id,
                "item_date": item.date,
                "description": item.description,
                "extra": dict(item.extra),
            }
        )
        if len(batch) >= INSERT_BATCH:
            session.execute(sa.insert(SecondSourceItem), batch)
            batch = []
    if batch:
        session.execute(sa.insert(SecondSourceItem), batch)


def notes_of(session: Session, assessment_id: int, control_id: int) -> list[ReconciliationNote]:
    """Return the explanations recorded for a control's reconciliation."""
    return list(
        session.scalars(
            sa.select(ReconciliationNote)
            .where(
                ReconciliationNote.assessment_id == assessment_id,
                ReconciliationNote.control_id == control_id,
            )
            .order_by(ReconciliationNote.id)
        )
    )


def note(
    session: Session, assessment_id: int, control_id: int, side: str, key: str
) -> ReconciliationNote | None:
    return session.scalars(
        sa.select(ReconciliationNote).where(
            ReconciliationNote.assessment_id == assessment_id,
            ReconciliationNote.control_id == control_id,
            ReconciliationNote.side == side,
            ReconciliationNote.key == key,
        )
    ).first()
