"""Read and write an organisation's systems, mapped to and from the domain's SystemEntry."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.inventory.model import SystemEntry
from ..models import System
from .scoping import get_owned, owned_by


def to_entry(row: System) -> SystemEntry:
    """Return the domain view of one system row."""
    return SystemEntry(
        id=row.id,
        name=row.name,
        kind=row.kind,
        owner=row.owner,
        classification=row.classification,
        in_scope=row.in_scope,
        notes=row.notes,
        retired=row.retired,
        roles=tuple(row.roles or ()),
    )


# built once (every page of an assessment reads the systems); the organisation is bound
_SYSTEMS = owned_by(System, sa.bindparam("organization_id", type_=sa.Integer)).order_by(
    sa.func.lower(System.name), System.id
)


def systems(session: Session, organization_id: int) -> list[System]:
    """Return the organisation's systems, by name."""
    return list(session.scalars(_SYSTEMS, {"organization_id": organization_id}))


# the same systems, as the columns of a SystemEntry (Core rows: no ORM row per system)
_ENTRIES = _SYSTEMS.with_only_columns(
    System.id,
    System.name,
    System.kind,
    System.owner,
    System.classification,
    System.in_scope,
    System.notes,
    System.retired,
    System.roles,
)


def entries(session: Session, organization_id: int) -> list[SystemEntry]:
    """Return the organisation's systems as domain entries, by name."""
    if session.autoflush:  # a Core read does not flush pending changes itself
        session.flush()
    rows = session.connection().execute(_ENTRIES, {"organization_id": organization_id})
    return [
        SystemEntry(
            id=row_id,
            name=name,
            kind=kind,
            owner=owner,
            classification=classification,
            in_scope=in_scope,
            notes=notes,
            retired=retired,
            roles=tuple(roles or ()),
        )
        for row_id, name, kind, owner, classification, in_scope, notes, retired, roles in rows
    ]


def get_system(session: Session, organization_id: int, system_id: int) -> System:
    """Return the organisation's system, or raise NotFound."""
    return get_owned(session, System, system_id, organization_id)


def write(session: Session, organization_id: int, entry: SystemEntry) -> System:
    """Add the entry as a new system, or update the system its id names; flush."""
    row = (
        get_owned(session, System, entry.id, organization_id)
        if entry.id is not None
        else System(organization_id=organization_id)
    )
    row.name = entry.name
    row.kind = entry.kind
    row.owner = entry.owner
    row.classification = entry.classification
    row.in_scope = entry.in_scope
    row.notes = entry.notes
    row.retired = entry.retired
    if list(row.roles or ()) != list(entry.roles):
        row.roles = list(entry.roles)
    if entry.id is None:
        session.add(row)
    session.flush()
    return row
