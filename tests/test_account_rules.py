"""Plain rules behind accounts: passwords, emails, names and the sign-in pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from riskapp.domain.accounts.names import email_problem, name_problem
from riskapp.domain.accounts.passwords import hash_password, password_problems, verify_password
from riskapp.domain.accounts.throttle import (
    ACCOUNT_POLICY,
    ThrottlePolicy,
    minutes_left,
    pause_after,
)

FAST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, None), (4, None), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (500, 60)],
)
def test_the_account_pause_starts_at_five_failures_and_doubles_up_to_an_hour(
    failures: int, minutes: int | None
) -> None:
    pause = pause_after(failures, ACCOUNT_POLICY)
    assert pause == (None if minutes is None else timedelta(minutes=minutes))


def test_a_policy_sets_its_own_threshold_and_cap() -> None:
    policy = ThrottlePolicy(
        free_failures=2, first_pause=timedelta(seconds=30), longest_pause=timedelta(minutes=2)
    )
    assert [pause_after(n, policy) for n in (1, 2, 3, 4, 5)] == [
        None,
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=2),
    ]


def test_minutes_left_rounds_up_and_is_at_least_one() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert minutes_left(now + timedelta(seconds=1), now) == 1
    assert minutes_left(now + timedelta(minutes=7, seconds=1), now) == 8
    assert minutes_left(now - timedelta(minutes=1), now) == 1


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Use at least 12 characters."),
        ("x" * 257, "Use at most 256 characters."),
        (" " * 12, "A password cannot be only spaces."),
        ("dana@acme.example", "Do not use your email address as your password."),
    ],
)
def test_weak_passwords_are_refused(password: str, problem: str) -> None:
    assert problem in password_problems(password, email="dana@acme.example")


def test_a_long_passphrase_is_fine() -> None:
    assert password_problems("correct horse battery staple", email="dana@acme.example") == []


def test_hashes_are_argon2id_salted_and_verified() -> None:
    first, second = (
        hash_password("correct horse battery", FAST),
        hash_password("correct horse battery", FAST),
    )
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "correct horse battery", FAST) == (True, False)
    assert verify_password(first, "wrong horse battery", FAST) == (False, False)
    assert verify_password("", "anything", FAST) == (False, False)
    assert verify_password("not a hash", "anything", FAST) == (False, False)
    assert verify_password(first, "correct horse battery", None) == (True, True)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("dana@acme.example", True),
        ("  dana@acme.example ", True),
        ("", False),
        ("dana", False),
        ("dana@acme", False),
        ("da na@acme.example", False),
        ("a@b@c.example", False),
    ],
)
def test_email_addresses_must_look_usable(email: str, ok: bool) -> None:
    assert (email_problem(email) is None) is ok


def test_names_are_required_and_bounded() -> None:
    assert name_problem("  ", "organisation") == "Give the organisation a name."
    assert name_problem("x" * 201, "assessment") == "Keep the assessment name under 200 characters."
    assert name_problem("", "person", required=False) is None
