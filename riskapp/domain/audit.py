"""The audit trail as plain data: one record per change, and how to filter it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ACTIONS: tuple[str, ...] = ("create", "update", "delete")
# object kind → what the audit page calls it
KIND_LABELS: dict[str, str] = {
    "organization": "Organisation",
    "membership": "Membership",
    "assessment": "Assessment",
    "assessed_risk": "Assessed risk",
    "selected_control": "Selected control",
    "custom_risk": "Custom risk",
    "custom_control": "Custom control",
    "custom_mapping": "Custom mapping",
    "period_settings": "Period settings",
    "population": "Population",
    "sample": "Sample",
    "evidence": "Evidence",
}


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: by whom, of which kind, between two days (both included)."""

    user_id: int | None = None
    object_kind: str | None = None
    start: date | None = None
    end: date | None = None


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


def show_value(value: Any) -> str:
    """Return a recorded value as text: empty for none, JSON for lists and mappings."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
