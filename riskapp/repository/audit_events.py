"""Read an organisation's audit trail, filtered, newest first, as domain records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.audit import AuditFilter, AuditRecord
from ..models import (
    Assessment,
    AuditEvent,
    Control,
    Criterion,
    EvidenceType,
    Framework,
    Membership,
    Organization,
    PolicyTemplate,
    Risk,
    User,
)
from .scoping import owned_by


def _filtered(query: sa.Select, f: AuditFilter) -> sa.Select:
    if f.user_id is not None:
        query = query.where(AuditEvent.user_id == f.user_id)
    if f.assessment_id is not None:
        query = query.where(AuditEvent.assessment_id == f.assessment_id)
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


def reference_names(
    session: Session, organization_id: int, wanted: Mapping[str, set[int]]
) -> dict[tuple[str, int], str]:
    """Return what each (kind, id) names, one query per kind; another organisation's is left out.

    Library rows (controls, risks, criteria, …) are shared or the organisation's own
    custom ones; users are named by email only when they belong to this organisation.
    """
    names: dict[tuple[str, int], str] = {}

    def add(kind: str, rows: Iterable[tuple[int, str]]) -> None:
        names.update(((kind, row_id), text) for row_id, text in rows)

    def ids(kind: str) -> list[int]:
        return sorted(wanted.get(kind, ()))

    if found := ids("control"):
        add("control", _labelled(session, Control, found, Control.ref, Control.title))
    if found := ids("risk"):
        add("risk", _labelled(session, Risk, found, Risk.ref, Risk.title))
    if found := ids("criterion"):
        add("criterion", _labelled(session, Criterion, found, Criterion.ref, Criterion.title))
    if found := ids("framework"):
        add("framework", _labelled(session, Framework, found, Framework.name))
    if found := ids("evidence_type"):
        add("evidence_type", _labelled(session, EvidenceType, found, EvidenceType.ref))
    if found := ids("policy"):
        add("policy", _labelled(session, PolicyTemplate, found, PolicyTemplate.ref))
    if found := ids("assessment"):
        rows = session.execute(
            sa.select(Assessment.id, Assessment.name).where(
                Assessment.id.in_(found), Assessment.organization_id == organization_id
            )
        )
        add("assessment", ((i, n) for i, n in rows))
    if found := ids("organization"):
        rows = session.execute(
            sa.select(Organization.id, Organization.name).where(
                Organization.id.in_(found), Organization.id == organization_id
            )
        )
        add("organization", ((i, n) for i, n in rows))
    if found := ids("user"):
        rows = session.execute(
            sa.select(User.id, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(User.id.in_(found), Membership.organization_id == organization_id)
        )
        add("user", ((i, e) for i, e in rows))
    return names


def _labelled(
    session: Session, model: Any, ids: list[int], *columns: Any
) -> Iterator[tuple[int, str]]:
    for row in session.execute(sa.select(model.id, *columns).where(model.id.in_(ids))):
        yield row[0], " ".join(str(part) for part in row[1:] if part)


def assessment_choices(session: Session, organization_id: int) -> list[tuple[int, str]]:
    """Return (id, name) of the organisation's assessments, by name."""
    rows = session.execute(
        sa.select(Assessment.id, Assessment.name)
        .where(Assessment.organization_id == organization_id)
        .order_by(Assessment.name, Assessment.id)
    )
    return [(i, n) for i, n in rows]
