"""The audit trail as plain data: one record per change, and how to filter it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

ACTIONS: tuple[str, ...] = ("create", "update", "delete")
# object kind → what the audit page calls it
KIND_LABELS: dict[str, str] = {
    "organization": "Organisation",
    "membership": "Membership",
    "invitation": "Invitation",
    "assessment": "Assessment",
    "assessed_risk": "Assessed risk",
    "selected_control": "Selected control",
    "custom_risk": "Custom risk",
    "custom_control": "Custom control",
    "custom_mapping": "Custom mapping",
    "system": "System",
    "vendor": "Vendor",
    "vendor_report": "Vendor assurance report",
    "vendor_cuec": "Vendor user-entity control",
    "criterion_exclusion": "Criterion not applicable or carved out",
    "period_settings": "Period settings",
    "population": "Population",
    "sample": "Sample",
    "evidence": "Evidence",
    "organisation_description": "Organisation description",
    "incident": "Incident",
    "user_entity_control": "User-entity control",
    "significant_change": "Significant change",
}


# a recorded field that holds another object's id → the kind of object it names
REFERENCE_FIELDS: dict[str, str] = {
    "control_id": "control",
    "risk_id": "risk",
    "user_id": "user",
    "assessment_id": "assessment",
    "organization_id": "organization",
    "framework_id": "framework",
    "criterion_id": "criterion",
    "evidence_type_id": "evidence_type",
    "policy_id": "policy",
    "invited_by_id": "user",
}


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: by whom, of which kind, in which assessment, between two days."""

    user_id: int | None = None
    object_kind: str | None = None
    start: date | None = None
    end: date | None = None
    assessment_id: int | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One change: when, by whom, what was done to which object, each field's before/after."""

    at: datetime
    user: str
    action: str
    object_kind: str
    object_id: int | None
    assessment_id: int | None
    summary: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    assessment: str = ""  # the assessment's name, when the change belongs to one


Names = Mapping[tuple[str, int], str]


def referenced_ids(records: Iterable[AuditRecord]) -> dict[str, set[int]]:
    """Return, per kind of object, the ids that these records' changes and assessments name."""
    wanted: dict[str, set[int]] = {}
    for record in records:
        if record.assessment_id is not None:
            wanted.setdefault("assessment", set()).add(record.assessment_id)
        for name, change in record.changes.items():
            kind = REFERENCE_FIELDS.get(name)
            if kind is None:
                continue
            for value in (change.get("before"), change.get("after")):
                if isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(kind, set()).add(value)
    return wanted


def named(record: AuditRecord, names: Names) -> AuditRecord:
    """Return the record with every id it holds replaced by what it names ("IAM-02 MFA …").

    An id whose object is gone since keeps its number, marked "(deleted)".
    """

    def label(kind: str, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        return names.get((kind, value), f"#{value} (deleted)")

    changes = {
        name: {side: label(REFERENCE_FIELDS[name], v) for side, v in change.items()}
        if name in REFERENCE_FIELDS
        else change
        for name, change in record.changes.items()
    }
    assessment = (
        names.get(("assessment", record.assessment_id), f"#{record.assessment_id} (deleted)")
        if record.assessment_id is not None
        else ""
    )
    return replace(record, changes=changes, assessment=assessment)


_RECORDED_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?(\+00:00|Z)?$")


def show_value(value: Any, *, exact: bool = False) -> str:
    """Return a recorded value as text: empty for none, JSON for lists and mappings.

    On a page a recorded moment ("2026-12-11T05:39:51.603249+00:00") reads as
    "2026-12-11 05:39 UTC"; `exact` (the CSV) keeps it as stored.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    moment = _RECORDED_MOMENT.match(text)
    if moment and moment.group(5) and not exact:
        return f"{moment.group(1)} {moment.group(2)} UTC"
    return text


def field_label(name: str) -> str:
    """Return a recorded field's name as words: "invited_by_id" → "invited by"."""
    if name in REFERENCE_FIELDS:
        name = name.removesuffix("_id")
    return name.replace("_", " ")
