"""Users, memberships and the failed sign-in counters; the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, selectinload

from ..domain.accounts.throttle import ThrottlePolicy, pause_after
from ..models import Invitation, Membership, Organization, SignInFailure, SignInSession, User
from .scoping import owned_by


def normalise_email(email: str) -> str:
    """Return the email as stored: trimmed and lower-case."""
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


def memberships_of(session: Session, user_id: int) -> list[Membership]:
    """Return a user's memberships, organisations loaded, by organisation name."""
    return list(
        session.scalars(
            sa.select(Membership)
            .join(Organization)
            .where(Membership.user_id == user_id)
            .options(selectinload(Membership.organization))
            .order_by(sa.func.lower(Organization.name), Organization.id)
        )
    )


_USER_ID: sa.BindParameter[int] = sa.bindparam("user_id", type_=sa.Integer)
# built once: building it cost more than running it, on every request
_SIGNED_IN_USER = (
    sa.select(User, Membership)
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Organization, Organization.id == Membership.organization_id)
    .options(contains_eager(Membership.organization))
    .where(
        User.id == _USER_ID,
        sa.select(SignInSession.id)
        .where(
            SignInSession.user_id == _USER_ID,
            SignInSession.token_hash == sa.bindparam("token_hash", type_=sa.String),
        )
        .exists(),
    )
    .order_by(sa.func.lower(Organization.name), Organization.id)
)


def signed_in_user(
    session: Session, user_id: int, token_hash: str
) -> tuple[User | None, list[Membership]]:
    """Return the user whose sign-in session holds this token, with their memberships.

    One query per request instead of four: the user, the open-session check and
    the memberships with their organisations (by organisation name) come
    together. No user when the session was ended (or never opened).
    """
    rows = session.execute(_SIGNED_IN_USER, {"user_id": user_id, "token_hash": token_hash}).all()
    if not rows:
        return None, []
    return rows[0][0], [m for _, m in rows if m is not None]


def membership(session: Session, user_id: int, organization_id: int) -> Membership | None:
    """Return the user's membership of the organisation, or None for a non-member."""
    return session.scalars(
        owned_by(Membership, organization_id).where(Membership.user_id == user_id)
    ).first()


def members(session: Session, organization_id: int) -> list[Membership]:
    """Return the organisation's memberships, users loaded, by email."""
    return list(
        session.scalars(
            owned_by(Membership, organization_id)
            .join(User, User.id == Membership.user_id)
            .options(contains_eager(Membership.user))  # one query, users from the join
            .order_by(User.email)
        )
    )


def organizations_named(session: Session, name: str) -> list[Organization]:
    return list(session.scalars(sa.select(Organization).where(Organization.name == name)))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def locked_until(session: Session, scope: str, key: str, now: datetime) -> datetime | None:
    """Return when sign-in for this account or address may resume, or None if it may now."""
    until = _aware(
        session.scalar(
            sa.select(SignInFailure.locked_until).where(
                SignInFailure.scope == scope, SignInFailure.key == key
            )
        )
    )
    return until if until is not None and until > now else None


def record_failure(
    session: Session, scope: str, key: str, policy: ThrottlePolicy, now: datetime
) -> int:
    """Count one more failure for this account or address, pause it if due; return the count.

    Counting is one UPDATE (failures = failures + 1), so workers racing on the
    same key do not lose failures; counters idle for `forget_after` start over.
    """
    stale = now - policy.forget_after
    session.execute(sa.delete(SignInFailure).where(SignInFailure.last_failure_at < stale))
    match = (SignInFailure.scope == scope, SignInFailure.key == key)
    bump = (
        sa.update(SignInFailure)
        .where(*match)
        .values(failures=SignInFailure.failures + 1, last_failure_at=now)
    )
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(SignInFailure(scope=scope, key=key, failures=1, last_failure_at=now))
        except IntegrityError:  # another worker inserted it first
            session.execute(bump)
    row = session.scalars(sa.select(SignInFailure).where(*match)).one()
    session.refresh(row)
    pause = pause_after(row.failures, policy)
    if pause is not None:
        current = _aware(row.locked_until)
        row.locked_until = max(current, now + pause) if current else now + pause
    session.flush()
    return row.failures


def clear_failures(session: Session, scope: str, key: str) -> None:
    """Forget the failures of this account or address (after a successful sign-in)."""
    session.execute(
        sa.delete(SignInFailure).where(SignInFailure.scope == scope, SignInFailure.key == key)
    )


def add_sign_in_session(session: Session, user_id: int, token_hash: str) -> None:
    """Record a new signed-in session of this user."""
    session.add(SignInSession(user_id=user_id, token_hash=token_hash))
    session.flush()


def end_sign_in_sessions(
    session: Session, *, token_hash: str | None = None, user_id: int | None = None
) -> None:
    """Delete one session (by token) or every session of a user."""
    statement = sa.delete(SignInSession)
    if token_hash is not None:
        statement = statement.where(SignInSession.token_hash == token_hash)
    if user_id is not None:
        statement = statement.where(SignInSession.user_id == user_id)
    session.execute(statement)


def invitation_by_token_hash(session: Session, token_hash: str) -> Invitation | None:
    """Return the invitation whose link carries this token, organisation loaded."""
    return session.scalar(
        sa.select(Invitation)
        .options(selectinload(Invitation.organization))
        .where(Invitation.token_hash == token_hash)
    )


def open_invitations(session: Session, organization_id: int, now: datetime) -> list[Invitation]:
    """Return the organisation's invitations not yet accepted, withdrawn or expired."""
    return list(
        session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organization_id == organization_id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )
