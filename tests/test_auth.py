"""Sign-up, sign-in, sign-out, throttling, passwords, session cookies and `riskapp user`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from riskapp.domain.accounts.passwords import hash_password
from riskapp.domain.errors import SignInRejected, TooManyAttempts
from riskapp.extensions import db
from riskapp.models import AuditEvent, Membership, Organization, SignInFailure, User
from riskapp.services import accounts
from tests.conftest import PASSWORD, AuthActions, csrf_token_in

NEW_PASSWORD = "a much longer passphrase"


def sign_up(auth: AuthActions, **overrides: str):
    data = {
        "name": "Dana Smith",
        "email": "dana@acme.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organization": "Acme Ltd",
        **overrides,
    }
    return auth.post("/sign-up", data, token_from="/sign-up")


def test_sign_up_creates_the_user_and_their_organisation_as_owner(client, auth) -> None:
    response = sign_up(auth, email="  Dana@Acme.Example ")
    assert response.status_code == 302 and response.location == "/sign-in"
    user = db.session.scalars(sa.select(User)).one()
    assert user.email == "dana@acme.example" and user.name == "Dana Smith"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    membership = db.session.scalars(sa.select(Membership)).one()
    assert (membership.user_id, membership.role, membership.organization.name) == (
        user.id,
        "owner",
        "Acme Ltd",
    )
    assert "Sign in with the email address and password you chose." in (
        client.get("/sign-in").get_data(as_text=True)
    )
    assert client.get("/assessments/").status_code == 302  # signing up does not sign in
    auth.sign_in("dana@acme.example")
    assert "Assessments of Acme Ltd" in client.get("/assessments/").get_data(as_text=True)
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_kind, e.actor) for e in events] == [
        ("create", "organization", "dana@acme.example"),
        ("create", "membership", "dana@acme.example"),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters."),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"organization": ""}, "Name your organisation."),
    ],
)
def test_sign_up_problems_are_shown_beside_the_fields_and_input_is_kept(
    auth, overrides: dict[str, str], message: str
) -> None:
    response = sign_up(auth, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Dana Smith"' in page
    assert PASSWORD not in page  # passwords are never sent back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_sign_up_with_a_taken_email_answers_as_for_a_new_one_and_changes_nothing(
    client, auth, make_user
) -> None:
    """Sign-up must not tell anyone which addresses have accounts."""
    new = sign_up(auth, email="new@acme.example")
    new_page = client.get(new.location).get_data(as_text=True)
    make_user(email="dana@acme.example", password="the owner's own passphrase")
    taken = sign_up(auth, email="Dana@acme.example", name="Mallory", organization="Evil Ltd")
    taken_page = client.get(taken.location).get_data(as_text=True)
    assert (taken.status_code, taken.location) == (302, "/sign-in")
    assert (new.status_code, new.location) == (302, "/sign-in")
    said = [re.findall(r'<p class="flash[^>]*>(.*?)</p>', p) for p in (new_page, taken_page)]
    assert said[0] == said[1] and said[0] != []
    assert "already uses" not in taken_page
    assert [o.name for o in db.session.scalars(sa.select(Organization))] == ["Acme Ltd"]
    dana = db.session.scalars(sa.select(User).where(User.email == "dana@acme.example")).one()
    assert dana.name != "Mallory"
    assert accounts.authenticate("dana@acme.example", "the owner's own passphrase", "10.0.0.9")


def test_public_sign_up_can_be_turned_off(app: Flask, client, auth) -> None:
    app.config["RISKAPP_SIGNUP"] = False
    response = client.get("/sign-up")
    assert response.status_code == 403
    assert "Public sign-up is turned off on this server" in response.get_data(as_text=True)
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/sign-up"' not in page and "Ask an owner of your organisation" in page
    token = auth.token("/sign-in")
    response = client.post("/sign-up", data={"csrf_token": token, "email": "x@example.com"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("false", False), ("1", True)])
def test_sign_up_setting_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path, value: str, expected: bool
) -> None:
    from riskapp.app import create_app

    monkeypatch.setenv("RISKAPP_SIGNUP", value)
    assert create_app(instance_path=str(tmp_path)).config["RISKAPP_SIGNUP"] is expected


def test_sign_in_goes_to_the_page_asked_for(client, auth, make_member) -> None:
    email = make_member().user.email
    first = client.get("/assessments/")
    assert first.status_code == 302 and first.location == "/sign-in?next=%2Fassessments%2F"
    page = client.get(first.location).get_data(as_text=True)
    assert "Please sign in to see this page." in page
    assert 'value="/assessments/"' in page
    response = auth.post(
        "/sign-in",
        {"email": email.upper(), "password": PASSWORD, "next": "/assessments/"},
        token_from="/sign-in",
    )
    assert response.status_code == 302 and response.location == "/assessments/"
    assert client.get("/assessments/").status_code == 200


def test_sign_in_never_redirects_off_site(auth, make_member) -> None:
    email = make_member().user.email
    response = auth.post(
        "/sign-in",
        {"email": email, "password": PASSWORD, "next": "//evil.example/"},
        token_from="/sign-in",
    )
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize("which", ["wrong password", "unknown email", "disabled account"])
def test_failed_sign_in_says_so_without_telling_why(auth, make_user, which: str) -> None:
    user = make_user(email="dana@acme.example", active=which != "disabled account")
    email = "nobody@acme.example" if which == "unknown email" else user.email
    password = "wrong password!" if which == "wrong password" else PASSWORD
    response = auth.sign_in(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The email or password is not right." in page
    assert f'value="{email}"' in page and password not in page
    assert auth.client.get("/assessments/").status_code == 302


def test_sign_in_pauses_an_account_after_five_failures(client, auth, make_member) -> None:
    email = make_member().user.email
    for _ in range(4):
        assert auth.sign_in(email, "wrong password!").status_code == 422
    response = auth.sign_in(email, "wrong password!")
    assert response.status_code == 429
    assert "Too many failed sign-ins; try again in 1 minute." in response.get_data(as_text=True)
    right = auth.sign_in(email, PASSWORD)  # even the right password waits
    assert right.status_code == 429
    assert "Too many failed sign-ins; try again in 1 minute." in right.get_data(as_text=True)
    row = db.session.scalars(sa.select(SignInFailure).where(SignInFailure.scope == "account"))
    row = row.one()
    row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert auth.sign_in(email, PASSWORD).status_code == 302
    count = (
        sa.select(sa.func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.scope == "account")
    )
    assert db.session.scalar(count) == 0  # success forgets the account's failures


def test_the_pause_doubles_with_each_further_failure(app: Flask, make_user) -> None:
    email = make_user().email
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(SignInRejected) as exc:
            accounts.authenticate(email, "wrong password!", "", now)
        assert not isinstance(exc.value, TooManyAttempts)
    waits = []
    for _ in range(4):
        with pytest.raises(TooManyAttempts) as exc:
            accounts.authenticate(email, "wrong password!", "", now)
        waits.append(exc.value.minutes)
        now += timedelta(minutes=exc.value.minutes)
    assert waits == [1, 2, 4, 8]
    last_failure = now - timedelta(minutes=8)
    with pytest.raises(TooManyAttempts, match="try again in 8 minutes"):
        accounts.authenticate(email, PASSWORD, "", last_failure + timedelta(seconds=1))


def test_sign_in_pauses_an_address_after_twenty_failures(app: Flask, make_user) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for i in range(19):
        with pytest.raises(SignInRejected) as exc:
            accounts.authenticate(f"guess{i}@acme.example", "x" * 12, "203.0.113.9", now)
        assert not isinstance(exc.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate("guess19@acme.example", "x" * 12, "203.0.113.9", now)
    good = make_user()
    with pytest.raises(TooManyAttempts, match="try again in 1 minute"):
        accounts.authenticate(good.email, PASSWORD, "203.0.113.9", now)
    assert accounts.authenticate(good.email, PASSWORD, "198.51.100.7", now).id == good.id


def test_the_address_pause_reaches_the_web_form(client, auth, make_user) -> None:
    from riskapp.domain.accounts.throttle import ADDRESS_POLICY
    from riskapp.repository.accounts import record_failure

    for _ in range(20):
        record_failure(db.session, "address", "127.0.0.1", ADDRESS_POLICY, datetime.now(UTC))
    db.session.commit()
    response = auth.sign_in(make_user().email)
    assert response.status_code == 429
    assert "Too many failed sign-ins; try again in" in response.get_data(as_text=True)


def test_old_failures_are_forgotten(app: Flask, make_user) -> None:
    email = make_user().email
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(SignInRejected):
            accounts.authenticate(email, "wrong password!", "", start)
    later = start + timedelta(hours=13)
    with pytest.raises(SignInRejected) as exc:
        accounts.authenticate(email, "wrong password!", "", later)
    assert not isinstance(exc.value, TooManyAttempts)


def test_sign_out_is_a_post_and_ends_the_session(client, auth, make_member) -> None:
    auth.sign_in(make_member().user.email)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/assessments/").status_code == 200
    response = auth.sign_out()
    assert response.status_code == 302 and response.location == "/sign-in"
    assert client.get("/assessments/").status_code == 302


def test_session_cookie_is_httponly_lax_and_secure_over_https(
    app: Flask, auth, make_member
) -> None:
    email = make_member().user.email
    cookie = auth.sign_in(email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = app.test_client()
    page = https.get("/sign-in", base_url="https://localhost").get_data(as_text=True)
    response = https.post(
        "/sign-in",
        data={"csrf_token": csrf_token_in(page), "email": email, "password": PASSWORD},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_secure_can_be_forced(app: Flask, client) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.get("/sign-in")
    assert "Secure" in response.headers["Set-Cookie"]


def test_changing_the_password_ends_other_sessions(app: Flask, client, auth, make_member) -> None:
    email = make_member().user.email
    other = AuthActions(app.test_client())
    other.sign_in(email)
    auth.sign_in(email)
    response = auth.post(
        "/account",
        {
            "current_password": "not it at all",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    response = auth.post(
        "/account",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Your password is changed; your other sessions are signed out." in (
        response.get_data(as_text=True)
    )
    assert client.get("/assessments/").status_code == 200  # this session goes on
    assert other.client.get("/assessments/").status_code == 302  # the other one ended
    assert other.sign_in(email).status_code == 422
    assert other.sign_in(email, NEW_PASSWORD).status_code == 302


def test_a_hash_made_with_other_parameters_is_renewed_at_sign_in(auth, make_member) -> None:
    user = make_member().user
    costlier = {"time_cost": 2, "memory_cost": 64, "parallelism": 1}
    user.password_hash = hash_password(PASSWORD, costlier)
    db.session.commit()
    assert auth.sign_in(user.email).status_code == 302
    db.session.refresh(user)
    assert "m=8,t=1,p=1" in user.password_hash


# --- riskapp user create / set-password ------------------------------------------------------


def test_user_create_makes_the_first_administrator(runner, client, auth) -> None:
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "Admin@Acme.example",
            "--org",
            "Acme Ltd",
            "--role",
            "owner",
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin@acme.example as owner of new organisation Acme Ltd." in result.output
    membership = db.session.scalars(sa.select(Membership)).one()
    assert (membership.role, membership.organization.name) == ("owner", "Acme Ltd")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_kind == "membership"))
    assert event.one().actor == "command line"
    assert auth.sign_in("admin@acme.example").status_code == 302


def test_user_create_joins_an_existing_organisation(runner, make_member) -> None:
    org = make_member().organization
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "eve@acme.example",
            "--org",
            org.name,
            "--role",
            "auditor",
            "--password-stdin",
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert f"as auditor of organisation {org.name}" in result.output
    roles = sorted(m.role for m in db.session.get(Organization, org.id).memberships)
    assert roles == ["auditor", "owner"]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--org", "Acme Ltd"], "short", "password: Use at least 12 characters."),
        (["--org", "New Co", "--role", "viewer"], PASSWORD, "must be its owner"),
        (["--org", ""], PASSWORD, "Give the organisation a name."),
    ],
)
def test_user_create_refuses_bad_input(runner, args, password, message) -> None:
    result = runner.invoke(
        args=["user", "create", "--email", "x@acme.example", *args], input=f"{password}\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_user_create_refuses_an_existing_email(runner, make_user) -> None:
    make_user(email="x@acme.example")
    result = runner.invoke(
        args=["user", "create", "--email", "x@acme.example", "--org", "Acme"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 1 and "already uses this email" in result.output


def test_user_set_password_resets_and_lifts_the_pause(runner, auth, make_member) -> None:
    email = make_member().user.email
    for _ in range(5):
        auth.sign_in(email, "wrong password!")
    result = runner.invoke(
        args=["user", "set-password", "--email", email], input=f"{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert auth.sign_in(email, NEW_PASSWORD).status_code == 302
