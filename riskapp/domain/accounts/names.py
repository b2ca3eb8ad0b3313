"""Rules for account and organisation input: emails and names."""

from __future__ import annotations

import re

MAX_EMAIL = 320
MAX_NAME = 200
# Deliberately loose: one @, no spaces, a dot in the domain. Mail delivery is the real test.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_problem(email: str) -> str | None:
    """Return what is wrong with an email address, or None when it looks usable."""
    email = email.strip()
    if not email:
        return "Enter an email address."
    if len(email) > MAX_EMAIL or not EMAIL_RE.match(email):
        return "Enter an email address like name@example.com."
    return None


def name_problem(name: str, what: str, *, required: bool = True) -> str | None:
    """Return what is wrong with a name (of an organisation, assessment or person), or None."""
    if required and not name.strip():
        return f"Give the {what} a name."
    if len(name.strip()) > MAX_NAME:
        return f"Keep the {what} name under {MAX_NAME} characters."
    return None
