"""Account use cases: sign up, sign in (throttled), passwords, and the CLI's user creation."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from ..domain.accounts.invitations import PENDING, invitation_state, token_hash
from ..domain.accounts.names import email_problem, name_problem
from ..domain.accounts.passwords import burn_time, hash_password, password_problems, verify_password
from ..domain.accounts.roles import OWNER, check_role
from ..domain.accounts.throttle import ACCOUNT_POLICY, ADDRESS_POLICY, minutes_left
from ..domain.errors import InvalidInput, InvitationInvalid, SignInRejected, TooManyAttempts
from ..extensions import db
from ..models import Invitation, Membership, Organization, User
from ..repository import accounts as repo
from ..repository.auditing import acting_as, clear_actor, set_actor

ACCOUNT = "account"
ADDRESS = "address"


def _hash_params() -> Mapping[str, Any] | None:
    return current_app.config.get("RISKAPP_PASSWORD_HASH")


def new_account_problems(
    email: str, password: str, name: str = "", *, say_if_taken: bool = True
) -> dict[str, str]:
    """Return field → message for a new account's email, password and name (and, unless
    `say_if_taken` is false, whether the address already has an account)."""
    problems: dict[str, str] = {}
    if problem := email_problem(email):
        problems["email"] = problem
    elif say_if_taken and repo.user_by_email(db.session, email) is not None:
        problems["email"] = "An account already uses this email address; sign in instead."
    if found := password_problems(password, email=email):
        problems["password"] = " ".join(found)
    if problem := name_problem(name, "person", required=False):
        problems["name"] = problem
    return problems


def new_user(email: str, password: str, name: str = "") -> User:
    user = User(
        email=repo.normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password, _hash_params()),
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, password: str, name: str, organization: str) -> User | None:
    """Create a user and their first organisation, with the user as its owner.

    An address that already has an account gets nothing new and None back, after
    the same work (the password is hashed either way): the caller answers both
    alike, so sign-up does not tell anyone which addresses have accounts.
    """
    problems = new_account_problems(email, password, name, say_if_taken=False)
    if problem := name_problem(organization, "organisation"):
        problems["organization"] = problem
    if problems:
        raise InvalidInput(problems)
    if repo.user_by_email(db.session, email) is not None:
        hash_password(password, _hash_params())
        return None
    user = new_user(email, password, name)
    with acting_as(db.session, user.id, user.email):
        org = Organization(name=organization.strip())
        db.session.add(org)
        db.session.add(Membership(user=user, organization=org, role=OWNER))
        db.session.flush()
    return user


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> User:
    """Return the active user with this email and password, counting failures.

    Raises TooManyAttempts while the account (after 5 failures) or the client
    address (after 20) is paused, without checking the password; otherwise
    SignInRejected for a wrong email or password, or a disabled account. A
    failure that starts a pause raises TooManyAttempts at once.
    """
    now = now or datetime.now(UTC)
    account = repo.normalise_email(email)
    _refuse_if_paused(account, address, now)
    user = repo.user_by_email(db.session, account)
    params = _hash_params()
    if user is None or not user.password_hash:
        burn_time(params)
        matches, rehash = False, False
    else:
        matches, rehash = verify_password(user.password_hash, password, params)
    if user is None or not matches or not user.is_active:
        repo.record_failure(db.session, ACCOUNT, account, ACCOUNT_POLICY, now)
        if address:
            repo.record_failure(db.session, ADDRESS, address, ADDRESS_POLICY, now)
        db.session.flush()
        _refuse_if_paused(account, address, now)
        raise SignInRejected("The email or password is not right.")
    repo.clear_failures(db.session, ACCOUNT, account)
    if rehash:
        user.password_hash = hash_password(password, params)
    db.session.flush()
    return user


def _refuse_if_paused(account: str, address: str, now: datetime) -> None:
    pauses = [repo.locked_until(db.session, ACCOUNT, account, now)]
    if address:
        pauses.append(repo.locked_until(db.session, ADDRESS, address, now))
    until = max((p for p in pauses if p is not None), default=None)
    if until is not None:
        raise TooManyAttempts(minutes_left(until, now))


def signed_in(key: str, token: str | None) -> tuple[User | None, list[Membership]]:
    """Return the active user a session names ("id.epoch") while the session holding `token`
    is open, with their memberships by organisation name; (None, []) otherwise."""
    user_id, _, epoch = key.partition(".")
    if not token or not user_id.isdigit() or not epoch.isdigit():
        return None, []
    user, mine = repo.signed_in_user(db.session, int(user_id), _token_hash(str(token)))
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None, []
    return user, mine


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """Record a new signed-in session of `user`; return its token for the session cookie."""
    token = secrets.token_urlsafe(32)
    repo.add_sign_in_session(db.session, user.id, _token_hash(token))
    return token


def end_session(token: str | None) -> None:
    """End the session holding `token` (sign-out): its cookie opens nothing any more."""
    if token:
        repo.end_sign_in_sessions(db.session, token_hash=_token_hash(token))


def _set_password(user: User, password: str) -> None:
    if found := password_problems(password, email=user.email):
        raise InvalidInput({"new_password": " ".join(found)})
    user.password_hash = hash_password(password, _hash_params())
    user.session_epoch += 1  # other sessions of this user end
    repo.end_sign_in_sessions(db.session, user_id=user.id)


def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's password after checking the current one; other sessions end."""
    matches, _ = verify_password(user.password_hash, current, _hash_params())
    if not matches:
        raise InvalidInput({"current_password": "This is not your current password."})
    _set_password(user, new)
    db.session.flush()


