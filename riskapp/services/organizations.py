"""Organisation use cases: create, settings, members and roles (the last owner stays)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.accounts.invitations import INVITATION_LIFETIME, new_token, token_hash
from ..domain.accounts.names import email_problem, name_problem
from ..domain.accounts.roles import OWNER, check_keeps_an_owner, check_role
from ..domain.assessment.scoring import DEFAULT_BANDS, Band, format_bands, parse_bands
from ..domain.errors import InvalidInput, RuleViolation
from ..domain.inventory.model import ROLES as SYSTEM_ROLES
from ..domain.library.model import PLACEHOLDERS
from ..extensions import db
from ..models import Invitation, Membership, Organization, User
from ..repository import accounts as repo
from ..repository.scoping import get_owned

# placeholders kept in settings: none today. The organisation's name fills {org}, each
# control card its {owner} and {frequency}, and the system inventory every system role.
SETTING_KEYS: tuple[str, ...] = tuple(
    p for p in PLACEHOLDERS if p not in ("org", "owner", "frequency") and p not in SYSTEM_ROLES
)
MAX_SETTING = 200
BANDS_KEY = "risk_bands"  # the organisation's score bands, as 'low 1-4, medium 5-9, …'


def organisation_bands(settings: Mapping[str, object] | None) -> tuple[Band, ...]:
    """Return the organisation's risk bands, or the defaults when none are set."""
    text = (settings or {}).get(BANDS_KEY)
    if isinstance(text, str) and text.strip():
        bands, problems = parse_bands(text)
        if not problems:
            return bands
    return DEFAULT_BANDS


def create_organization(user: User, name: str) -> Organization:
    """Create an organisation with `user` as its owner."""
    if problem := name_problem(name, "organisation"):
        raise InvalidInput({"name": problem})
    org = Organization(name=name.strip())
    db.session.add(org)
    db.session.add(Membership(user=user, organization=org, role=OWNER))
    db.session.flush()
    return org


def update_settings(organization_id: int, name: str, values: Mapping[str, str]) -> Organization:
    """Rename the organisation and set its placeholder values (blank clears one)."""
    problems: dict[str, str] = {}
    if problem := name_problem(name, "organisation"):
        problems["name"] = problem
    for key in SETTING_KEYS:
        if len(values.get(key, "").strip()) > MAX_SETTING:
            problems[key] = f"Keep this under {MAX_SETTING} characters."
    bands_text = values.get(BANDS_KEY, "").strip()
    if bands_text:
        bands, band_errors = parse_bands(bands_text)
        if band_errors:
            problems[BANDS_KEY] = " ".join(band_errors)
        else:
            bands_text = format_bands(bands)
    if problems:
        raise InvalidInput(problems)
    org = get_owned(db.session, Organization, organization_id, organization_id)
    settings = dict(org.settings or {})
    for key in SETTING_KEYS:
        value = values.get(key, "").strip()
        if value:
            settings[key] = value
        else:
            settings.pop(key, None)
    if bands_text:
        settings[BANDS_KEY] = bands_text
    else:
        settings.pop(BANDS_KEY, None)
    org.name = name.strip()
    org.settings = settings  # a new dict, so the change is seen and audited
    db.session.flush()
    return org


@dataclass(frozen=True)
class Added:
    """What adding an email did: the member added, or the invitation made with its link token."""

    member: Membership | None = None
    invitation: Invitation | None = None
    token: str = ""  # shown once, in the link the owner passes on; only its hash is stored


def add_member(
    organization_id: int, email: str, role: str, invited_by: User | None = None
) -> Added:
    """Add the account with this email with `role`, or invite the person when none exists.

    An invitation is a single-use link that expires after INVITATION_LIFETIME; the
    person sets their own password with it. Inviting the same email again
    withdraws the earlier link, so only the newest one works.
    """
    check_role(role)
    if problem := email_problem(email):
        raise InvalidInput({"email": problem})
    org = get_owned(db.session, Organization, organization_id, organization_id)
    user = repo.user_by_email(db.session, email)
    if user is not None:
        if repo.membership(db.session, user.id, organization_id) is not None:
            raise InvalidInput({"email": f"{user.email} is already a member of {org.name}."})
        member = Membership(user=user, organization=org, role=role)
        db.session.add(member)
        db.session.flush()
        return Added(member=member)
    now = datetime.now(UTC)
    address = repo.normalise_email(email)
    for earlier in repo.open_invitations(db.session, organization_id, now):
        if earlier.email == address:
            earlier.withdrawn_at = now
    token = new_token()
    invitation = Invitation(
        organization=org,
        email=address,
        role=role,
        token_hash=token_hash(token),
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    return Added(invitation=invitation, token=token)


def open_invitations(organization_id: int) -> list[Invitation]:
    """Return the organisation's invitations still waiting to be used, newest first."""
    return repo.open_invitations(db.session, organization_id, datetime.now(UTC))


def withdraw_invitation(organization_id: int, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    invitation = get_owned(db.session, Invitation, invitation_id, organization_id)
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise RuleViolation(f"The invitation for {invitation.email} is no longer pending.")
    invitation.withdrawn_at = datetime.now(UTC)
    db.session.flush()
    return invitation


def members(organization_id: int) -> list[Membership]:
    """Return the organisation's memberships, users loaded, by email."""
    return repo.members(db.session, organization_id)


def get_member(organization_id: int, membership_id: int) -> Membership:
    """Return the organisation's membership, or raise NotFound."""
    return get_owned(db.session, Membership, membership_id, organization_id)


def _roles(organization_id: int) -> list[str]:
    return [m.role for m in repo.members(db.session, organization_id)]


def change_role(organization_id: int, membership_id: int, role: str) -> Membership:
    """Give a member another role; the last owner cannot be demoted."""
    check_role(role)
    member = get_owned(db.session, Membership, membership_id, organization_id)
    check_keeps_an_owner(member.organization.name, _roles(organization_id), member.role, role)
    member.role = role
    db.session.flush()
    return member


def remove_member(organization_id: int, membership_id: int) -> User:
    """Remove a member (or let one leave) and return who it was; the last owner cannot."""
    member = get_owned(db.session, Membership, membership_id, organization_id)
    check_keeps_an_owner(member.organization.name, _roles(organization_id), member.role, None)
    user = member.user
    db.session.delete(member)
    db.session.flush()
    return user
