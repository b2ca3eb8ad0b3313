"""Per-address limits: sign-up, password changes, the closing set and exports answer 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from riskapp.domain.accounts.throttle import (
    RateLimit,
    seconds_until_next_window,
    window_start,
)
from riskapp.extensions import db
from riskapp.repository.throttle import count_hit
from tests.conftest import PASSWORD, AuthActions


def test_windows_align_to_the_epoch_and_say_how_long_is_left() -> None:
    now = datetime(2026, 12, 4, 10, 17, 30, tzinfo=UTC)
    assert window_start(now, timedelta(hours=1)) == datetime(2026, 12, 4, 10, tzinfo=UTC)
    assert window_start(now, timedelta(minutes=1)) == datetime(2026, 12, 4, 10, 17, tzinfo=UTC)
    assert seconds_until_next_window(now, timedelta(hours=1)) == 42 * 60 + 30
    assert seconds_until_next_window(now, timedelta(minutes=1)) == 30


def test_hits_count_per_bucket_key_and_window(app: Flask) -> None:
    start = datetime(2026, 12, 4, 10, tzinfo=UTC)
    assert [count_hit(db.engine, "sign-up", "10.0.0.1", start) for _ in range(3)] == [1, 2, 3]
    assert count_hit(db.engine, "sign-up", "10.0.0.2", start) == 1
    assert count_hit(db.engine, "export", "10.0.0.1", start) == 1
    assert count_hit(db.engine, "sign-up", "10.0.0.1", start + timedelta(hours=1)) == 1


@pytest.fixture
def tight(app: Flask) -> Flask:
    app.config["RISKAPP_RATE_LIMITS"] = {
        "sign-up": RateLimit(limit=2, window=timedelta(hours=1)),
        "password": RateLimit(limit=2, window=timedelta(hours=1)),
        "export": RateLimit(limit=2, window=timedelta(minutes=1)),
        "closing-set": RateLimit(limit=1, window=timedelta(minutes=1)),
    }
    return app


def _sign_up(app: Flask, n: int):
    auth = AuthActions(app.test_client())  # a new visitor each time, from the same address
    return auth.post(
        "/sign-up",
        {
            "email": f"person{n}@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "name": "Person",
            "organization": f"Org {n}",
        },
        token_from="/sign-up",
    )


def test_sign_up_is_limited_per_address_and_the_third_creates_nothing(tight: Flask) -> None:
    from riskapp.models import User

    assert _sign_up(tight, 1).status_code == 302
    assert _sign_up(tight, 2).status_code == 302
    refused = _sign_up(tight, 3)
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert db.session.query(User).filter_by(email="person3@example.com").count() == 0


def test_exports_are_limited_per_address(tight: Flask, client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    url = f"/assessments/{two_orgs.assessment_a.id}/export/workbook"
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_password_changes_are_limited_per_address(tight: Flask, client, auth, make_member) -> None:
    auth.sign_in(make_member().user.email)
    wrong = {"current_password": "not it", "new_password": "x", "confirm": "x"}
    statuses = [auth.post("/account", wrong).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
