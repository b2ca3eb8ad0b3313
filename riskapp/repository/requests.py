"""The auditor's request list as stored: an assessment's requests, scoped reads, members."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import NotFound
from ..models import AuditRequest, Control, Membership, SelectedControl, User
from .scoping import get_owned


def requests_of(session: Session, assessment_id: int) -> list[AuditRequest]:
    """Return the assessment's requests by request id, controls loaded."""
    return list(
        session.scalars(
            sa.select(AuditRequest)
            .where(AuditRequest.assessment_id == assessment_id)
            .options(selectinload(AuditRequest.control))
            .order_by(AuditRequest.code)
        )
    )


def get_request(
    session: Session, organization_id: int, assessment_id: int, request_id: int
) -> AuditRequest:
    """Return the organisation's request of the assessment, or raise NotFound."""
    row = get_owned(session, AuditRequest, request_id, organization_id)
    if row.assessment_id != assessment_id:
        raise NotFound("request", request_id)
    return row


def member_users(session: Session, organization_id: int) -> list[User]:
    """Return the organisation's members as users, by email."""
    return list(
        session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id)
            .order_by(User.email)
        )
    )


def users_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(ids)))}


def selected_control_ids(session: Session, assessment_id: int) -> dict[str, int]:
    """Return ref → control id of the controls selected in the assessment."""
    rows = session.execute(
        sa.select(Control.ref, Control.id)
        .join(SelectedControl, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment_id)
    )
    return {ref: control_id for ref, control_id in rows}
