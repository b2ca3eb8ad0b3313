"""Sessions live on the server: signing out or changing the password ends them there."""

from __future__ import annotations

from flask import Flask

from tests.conftest import PASSWORD, AuthActions

NEW_PASSWORD = "another long passphrase here"


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_the_cookie_of_a_signed_out_session_opens_nothing(
    app: Flask, client, auth, make_member
) -> None:
    auth.sign_in(make_member().user.email)
    assert client.get("/assessments/").status_code == 200
    stolen = _cookie(client)
    auth.sign_out()
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/assessments/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_signing_out_one_browser_keeps_the_others(app: Flask, make_member) -> None:
    email = make_member().user.email
    laptop, phone = AuthActions(app.test_client()), AuthActions(app.test_client())
    laptop.sign_in(email)
    phone.sign_in(email)
    laptop.sign_out()
    assert phone.client.get("/assessments/").status_code == 200
    assert laptop.client.get("/assessments/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app: Flask, make_member
) -> None:
    email = make_member().user.email
    laptop, phone = AuthActions(app.test_client()), AuthActions(app.test_client())
    laptop.sign_in(email)
    phone.sign_in(email)
    changed = laptop.post(
        "/account",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert laptop.client.get("/assessments/").status_code == 200
    assert phone.client.get("/assessments/").status_code == 302
