"""Passwords: the policy a new one must meet, and Argon2id hashing with tunable cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Return what is wrong with a new password; an empty list means it may be used."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    elif len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if not password.strip():
        problems.append("A password cannot be only spaces.")
    if email and password.strip().lower() == email.strip().lower():
        problems.append("Do not use your email address as your password.")
    return problems


def hasher(params: Mapping[str, Any] | None = None) -> PasswordHasher:
    """Return an Argon2id hasher; `params` (time_cost, memory_cost, parallelism) tune its cost.

    Without `params` the hasher uses argon2-cffi's defaults (RFC 9106's low-memory
    profile: 3 passes over 64 MiB with 4 lanes).
    """
    return PasswordHasher(**dict(params or {}))


def hash_password(password: str, params: Mapping[str, Any] | None = None) -> str:
    """Return the Argon2id hash of `password`, salt and parameters encoded in it."""
    return hasher(params).hash(password)


def verify_password(
    stored: str, password: str, params: Mapping[str, Any] | None = None
) -> tuple[bool, bool]:
    """Answer (matches, needs rehash): whether `password` matches `stored`, and whether
    `stored` was made with other parameters than `params` and should be hashed again."""
    ph = hasher(params)
    try:
        ph.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, ph.check_needs_rehash(stored)


def burn_time(params: Mapping[str, Any] | None = None) -> None:
    """Spend the time of one verification, so an unknown email answers as slowly as a known."""
    hash_password("not a real password", params)
