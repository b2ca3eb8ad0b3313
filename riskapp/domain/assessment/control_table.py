"""The controls step's table: one row per selected control, filtered and sorted.

Plain data in, plain data out: the web page, and anything else listing a
selection, reads the same rows. Filters compare exactly (owner ignores case);
an empty filter keeps every row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..library.model import FREQUENCIES, Library
from .model import NOT_APPLICABLE, STATUSES, AssessmentData

SORTS: dict[str, str] = {
    "ref": "Reference",
    "title": "Title",
    "domain": "Domain",
    "status": "Status",
    "owner": "Owner",
    "frequency": "Frequency",
}


@dataclass(frozen=True)
class ControlRow:
    """What the table shows of one selected control."""

    ref: str
    title: str
    domain: str
    status: str
    owner: str
    frequency: str
    criteria: tuple[str, ...]
    custom: bool = False
    retired: bool = False


@dataclass(frozen=True)
class TableFilter:
    """The filters and sort a user chose; blanks keep every row."""

    domain: str = ""
    status: str = ""
    owner: str = ""
    criterion: str = ""
    sort: str = "ref"
    descending: bool = False

    @property
    def active(self) -> bool:
        return bool(self.domain or self.status or self.owner or self.criterion)


def control_rows(library: Library, data: AssessmentData) -> list[ControlRow]:
    """Return a row per selected control (in selection order), with the criteria it satisfies.

    `library` is the library merged with the assessment's custom content.
    """
    framework = data.scope.framework
    criteria: dict[str, list[str]] = defaultdict(list)
    for edge in library.satisfies:
        if edge.framework == framework or not framework:
            criteria[edge.control].append(edge.criterion)
    custom = {c.ref for c in data.custom.controls}
    rows = []
    for choice in data.controls:
        control = library.controls.get(choice.ref)
        if control is None:
            continue
        rows.append(
            ControlRow(
                ref=choice.ref,
                title=control.title,
                domain=control.domain,
                status=choice.status,
                owner=choice.owner.strip() or control.owner_role,
                frequency=choice.frequency or control.frequency,
                criteria=tuple(sorted(set(criteria.get(choice.ref, ())))),
                custom=choice.ref in custom and choice.ref not in data.custom.retired,
                retired=choice.ref in data.custom.retired,
            )
        )
    return rows


def _key(row: ControlRow, sort: str) -> tuple:
    if sort == "status":
        rank = STATUSES.index(row.status) if row.status in STATUSES else len(STATUSES)
        return (rank, row.ref)
    value = getattr(row, sort if sort in SORTS else "ref")
    return (str(value).casefold(), row.ref)


def filter_rows(rows: Iterable[ControlRow], chosen: TableFilter) -> list[ControlRow]:
    """Return the rows matching every filter in `chosen`, in its sort order."""
    owner = chosen.owner.strip().casefold()
    kept = [
        r
        for r in rows
        if (not chosen.domain or r.domain == chosen.domain)
        and (not chosen.status or r.status == chosen.status)
        and (not owner or r.owner.casefold() == owner)
        and (not chosen.criterion or chosen.criterion in r.criteria)
    ]
    return sorted(kept, key=lambda r: _key(r, chosen.sort), reverse=chosen.descending)


def choices(rows: Iterable[ControlRow]) -> dict[str, list[str]]:
    """Return the values each filter offers: those present in the selection."""
    listed = list(rows)
    return {
        "domains": sorted({r.domain for r in listed}),
        "owners": sorted({r.owner for r in listed if r.owner}, key=str.casefold),
        "criteria": sorted({c for r in listed for c in r.criteria}),
    }


@dataclass(frozen=True)
class BulkControlInput:
    """One change for many selected controls; a blank field leaves that field as it is."""

    refs: tuple[str, ...]
    status: str = ""
    owner: str = ""
    frequency: str = ""
    na_reason: str = ""


def bulk_problems(entry: BulkControlInput, owner_max: int) -> dict[str, str]:
    """Return field → message for a bulk change of controls (nothing is saved when any)."""
    problems: dict[str, str] = {}
    if not entry.refs:
        problems["refs"] = "Tick at least one control in the table."
    if not (entry.status or entry.owner.strip() or entry.frequency):
        problems["change"] = "Choose a status, an owner or a frequency to set."
    if entry.status and entry.status not in STATUSES:
        problems["status"] = "Choose implemented, partially implemented, planned or not applicable."
    if entry.status == NOT_APPLICABLE and not entry.na_reason.strip():
        problems["na_reason"] = "Say why the ticked controls do not apply."
    if entry.frequency and entry.frequency not in FREQUENCIES:
        problems["frequency"] = f"Choose a frequency: {', '.join(FREQUENCIES)}."
    if len(entry.owner) > owner_max:
        problems["owner"] = f"Keep the owner to {owner_max} characters or fewer."
    return problems
