"""Inventory use cases: list, add, edit, retire and restore systems; CSV export and import."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.errors import InvalidInput
from ..domain.inventory.csvfile import CsvProblem, decode, plan_import, read_systems, write_systems
from ..domain.inventory.model import (
    SystemEntry,
    clash_problems,
    entry_problems,
)
from ..domain.inventory.model import placeholder_values as filled_roles
from ..extensions import db
from ..models import System
from ..repository import inventory as repo


class ImportRefused(InvalidInput):
    """A CSV file had problems; nothing of it was written. `file_problems` lists each."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__({"file": f"{len(problems)} problem(s) in the file"})
        self.file_problems = problems


@dataclass(frozen=True)
class InventoryFilter:
    """Which systems to list: by kind, in scope or not, retired or not (None: any)."""

    kind: str | None = None
    in_scope: bool | None = None
    retired: bool | None = False


def list_systems(organization_id: int, wanted: InventoryFilter | None = None) -> list[SystemEntry]:
    """Return the organisation's systems that pass the filter, by name."""
    wanted = wanted or InventoryFilter()
    return [
        s
        for s in repo.entries(db.session, organization_id)
        if (wanted.kind is None or s.kind == wanted.kind)
        and (wanted.in_scope is None or s.in_scope == wanted.in_scope)
        and (wanted.retired is None or s.retired == wanted.retired)
    ]


def get_system(organization_id: int, system_id: int) -> SystemEntry:
    """Return one of the organisation's systems, or raise NotFound."""
    return repo.to_entry(repo.get_system(db.session, organization_id, system_id))


def save_system(organization_id: int, entry: SystemEntry) -> System:
    """Add a system, or update the one `entry.id` names; InvalidInput says what is wrong."""
    existing = repo.entries(db.session, organization_id)
    if entry.id is not None:
        current = repo.get_system(db.session, organization_id, entry.id)
        entry = replace(entry, retired=current.retired)
    problems = entry_problems(entry)
    for key, message in clash_problems(entry, existing).items():
        problems.setdefault(key, message)
    if problems:
        raise InvalidInput(problems)
    return repo.write(db.session, organization_id, entry)


def set_retired(organization_id: int, system_id: int, retired: bool) -> System:
    """Retire a system (it keeps its history but fills no placeholder) or restore it."""
    row = repo.get_system(db.session, organization_id, system_id)
    entry = replace(repo.to_entry(row), retired=retired)
    if retired:
        entry = replace(entry, roles=())
    return repo.write(db.session, organization_id, entry)


def export_csv(organization_id: int) -> str:
    """Return every system of the organisation (retired ones too) as CSV text."""
    return write_systems(repo.entries(db.session, organization_id))


def import_csv(organization_id: int, data: bytes) -> tuple[int, int]:
    """Import a CSV file whole: add new names, update existing ones; return (added, updated).

    Raises ImportRefused listing every problem, having written nothing.
    """
    text, problem = decode(data)
    if problem is not None or text is None:
        raise ImportRefused([problem] if problem else [])
    rows, problems = read_systems(text)
    if problems:
        raise ImportRefused(problems)
    planned, problems = plan_import(repo.entries(db.session, organization_id), rows)
    if problems:
        raise ImportRefused(problems)
    added = updated = 0
    for entry in planned:
        repo.write(db.session, organization_id, entry)
        if entry.id is None:
            added += 1
        else:
            updated += 1
    return added, updated


def placeholder_values(organization_id: int) -> dict[str, str]:
    """Return placeholder → system name for every role the organisation's systems fill."""
    return filled_roles(repo.entries(db.session, organization_id))
