"""Queries of the Type 2 period: settings, populations and their items, samples, evidence."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..domain.period.fingerprint import Item
from ..models import (
    Assessment,
    Control,
    Evidence,
    PeriodSettings,
    Population,
    PopulationItem,
    Sample,
    SelectedControl,
)
from .auditing import ACTOR, SYSTEM_ACTOR
from .scoping import get_owned

INSERT_BATCH = 5000


def actor_label(session: Session) -> str:
    """Return who is acting now, as the audit trail shows them."""
    return str((session.info.get(ACTOR) or (None, SYSTEM_ACTOR))[1])[:320]


def selected_control(session: Session, assessment_id: int, ref: str) -> Control:
    """Return the control `ref` selected in the assessment, or raise NotFound."""
    control = session.scalars(
        sa.select(Control)
        .join(SelectedControl, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment_id, Control.ref == ref)
    ).first()
    if control is None:
        raise NotFound("selected control", ref)
    return control


def settings_of(
    session: Session, assessment_id: int, *, for_update: bool = False
) -> PeriodSettings:
    """Return the assessment's period settings, or the defaults when none are stored.

    The defaults are stored only `for_update` (a change about to be made): reading
    a page must not write, nor put a "created" line in the audit trail.
    """
    row = session.scalars(
        sa.select(PeriodSettings).where(PeriodSettings.assessment_id == assessment_id)
    ).first()
    if row is None:
        row = PeriodSettings(
            assessment_id=assessment_id,
            daily_mode="business-days",
            sample_table=None,
            census_controls=[],
            deviation_controls=[],
        )
        if for_update:
            session.add(row)
            session.flush()
    return row


def population_of(session: Session, assessment_id: int, control_id: int) -> Population | None:
    """Return the population recorded for a control of the assessment, if any."""
    return session.scalars(
        sa.select(Population).where(
            Population.assessment_id == assessment_id, Population.control_id == control_id
        )
    ).first()


def populations_of(session: Session, assessment_id: int) -> list[Population]:
    """Return the assessment's populations by control ref."""
    return list(
        session.scalars(
            sa.select(Population)
            .join(Control, Control.id == Population.control_id)
            .where(Population.assessment_id == assessment_id)
            .order_by(Control.ref)
        )
    )


def population_items(session: Session, population_id: int) -> list[Item]:
    """Return a population's items as domain items."""
    rows = session.execute(
        sa.select(
            PopulationItem.item_id,
            PopulationItem.item_date,
            PopulationItem.description,
            PopulationItem.extra,
        ).where(PopulationItem.population_id == population_id)
    )
    return [Item(r[0], r[1], r[2] or "", r[3] or {}) for r in rows]


def replace_items(session: Session, population: Population, items: Iterable[Item]) -> None:
    """Replace a population's items by `items`, in batches (no ORM object per item)."""
    session.execute(sa.delete(PopulationItem).where(PopulationItem.population_id == population.id))
    batch: list[dict[str, object]] = []
    for item in items:
        batch.append(
            {
                "population_id": population.id,
                "item_id": item.id,
                "item_date": item.date,
                "description": item.description,
                "extra": dict(item.extra),
            }
        )
        if len(batch) >= INSERT_BATCH:
            session.execute(sa.insert(PopulationItem), batch)
            batch = []
    if batch:
        session.execute(sa.insert(PopulationItem), batch)


def samples_of(session: Session, assessment_id: int, control_id: int | None = None) -> list[Sample]:
    """Return the assessment's samples (of one control if given), newest first."""
    query = sa.select(Sample).where(Sample.assessment_id == assessment_id)
    if control_id is not None:
        query = query.where(Sample.control_id == control_id)
    return list(session.scalars(query.order_by(Sample.drawn_at.desc(), Sample.id.desc())))


def current_samples(session: Session, assessment_id: int) -> dict[int, Sample]:
    """Return each control's current sample, by control id."""
    rows = session.scalars(
        sa.select(Sample).where(Sample.assessment_id == assessment_id, Sample.current)
    )
    return {row.control_id: row for row in rows}


def get_sample(
    session: Session, organization_id: int, assessment_id: int, sample_id: int
) -> Sample:
    """Return the organisation's sample of the assessment, or raise NotFound."""
    row = get_owned(session, Sample, sample_id, organization_id)
    if row.assessment_id != assessment_id:
        raise NotFound("sample", sample_id)
    return row


def evidence_of(
    session: Session, assessment_id: int, *, include_deleted: bool = False
) -> list[Evidence]:
    """Return the assessment's evidence by control ref, window and upload time."""
    query = (
        sa.select(Evidence)
        .join(Control, Control.id == Evidence.control_id)
        .where(Evidence.assessment_id == assessment_id)
    )
    if not include_deleted:
        query = query.where(Evidence.deleted_at.is_(None))
    return list(
        session.scalars(
            query.order_by(Control.ref, Evidence.window_end, Evidence.item_id, Evidence.id)
        )
    )


def get_evidence(
    session: Session, organization_id: int, assessment_id: int, evidence_id: int
) -> Evidence:
    """Return the organisation's evidence of the assessment (not deleted), or raise NotFound."""
    row = get_owned(session, Evidence, evidence_id, organization_id)
    if row.assessment_id != assessment_id or row.deleted_at is not None:
        raise NotFound("evidence", evidence_id)
    return row


def assessment_row(session: Session, assessment_id: int) -> Assessment:
    """Return an assessment by id, whatever its organisation (CLI and services only)."""
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFound("assessment", assessment_id)
    return row
