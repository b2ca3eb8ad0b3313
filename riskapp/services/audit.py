"""Audit trail use cases: a page of an organisation's events, and the whole trail as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..domain.audit import AuditFilter, AuditRecord
from ..exporters.audit_csv import build_audit_csv
from ..extensions import db
from ..models import User
from ..repository import audit_events

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    total: int
    page: int
    pages: int


def page_of_events(organization_id: int, f: AuditFilter, page: int = 1) -> AuditPage:
    """Return one page of the organisation's events that pass the filter, newest first."""
    total = audit_events.count_events(db.session, organization_id, f)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    records = list(
        audit_events.events(
            db.session, organization_id, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
    )
    return AuditPage(records, total, page, pages)


def actors(organization_id: int) -> list[User]:
    """Return the users who appear in the organisation's trail."""
    return audit_events.actors(db.session, organization_id)


def audit_csv(organization_id: int, f: AuditFilter) -> Iterator[str]:
    """Yield the CSV of every event that passes the filter, newest first."""
    return build_audit_csv(audit_events.events(db.session, organization_id, f))
