"""Invitations: a single-use, expiring link with which a new member sets their own password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

INVITATION_LIFETIME = timedelta(days=7)
PENDING, ACCEPTED, WITHDRAWN, EXPIRED = "pending", "accepted", "withdrawn", "expired"


def new_token() -> str:
    """Return a fresh invitation token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return what is stored of a token: its SHA-256, so a database copy opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_state(
    now: datetime,
    expires_at: datetime,
    accepted_at: datetime | None,
    withdrawn_at: datetime | None,
) -> str:
    """Return whether an invitation is pending, accepted, withdrawn or expired at `now`."""
    if accepted_at is not None:
        return ACCEPTED
    if withdrawn_at is not None:
        return WITHDRAWN
    if now >= expires_at:
        return EXPIRED
    return PENDING
