"""Audit trail use cases: a page of an organisation's events, and the whole trail as CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..domain.audit import AuditFilter, AuditRecord, named, referenced_ids
from ..exporters.audit_csv import build_audit_csv
from ..extensions import db
from ..models import User
from ..repository import audit_events

PAGE_SIZE = 100
CSV_BATCH = 500  # names are looked up once per batch of streamed records


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
    return AuditPage(_with_names(organization_id, records), total, page, pages)


def _with_names(organization_id: int, records: list[AuditRecord]) -> list[AuditRecord]:
    names = audit_events.reference_names(db.session, organization_id, referenced_ids(records))
    return [named(r, names) for r in records]


def _named_in_batches(
    organization_id: int, records: Iterable[AuditRecord]
) -> Iterator[AuditRecord]:
    batch: list[AuditRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) == CSV_BATCH:
            yield from _with_names(organization_id, batch)
            batch = []
    yield from _with_names(organization_id, batch)


def assessments_in_trail(organization_id: int) -> list[tuple[int, str]]:
    """Return (id, name) of the organisation's assessments, by name, for the filter."""
    return audit_events.assessment_choices(db.session, organization_id)


def actors(organization_id: int) -> list[User]:
    """Return the users who appear in the organisation's trail."""
    return audit_events.actors(db.session, organization_id)


def audit_csv(organization_id: int, f: AuditFilter) -> Iterator[str]:
    """Yield the CSV of every event that passes the filter, newest first."""
    events = audit_events.events(db.session, organization_id, f)
    return build_audit_csv(_named_in_batches(organization_id, events))
