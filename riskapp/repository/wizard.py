"""Queries and writes behind the guided path: rows of one assessment, found by ref."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.assessment.model import IMPLEMENTED
from ..domain.assessment.summary import AssessmentSummary
from ..domain.errors import NotFound
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)
from .scoping import owned_by


def framework_row(session: Session, slug: str) -> Framework:
    """Return the loaded (not retired) framework with `slug`, or raise NotFound."""
    row = session.scalar(sa.select(Framework).where(Framework.slug == slug, ~Framework.retired))
    if row is None:
        raise NotFound("framework", slug)
    return row


def frameworks(session: Session) -> list[Framework]:
    """Return the loaded frameworks, in library order."""
    return list(
        session.scalars(sa.select(Framework).where(~Framework.retired).order_by(Framework.position))
    )


def organization_settings(session: Session, organization_id: int) -> dict | None:
    """Return an organisation's settings mapping (None when it has none)."""
    org = session.get(Organization, organization_id)
    return org.settings if org else None


def rated_risk_refs(session: Session, assessment_id: int) -> set[str]:
    """Return the refs of every risk the assessment has a rating row for."""
    return set(
        session.scalars(
            sa.select(Risk.ref)
            .join(AssessedRisk, AssessedRisk.risk_id == Risk.id)
            .where(AssessedRisk.assessment_id == assessment_id)
        )
    )


def add_default_ratings(session: Session, assessment_id: int, refs: Collection[str]) -> None:
    """Add one rating row, at the library default, per library risk in `refs`.

    One INSERT … SELECT: the risks' rows never come to Python (loading 107
    full rows, their tags decoded, was most of the profile step). Rows go in
    the library's order, as the risks step lists them.
    """
    if not refs:
        return
    session.execute(
        sa.insert(AssessedRisk).from_select(
            ["assessment_id", "risk_id", "likelihood", "impact"],
            sa.select(sa.literal(assessment_id), Risk.id, Risk.likelihood, Risk.impact)
            .where(Risk.ref.in_(list(refs)), Risk.assessment_id.is_(None))
            .order_by(Risk.position, Risk.id),
        )
    )


def selectable_controls(session: Session, assessment_id: int, refs: Iterable[str]) -> dict:
    """Return the library's and the assessment's own live controls with the given refs, by ref."""
    wanted = list(refs)
    return {
        c.ref: c
        for c in session.scalars(
            sa.select(Control).where(
                Control.ref.in_(wanted),
                sa.or_(Control.assessment_id.is_(None), Control.assessment_id == assessment_id),
                ~Control.retired,
            )
        )
    }


def selected_control_ids(session: Session, assessment_id: int) -> set[int]:
    """Return the ids of the controls the assessment selected."""
    return set(
        session.scalars(
            sa.select(SelectedControl.control_id).where(
                SelectedControl.assessment_id == assessment_id
            )
        )
    )


def selected_controls(
    session: Session, assessment_id: int, applicable_only: bool = False
) -> list[SelectedControl]:
    """Return the assessment's selected controls in selection order (optionally not N/A)."""
    query = sa.select(SelectedControl).where(SelectedControl.assessment_id == assessment_id)
    if applicable_only:
        query = query.where(SelectedControl.status != "not-applicable")
    return list(session.scalars(query.order_by(SelectedControl.id)))


def selected_control(session: Session, assessment_id: int, ref: str) -> SelectedControl:
    """Return the assessment's selection of the control `ref`, or raise NotFound."""
    found = session.scalar(
        sa.select(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == assessment_id, Control.ref == ref)
    )
    if found is None:
        raise NotFound("selected control", ref)
    return found


def custom_refs(
    session: Session, model: type[Risk] | type[Control], assessment_id: int
) -> set[str]:
    """Return the refs of the assessment's own risks or controls (`model`)."""
    return set(session.scalars(sa.select(model.ref).where(model.assessment_id == assessment_id)))


