"""Organisations, users and their memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.accounts.roles import ROLES
from ..extensions import Model
from .base import utcnow

__all__ = ["ROLES", "Membership", "Organization", "SignInFailure", "User"]


class Organization(Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # placeholder values ({system}, {identity_provider}, ...) and risk bands
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # changed by database triggers on every write to the organisation's assessment data
    # (migration 0019), never by the application; read by repository.revisions alone.
    # An empty token (a database without the triggers) is never trusted.
    data_revision: Mapped[str] = mapped_column(sa.String(40), server_default="", deferred=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class User(Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # bumped when the password changes: sessions signed in before then stop working
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the session's user key: the id and the session epoch."""
        return f"{self.id}.{self.session_epoch}"

    @property
    def label(self) -> str:
        """Return the name to show: the user's name, else the email."""
        return self.name or self.email


class Membership(Model):
    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "organization_id"),
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")


class SignInFailure(Model):
    """Recent failed sign-ins for one account (email) or one client address."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(sa.String(320))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SignInSession(Model):
    """One signed-in browser session; signing out deletes it, so its cookie opens nothing."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the random token kept in the signed session cookie; the token itself is not stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Invitation(Model):
    """An invitation to join an organisation, opened by a single-use link that expires."""

    __tablename__ = "invitation"
    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(320))
    role: Mapped[str] = mapped_column(sa.String(20))
    # SHA-256 of the token in the link; the link itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organization: Mapped[Organization] = relationship()
