"""Organisation use cases: create, settings, members and roles (the last owner stays)."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.accounts.names import email_problem, name_problem
from ..domain.accounts.roles import OWNER, check_keeps_an_owner, check_role
from ..domain.assessment.scoring import DEFAULT_BANDS, Band, format_bands, parse_bands
from ..domain.errors import InvalidInput
from ..domain.inventory.model import ROLES as SYSTEM_ROLES
from ..domain.library.model import PLACEHOLDERS
from ..extensions import db
from ..models import Membership, Organization, User
from ..repository import accounts as repo
from ..repository.scoping import get_owned
from .accounts import new_account_problems, new_user

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


def add_member(
    organization_id: int, email: str, role: str, initial_password: str = ""
) -> Membership:
    """Add the account with this email to the organisation with `role`.

    When no account uses the email, one is created with `initial_password`
    (for servers without public sign-up); without it, InvalidInput says so.
    """
    check_role(role)
    if problem := email_problem(email):
        raise InvalidInput({"email": problem})
    org = get_owned(db.session, Organization, organization_id, organization_id)
    user = repo.user_by_email(db.session, email)
    if user is None:
        if not initial_password:
            raise InvalidInput(
                {
                    "email": "No account uses this email. Ask them to sign up, or set an "
                    "initial password to create their account."
                }
            )
        problems = new_account_problems(email, initial_password)
        if "password" in problems:
            problems["initial_password"] = problems.pop("password")
        if problems:
            raise InvalidInput(problems)
        user = new_user(email, initial_password)
    elif repo.membership(db.session, user.id, organization_id) is not None:
        raise InvalidInput({"email": f"{user.email} is already a member of {org.name}."})
    member = Membership(user=user, organization=org, role=role)
    db.session.add(member)
    db.session.flush()
    return member


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