def reset_password(email: str, password: str) -> User:
    """Set a user's password (an administrator's reset from the command line)."""
    user = repo.user_by_email(db.session, email)
    if user is None:
        raise InvalidInput({"email": f"No account uses {email}."})
    _set_password(user, password)
    repo.clear_failures(db.session, ACCOUNT, user.email)
    db.session.flush()
    return user


def create_user(
    email: str, password: str, organization: str, role: str, name: str = ""
) -> tuple[User, Organization, bool]:
    """Create a user as a member of the organisation named `organization` with `role`.

    The organisation is created when no organisation has that name; returns the
    user, the organisation and whether it was created. For a server without
    public sign-up, this makes the first administrator.
    """
    problems = new_account_problems(email, password, name)
    if problem := name_problem(organization, "organisation"):
        problems["org"] = problem
    try:
        check_role(role)
    except InvalidInput as exc:
        problems.update(exc.problems)
    matches = repo.organizations_named(db.session, organization.strip())
    if len(matches) > 1:
        problems["org"] = f"{len(matches)} organisations are named {organization!r}."
    elif not matches and role != OWNER and "role" not in problems:
        problems["role"] = "The first member of a new organisation must be its owner."
    if problems:
        raise InvalidInput(problems)
    with acting_as(db.session, None, "command line"):
        user = new_user(email, password, name)
        org = matches[0] if matches else Organization(name=organization.strip())
        db.session.add(Membership(user=user, organization=org, role=role))
        db.session.flush()
    return user, org, not matches


def open_invitation(token: str, now: datetime | None = None) -> Invitation:
    """Return the pending invitation this link's token opens, or raise InvitationInvalid."""
    if not token or len(token) > 100:
        raise InvitationInvalid()
    found = repo.invitation_by_token_hash(db.session, token_hash(token))
    now = now or datetime.now(UTC)
    if (
        found is None
        or invitation_state(now, _utc(found.expires_at), found.accepted_at, found.withdrawn_at)
        != PENDING
    ):
        raise InvitationInvalid()
    return found


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def accept_invitation(token: str, name: str, password: str) -> User:
    """Create the invited person's account with their own password, and their membership."""
    invitation = open_invitation(token)
    problems = new_account_problems(invitation.email, password, name)
    if "email" in problems:  # the account was made since: join with it instead
        raise InvalidInput(
            {
                "password": f"An account already uses {invitation.email}: sign in with it, then "
                "open this link again to join."
            }
        )
    if problems:
        raise InvalidInput(problems)
    user = new_user(invitation.email, password, name)
    _join(invitation, user)
    return user


def join_by_invitation(token: str, user: User) -> Membership:
    """Add a signed-in user, whose email the invitation names, to its organisation."""
    invitation = open_invitation(token)
    if repo.normalise_email(user.email) != repo.normalise_email(invitation.email):
        raise InvalidInput(
            {
                "invitation": f"This invitation is for {invitation.email}; you are signed in as "
                f"{user.email}. Sign out and open the link again."
            }
        )
    return _join(invitation, user)


def _join(invitation: Invitation, user: User) -> Membership:
    with acting_as(db.session, user.id, user.email):
        member = repo.membership(db.session, user.id, invitation.organization_id)
        if member is None:
            member = Membership(
                user=user, organization_id=invitation.organization_id, role=invitation.role
            )
            db.session.add(member)
        invitation.accepted_at = datetime.now(UTC)
        db.session.flush()
    return member


def account_exists(email: str) -> bool:
    """Answer whether an account uses this email (for an invitation addressed to it)."""
    return repo.user_by_email(db.session, email) is not None


def memberships_of(user_id: int) -> list[Membership]:
    """Return a user's memberships, organisations loaded, by organisation name."""
    return repo.memberships_of(db.session, user_id)


def act_as(user_id: int | None, label: str) -> None:
    """Attribute the changes flushed from now on to a user (None: the system)."""
    set_actor(db.session, user_id, label)


def stop_acting() -> None:
    """Stop attributing changes to the user of the request that ends."""
    clear_actor(db.session)