def custom_risk(session: Session, assessment_id: int, ref: str) -> Risk:
    """Return the assessment's own risk `ref`, or raise NotFound."""
    row = session.scalar(
        sa.select(Risk).where(Risk.assessment_id == assessment_id, Risk.ref == ref)
    )
    if row is None:
        raise NotFound("custom risk", ref)
    return row


def custom_control(session: Session, assessment_id: int, ref: str) -> Control:
    """Return the assessment's own control `ref`, or raise NotFound."""
    row = session.scalar(
        sa.select(Control).where(Control.assessment_id == assessment_id, Control.ref == ref)
    )
    if row is None:
        raise NotFound("custom control", ref)
    return row


def criteria_of(session: Session, framework_id: int, refs: Iterable[str]) -> dict[str, Criterion]:
    """Return the framework's criteria with the given refs, by ref."""
    wanted = list(refs)
    return {
        c.ref: c
        for c in session.scalars(
            sa.select(Criterion).where(
                Criterion.framework_id == framework_id, Criterion.ref.in_(wanted)
            )
        )
    }


def rating_of(session: Session, assessment_id: int, risk_id: int) -> AssessedRisk | None:
    """Return the assessment's rating row of a risk, if any."""
    return session.scalar(
        sa.select(AssessedRisk).where(
            AssessedRisk.assessment_id == assessment_id, AssessedRisk.risk_id == risk_id
        )
    )


def delete_custom_risk(session: Session, risk: Risk) -> None:
    """Delete an assessment's own risk with its rating and the controls' links to it."""
    for link in session.scalars(sa.select(ControlRisk).where(ControlRisk.risk_id == risk.id)):
        session.delete(link)
    for rating in session.scalars(sa.select(AssessedRisk).where(AssessedRisk.risk_id == risk.id)):
        session.delete(rating)
    session.flush()
    session.delete(risk)
    session.flush()


def delete_custom_control(session: Session, control: Control) -> None:
    """Delete an assessment's own control with its selection and every mapping from it."""
    for model in (SelectedControl, ControlCriterion, ControlRisk, ControlEvidence, ControlPolicy):
        for row in session.scalars(sa.select(model).where(model.control_id == control.id)):
            session.delete(row)
    session.flush()
    session.delete(control)
    session.flush()


def assessment_summaries(session: Session, organization_id: int) -> list[AssessmentSummary]:
    """Return one summary per assessment of the organisation, newest first, in one query."""
    selected = sa.func.count(SelectedControl.id)
    implemented = sa.func.count(SelectedControl.id).filter(SelectedControl.status == IMPLEMENTED)
    query = (
        sa.select(
            Assessment.id,
            Assessment.name,
            Framework.name,
            Assessment.report_type,
            Assessment.as_of_date,
            Assessment.period_start,
            Assessment.period_end,
            Assessment.step_reached,
            selected,
            implemented,
            Assessment.updated_at,
        )
        .join(Framework, Framework.id == Assessment.framework_id)
        .outerjoin(SelectedControl, SelectedControl.assessment_id == Assessment.id)
        .where(Assessment.organization_id == organization_id)
        .group_by(Assessment.id, Framework.name)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    return [AssessmentSummary(*row) for row in session.execute(query)]


def assessments_of(session: Session, organization_id: int) -> list[Assessment]:
    """Return the organisation's assessments, newest first."""
    return list(
        session.scalars(
            owned_by(Assessment, organization_id).order_by(
                Assessment.created_at.desc(), Assessment.id.desc()
            )
        )
    )


def selected_by_refs(
    session: Session, assessment_id: int, refs: Iterable[str]
) -> dict[str, SelectedControl]:
    """Return the assessment's selections of the controls `refs`, by ref, in one query."""
    wanted = list(dict.fromkeys(refs))
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(Control.ref, SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == assessment_id, Control.ref.in_(wanted))
    ).all()
    return {ref: selected for ref, selected in rows}
