"""Read an organisation's audit trail, filtered, newest first, as domain records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.audit import AuditFilter, AuditRecord
from ..models import AuditEvent, User
from .scoping import owned_by


def _filtered(query: sa.Select, f: AuditFilter) -> sa.Select:
    if f.user_id is not None:
        query = query.where(AuditEvent.user_id == f.user_id)
    if f.object_kind:
        query = query.where(AuditEvent.object_kind == f.object_kind)
    if f.start is not None:
        query = query.where(AuditEvent.at >= datetime.combine(f.start, time(), UTC))
    if f.end is not None:
        query = query.where(
            AuditEvent.at < datetime.combine(f.end + timedelta(days=1), time(), UTC)
        )
    return query


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def count_events(session: Session, organization_id: int, f: AuditFilter) -> int:
    query = _filtered(owned_by(AuditEvent, organization_id), f)
    return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def events(
    session: Session,
    organization_id: int,
    f: AuditFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[AuditRecord]:
    """Yield the organisation's events that pass the filter, newest first."""
    query = (
        _filtered(owned_by(AuditEvent, organization_id), f)
        .add_columns(User.email)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    for event, email in session.execute(query):
        yield AuditRecord(
            at=_aware(event.at),
            user=event.actor or email or "",
            action=event.action,
            object_kind=event.object_kind,
            object_id=event.object_id,
            assessment_id=event.assessment_id,
            summary=event.summary,
            changes=dict(event.changes or {}),
        )


def actors(session: Session, organization_id: int) -> list[User]:
    """Return the users who appear in the organisation's trail, by email."""
    ids = owned_by(AuditEvent, organization_id).with_only_columns(AuditEvent.user_id).distinct()
    return list(session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.email)))
