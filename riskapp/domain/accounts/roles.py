"""Roles in an organisation, what each may do, and the rule that keeps an owner."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import InvalidInput, LastOwner

OWNER = "owner"
EDITOR = "editor"
VIEWER = "viewer"
AUDITOR = "auditor"
ROLES: tuple[str, ...] = (OWNER, EDITOR, VIEWER, AUDITOR)

ROLE_DESCRIPTIONS: dict[str, str] = {
    OWNER: "manages members and settings, and changes everything",
    EDITOR: "changes assessments",
    VIEWER: "reads and exports",
    AUDITOR: "reads, exports, reads the audit trail and records the auditor's test results",
}

# permission → the roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "export": frozenset(ROLES),
    "edit": frozenset({OWNER, EDITOR}),
    "manage": frozenset({OWNER}),
    "audit": frozenset({OWNER, AUDITOR}),
    "auditor_results": frozenset({AUDITOR}),
}

PERMISSION_NAMES: dict[str, str] = {
    "read": "read this organisation's data",
    "export": "export this organisation's data",
    "edit": "change assessments",
    "manage": "manage members and settings",
    "audit": "read the audit trail",
    "auditor_results": "record the auditor's test results",
}


def can(role: str | None, permission: str) -> bool:
    """Answer whether `role` holds `permission` (an unknown permission is nobody's)."""
    return role is not None and role in PERMISSIONS.get(permission, frozenset())


def roles_allowed(permission: str) -> tuple[str, ...]:
    """Return the roles that hold `permission`, in the order of ROLES."""
    allowed = PERMISSIONS.get(permission, frozenset())
    return tuple(r for r in ROLES if r in allowed)


def check_role(role: str) -> str:
    """Return `role` when it is one of ROLES, else raise InvalidInput."""
    if role not in ROLES:
        raise InvalidInput({"role": f"Choose a role: {', '.join(ROLES)}."})
    return role


def check_keeps_an_owner(
    organization: str, roles: Iterable[str], old_role: str, new_role: str | None
) -> None:
    """Raise LastOwner when a member leaving role `old_role` leaves no owner.

    `roles` are the roles of every current member, the changed one included;
    `new_role` is None when the member leaves or is removed.
    """
    if old_role != OWNER or new_role == OWNER:
        return
    if sum(1 for r in roles if r == OWNER) <= 1:
        raise LastOwner(organization)
