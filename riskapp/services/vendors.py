"""Vendor register use cases: list and filter, add, edit, retire, CUECs, CSV import and export.

Every write checks the whole input first and raises InvalidInput (field →
message) before anything is flushed, so a refused form or file changes
nothing. Reads go through the organisation's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ..domain.errors import InvalidInput, RiskappError
from ..domain.vendors.assurance import REPORT_LABELS, Bridge, bridge, needed_days
from ..domain.vendors.csvio import HEADER, CsvProblem, read_vendors, write_vendors
from ..domain.vendors.register import (
    DATA_LABELS,
    computed_tier,
    effective_tier,
    is_overdue,
    next_due,
)
from ..domain.vendors.validation import VendorRecord, check_vendor, clean, system_names
from ..extensions import db
from ..models import Assessment, System, Vendor, VendorCuec, VendorReport
from ..models.base import utcnow
from ..models.vendors import MAX_CONTROL_REF, MAX_CUEC
from ..repository import inventory as inventory_repo
from ..repository import library as library_repo
from ..repository import vendors as repo
from ..repository.scoping import get_owned

__all__ = ["HEADER", "CsvRefused", "VendorFilter", "VendorLine", "VendorRecord"]


class CsvRefused(RiskappError):
    """A vendor CSV file was refused whole; `problems` lists each by line and field."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


@dataclass(frozen=True)
class VendorFilter:
    """Which vendors the list shows."""

    text: str = ""
    tier: int | None = None
    criticality: str = ""
    data: str = ""
    state: str = "active"  # active, retired or all
    bridge_only: bool = False


@dataclass(frozen=True)
class VendorLine:
    """One vendor as the list shows it."""

    vendor: Vendor
    record: VendorRecord
    computed_tier: int
    tier: int
    next_due: date | None
    overdue: bool
    report_label: str
    bridge: Bridge | None
    data_label: str


def get(organization_id: int, vendor_id: int) -> Vendor:
    """Return one of the organisation's vendors (another organisation's: NotFound)."""
    return get_owned(db.session, Vendor, vendor_id, organization_id)


def record_of(vendor: Vendor) -> VendorRecord:
    """Return a vendor as the domain's record."""
    return repo.to_record(vendor)


def assessments(organization_id: int) -> list[Assessment]:
    """Return the organisation's assessments, newest first."""
    return repo.dated_assessments(db.session, organization_id)


def _needed(assessment: Assessment | None) -> tuple[date, date] | None:
    if assessment is None:
        return None
    return needed_days(
        assessment.report_type,
        assessment.as_of_date,
        assessment.period_start,
        assessment.period_end,
    )


def line_of(vendor: Vendor, against: Assessment | None, today: date) -> VendorLine:
    """Return a vendor's list line: tiers, due date, report, bridge against an assessment."""
    record = repo.to_record(vendor)
    tier = effective_tier(record.facts)
    needed = _needed(against)
    return VendorLine(
        vendor=vendor,
        record=record,
        computed_tier=computed_tier(record.facts.data, record.facts.criticality),
        tier=tier,
        next_due=next_due(record.facts.last_assessed, tier),
        overdue=is_overdue(record.facts.last_assessed, tier, today),
        report_label=REPORT_LABELS.get(record.report.kind, record.report.kind),
        bridge=bridge(record.report, needed) if needed else None,
        data_label=DATA_LABELS.get(record.facts.data, record.facts.data),
    )


def vendor_lines(
    organization_id: int, f: VendorFilter, against: Assessment | None, today: date
) -> list[VendorLine]:
    """Return the vendors the filter lets through, by name."""
    rows = repo.vendors(db.session, organization_id, include_retired=f.state != "active")
    if f.state == "retired":
        rows = [v for v in rows if v.retired_at is not None]
    lines = [line_of(v, against, today) for v in rows]
    text = f.text.casefold()
    return [
        line
        for line in lines
        if (not text or text in f"{line.vendor.name} {line.vendor.service}".casefold())
        and (f.tier is None or line.tier == f.tier)
        and (not f.criticality or line.vendor.criticality == f.criticality)
        and (not f.data or line.vendor.data_shared == f.data)
        and (not f.bridge_only or (line.bridge is not None and line.bridge.letter_needed))
    ]


def _apply(vendor: Vendor, record: VendorRecord) -> None:
    f, r = record.facts, record.report
    vendor.name = f.name
    vendor.service = f.service
    vendor.provided_systems = _systems_named(vendor.organization_id, system_names(f.systems))
    vendor.data_shared = f.data
    vendor.criticality = f.criticality
    vendor.tier_override = f.tier_override
    vendor.override_reason = f.override_reason
    vendor.last_assessed = f.last_assessed
    vendor.contingency_plan = f.contingency
    vendor.notes = f.notes
    report = vendor.report or VendorReport()
    report.kind = r.kind
    report.period_start = r.period_start
    report.period_end = r.period_end
    report.report_date = r.report_date
    report.exceptions = r.exceptions
    vendor.report = report


