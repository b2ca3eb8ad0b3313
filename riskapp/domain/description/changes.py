"""Which audit-trail events are changes to the system or its controls, and how DC9 words them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

CHANGE_KINDS: tuple[str, ...] = ("selected_control", "custom_control", "system")


@dataclass(frozen=True)
class ChangeCandidate:
    """An audit event that may be a significant change, worded for DC9."""

    event_id: int
    on: date
    summary: str
    chosen: bool = False


def _after(changes: Mapping[str, Any], name: str) -> Any:
    value = changes.get(name)
    return value.get("after") if isinstance(value, Mapping) else None


def describe_change(kind: str, action: str, name: str, changes: Mapping[str, Any]) -> str | None:
    """Return a change to a control or system in words, or None when it does not count."""
    noun = "System" if kind == "system" else "Control"
    if action == "create":
        return f"{noun} {name} added."
    if action == "delete":
        return f"{noun} {name} removed."
    if kind == "system":
        if "retired" in changes:
            return f"System {name} {'retired' if _after(changes, 'retired') else 'back in use'}."
        if "in_scope" in changes:
            where = "brought into" if _after(changes, "in_scope") else "taken out of"
            return f"System {name} {where} scope."
        return None
    if "status" in changes:
        return f"Control {name} status changed to {_after(changes, 'status') or 'none'}."
    if "statement" in changes:
        return f"Control {name} statement rewritten."
    if "retired_at" in changes or "successor" in changes:
        return f"Control {name} retired."
    return None


def within(on: date, start: date | None, end: date | None) -> bool:
    """Answer whether a day falls inside a period (an open end counts as unbounded)."""
    return (start is None or on >= start) and (end is None or on <= end)
