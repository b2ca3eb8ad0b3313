"""Reading and writing the description's inputs: answers, incidents, CUECs, chosen changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.description.changes import CHANGE_KINDS
from ..domain.description.model import Incident as IncidentData
from ..domain.description.model import OrganisationAnswers
from ..models import (
    AuditEvent,
    Incident,
    OrganisationDescription,
    SignificantChange,
    UserEntityControl,
)
from .scoping import get_owned, owned_by


def answers_row(session: Session, organization_id: int) -> OrganisationDescription | None:
    return session.scalars(owned_by(OrganisationDescription, organization_id)).first()


def answers(session: Session, organization_id: int) -> OrganisationAnswers:
    """Return the organisation's answers (all empty when never saved)."""
    row = answers_row(session, organization_id)
    if row is None:
        return OrganisationAnswers()
    return OrganisationAnswers(
        row.services, row.commitments, row.security_commitments, row.legal_requirements
    )


def save_answers(session: Session, organization_id: int, data: OrganisationAnswers) -> None:
    """Store the organisation's answers, creating its row on first save."""
    row = answers_row(session, organization_id)
    if row is None:
        row = OrganisationDescription(organization_id=organization_id)
        session.add(row)
    row.services = data.services
    row.commitments = data.commitments
    row.security_commitments = data.security_commitments
    row.legal_requirements = data.legal_requirements
    session.flush()


def _incident(row: Incident) -> IncidentData:
    return IncidentData(
        row.occurred_on,
        row.nature,
        row.timing,
        row.extent,
        row.disposition,
        row.significant,
        row.id,
    )


def incidents(session: Session, organization_id: int) -> list[IncidentData]:
    """Return the organisation's incident log, oldest first."""
    query = owned_by(Incident, organization_id).order_by(Incident.occurred_on, Incident.id)
    return [_incident(r) for r in session.scalars(query)]


def incident(session: Session, organization_id: int, incident_id: int) -> IncidentData:
    return _incident(get_owned(session, Incident, incident_id, organization_id))


def save_incident(session: Session, organization_id: int, data: IncidentData) -> int:
    """Store an incident (new when it has no id); return its id."""
    if data.id is None:
        row = Incident(organization_id=organization_id)
        session.add(row)
    else:
        row = get_owned(session, Incident, data.id, organization_id)
    row.occurred_on = data.occurred_on  # type: ignore[assignment]
    row.nature = data.nature
    row.timing = data.timing
    row.extent = data.extent
    row.disposition = data.disposition
    row.significant = data.significant
    session.flush()
    return row.id


def delete_incident(session: Session, organization_id: int, incident_id: int) -> None:
    session.delete(get_owned(session, Incident, incident_id, organization_id))
    session.flush()


def cuecs(session: Session, assessment_id: int) -> list[UserEntityControl]:
    """Return an assessment's user-entity controls in the order they were added."""
    query = sa.select(UserEntityControl).where(UserEntityControl.assessment_id == assessment_id)
    return list(session.scalars(query.order_by(UserEntityControl.id)))


def add_cuec(session: Session, assessment_id: int, text: str, control_ref: str = "") -> None:
    session.add(UserEntityControl(assessment_id=assessment_id, text=text, control_ref=control_ref))
    session.flush()


def delete_cuec(session: Session, organization_id: int, cuec_id: int) -> int:
    """Delete a user-entity control; return its assessment's id."""
    row = get_owned(session, UserEntityControl, cuec_id, organization_id)
    assessment_id = row.assessment_id
    session.delete(row)
    session.flush()
    return assessment_id


def change_events(session: Session, organization_id: int) -> list[AuditEvent]:
    """Return the organisation's audit events on controls and systems, oldest first."""
    query = owned_by(AuditEvent, organization_id).where(AuditEvent.object_kind.in_(CHANGE_KINDS))
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))


def chosen_changes(session: Session, assessment_id: int) -> set[int]:
    query = sa.select(SignificantChange.audit_event_id).where(
        SignificantChange.assessment_id == assessment_id
    )
    return set(session.scalars(query))


def choose_changes(session: Session, assessment_id: int, event_ids: set[int]) -> None:
    """Make `event_ids` the assessment's significant changes (others unmarked)."""
    rows = session.scalars(
        sa.select(SignificantChange).where(SignificantChange.assessment_id == assessment_id)
    )
    for row in rows:
        if row.audit_event_id not in event_ids:
            session.delete(row)
        else:
            event_ids = event_ids - {row.audit_event_id}
    for event_id in sorted(event_ids):
        session.add(SignificantChange(assessment_id=assessment_id, audit_event_id=event_id))
    session.flush()