def _active_systems(organization_id: int) -> list[System]:
    return [s for s in inventory_repo.systems(db.session, organization_id) if not s.retired]


def _systems_named(organization_id: int, names: list[str]) -> list[System]:
    """Return the organisation's active systems with these names (checked beforehand)."""
    by_name = {s.name.casefold(): s for s in _active_systems(organization_id)}
    return [by_name[n.casefold()] for n in names if n.casefold() in by_name]


def system_choices(organization_id: int) -> list[str]:
    """Return the names of the systems a vendor may be said to provide: the active inventory."""
    return [s.name for s in _active_systems(organization_id)]


def _checked(
    organization_id: int, raw: Mapping[str, object], vendor_id: int | None
) -> VendorRecord:
    record, problems = check_vendor(raw, system_choices(organization_id))
    if record is not None:
        same = repo.vendor_named(db.session, organization_id, record.facts.name)
        if same is not None and same.id != vendor_id:
            problems["name"] = f"{same.name} is already in the register."
    if problems or record is None:
        raise InvalidInput(problems)
    return record


def create(organization_id: int, raw: Mapping[str, object]) -> Vendor:
    """Add a vendor from its fields (named as the CSV header)."""
    record = _checked(organization_id, raw, None)
    vendor = Vendor(organization_id=organization_id, provided_systems=[])
    _apply(vendor, record)
    db.session.add(vendor)
    db.session.flush()
    return vendor


def update(organization_id: int, vendor_id: int, raw: Mapping[str, object]) -> Vendor:
    """Change a vendor's fields and its assurance report."""
    vendor = get(organization_id, vendor_id)
    record = _checked(organization_id, raw, vendor.id)
    _apply(vendor, record)
    db.session.flush()
    return vendor


def retire(organization_id: int, vendor_id: int) -> Vendor:
    """Retire a vendor: kept for the record, hidden from the list and from new carve-outs."""
    vendor = get(organization_id, vendor_id)
    if vendor.retired_at is None:
        vendor.retired_at = utcnow()
        db.session.flush()
    return vendor


def reinstate(organization_id: int, vendor_id: int) -> Vendor:
    """Bring a retired vendor back into the register."""
    vendor = get(organization_id, vendor_id)
    vendor.retired_at = None
    db.session.flush()
    return vendor


def known_control_refs(organization_id: int) -> set[str]:
    """Return the refs a CUEC may map to: library controls and the org's custom controls."""
    library = library_repo.cached_library(db.session)
    return set(library.controls) | repo.custom_control_refs(db.session, organization_id)


def add_cuec(
    organization_id: int, vendor_id: int, description: str, control_ref: str
) -> VendorCuec:
    """Record a user-entity control the vendor expects of us, mapped to one of our controls."""
    vendor = get(organization_id, vendor_id)
    text, ref = clean(description), clean(control_ref).upper()
    problems: dict[str, str] = {}
    if not text:
        problems["description"] = "Describe the control the vendor expects you to run."
    elif len(text) > MAX_CUEC:
        problems["description"] = f"Keep it under {MAX_CUEC:,} characters."
    if not ref:
        problems["control_ref"] = "Give the ref of the control of ours that meets it."
    elif len(ref) > MAX_CONTROL_REF or ref not in known_control_refs(organization_id):
        problems["control_ref"] = (
            f"{ref[:MAX_CONTROL_REF]} is neither a library control nor one of your custom controls."
        )
    if problems:
        raise InvalidInput(problems)
    cuec = VendorCuec(description=text, control_ref=ref)
    vendor.cuecs.append(cuec)
    db.session.flush()
    return cuec


def remove_cuec(organization_id: int, cuec_id: int) -> VendorCuec:
    """Remove a user-entity control from its vendor."""
    cuec = get_owned(db.session, VendorCuec, cuec_id, organization_id)
    db.session.delete(cuec)
    db.session.flush()
    return cuec


def export_csv(organization_id: int) -> str:
    """Return the register (retired vendors too) as CSV with the documented header."""
    rows = repo.vendors(db.session, organization_id, include_retired=True)
    return write_vendors(repo.to_record(v) for v in rows)


def import_csv(organization_id: int, data: bytes) -> tuple[int, int]:
    """Add or update (by name, ignoring case) every vendor of a file; return (added, updated).

    The whole file is checked first; any problem raises CsvRefused and nothing is written.
    """
    records, problems = read_vendors(data, system_choices(organization_id))
    if problems:
        raise CsvRefused(problems)
    added = updated = 0
    for record in records:
        vendor = repo.vendor_named(db.session, organization_id, record.facts.name)
        if vendor is None:
            vendor = Vendor(organization_id=organization_id, provided_systems=[])
            db.session.add(vendor)
            added += 1
        else:
            updated += 1
        _apply(vendor, record)
    db.session.flush()
    return added, updated
