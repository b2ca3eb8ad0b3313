"""A system of the organisation's inventory as plain data, with the rules its fields follow.

A system may fill placeholder roles: the system marked for `cloud_provider`
is the name that `{cloud_provider}` takes in every statement. A role is
filled by at most one active system of an organisation; a retired system
fills none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..textsafety import clean_text

__all__ = ["clean_text"]  # re-exported for the CSV reader and the services

KINDS: dict[str, str] = {
    "cloud-provider": "Cloud provider",
    "identity-provider": "Identity provider",
    "code-repository": "Code repository",
    "ci-pipeline": "CI pipeline",
    "ticketing": "Ticketing",
    "hr-system": "HR system",
    "device-management": "Device management",
    "logging-monitoring": "Logging and monitoring",
    "database": "Database",
    "endpoint-fleet": "Endpoint fleet",
    "office": "Office",
    "saas-application": "SaaS application",
    "other": "Other",
}
CLASSIFICATIONS: dict[str, str] = {
    "public": "Public",
    "internal": "Internal",
    "confidential": "Confidential",
    "restricted": "Restricted (personal or regulated data)",
}
# placeholder → what the role means, and the kind a system filling it usually is
ROLES: dict[str, tuple[str, str]] = {
    "system": ("The system in scope (your product or platform)", "other"),
    "cloud_provider": ("Cloud provider", "cloud-provider"),
    "identity_provider": ("Identity provider", "identity-provider"),
    "code_repository": ("Code repository", "code-repository"),
    "ci_pipeline": ("CI pipeline", "ci-pipeline"),
    "ticketing_system": ("Ticketing system", "ticketing"),
    "hr_system": ("HR system", "hr-system"),
    "mdm_tool": ("Device management tool", "device-management"),
    "logging_platform": ("Logging platform", "logging-monitoring"),
    "monitoring_tool": ("Monitoring and alerting tool", "logging-monitoring"),
    "vulnerability_scanner": ("Vulnerability scanner", "saas-application"),
    "backup_system": ("Backup system", "other"),
    "password_manager": ("Password manager", "saas-application"),
    "training_platform": ("Training platform", "saas-application"),
    "document_repository": ("Document repository", "saas-application"),
}
MAX_NAME = 200
MAX_OWNER = 200
MAX_NOTES = 2000


@dataclass(frozen=True)
class SystemEntry:
    """One system: what it is, who owns it, the data it holds and the roles it fills."""

    name: str
    kind: str = "other"
    owner: str = ""
    classification: str = "internal"
    in_scope: bool = True
    notes: str = ""
    retired: bool = False
    roles: tuple[str, ...] = field(default_factory=tuple)
    id: int | None = None


def role_label(role: str) -> str:
    """Return how a placeholder role reads on a page: "Cloud provider"."""
    return ROLES[role][0] if role in ROLES else role.replace("_", " ").capitalize()


def _too_long(label: str, limit: int, value: str) -> str:
    return f"Keep the {label} to {limit} characters or fewer ({len(value)} given)."


def entry_problems(entry: SystemEntry) -> dict[str, str]:
    """Return field → message for one system's own fields (uniqueness is checked apart)."""
    problems: dict[str, str] = {}
    if not entry.name:
        problems["name"] = "Name the system."
    elif len(entry.name) > MAX_NAME:
        problems["name"] = _too_long("name", MAX_NAME, entry.name)
    if entry.kind not in KINDS:
        problems["kind"] = f"Choose a kind: {', '.join(KINDS)}."
    if len(entry.owner) > MAX_OWNER:
        problems["owner"] = _too_long("owner", MAX_OWNER, entry.owner)
    if entry.classification not in CLASSIFICATIONS:
        problems["classification"] = f"Choose a classification: {', '.join(CLASSIFICATIONS)}."
    if len(entry.notes) > MAX_NOTES:
        problems["notes"] = _too_long("notes", MAX_NOTES, entry.notes)
    unknown = [r for r in entry.roles if r not in ROLES]
    if unknown:
        problems["roles"] = f"Unknown placeholder role: {', '.join(unknown)}."
    elif entry.retired and entry.roles:
        problems["roles"] = "A retired system fills no placeholder; restore it first."
    return problems


def name_key(name: str) -> str:
    """Return the form two names are compared in: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def clash_problems(entry: SystemEntry, others: Iterable[SystemEntry]) -> dict[str, str]:
    """Return field → message when `entry` repeats another system's name or role."""
    problems: dict[str, str] = {}
    others = [o for o in others if o.id is None or o.id != entry.id]
    same = next((o for o in others if name_key(o.name) == name_key(entry.name)), None)
    if same is not None:
        problems["name"] = f"Another system is already called {same.name!r}."
    for role in entry.roles:
        holder = next((o for o in others if not o.retired and role in o.roles), None)
        if holder is not None:
            problems["roles"] = (
                f"{holder.name} already fills {{{role}}}; a placeholder takes one system."
            )
            break
    return problems


def placeholder_values(systems: Sequence[SystemEntry]) -> dict[str, str]:
    """Return placeholder → system name for every role an active system fills."""
    values: dict[str, str] = {}
    for system in systems:
        if system.retired:
            continue
        for role in system.roles:
            values.setdefault(role, system.name)
    return values


def in_scope_names(systems: Sequence[SystemEntry]) -> list[str]:
    """Return the names of the active, in-scope systems."""
    return [s.name for s in systems if s.in_scope and not s.retired]


def parse_roles(text: str) -> tuple[str, ...]:
    """Return the roles named in "cloud_provider; {identity_provider}" style text."""
    parts = re.split(r"[;,\s]+", text.strip())
    return tuple(dict.fromkeys(p.strip("{}").strip() for p in parts if p.strip("{}").strip()))


def lookup(value: str, vocabulary: Mapping[str, str]) -> str | None:
    """Return the key whose key or label matches `value` (case ignored), else None."""
    wanted = " ".join(value.split()).casefold()
    for key, label in vocabulary.items():
        if wanted in (key.casefold(), label.casefold(), key.replace("-", " ").casefold()):
            return key
    return None
