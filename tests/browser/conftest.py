"""A live riskapp server on a temporary SQLite database, and the system's Chromium to drive it."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from riskapp.app import create_app
from riskapp.cli import upgrade_database
from riskapp.extensions import db
from riskapp.services.library import load_library
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD
from tests.factories import Files, make_library

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's Chromium, headless as root, on a machine with no network beyond the registries
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
requires_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="the system Chromium (apt package chromium) is missing"
)


class LiveServer:
    """A server thread over an app; `url` is its base URL, `app` the app to seed data with."""

    def __init__(self, app: Flask) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Return `start(mutate=None)`: serve the small library (changed by `mutate` if given)."""
    started: list[LiveServer] = []

    def start(mutate: Callable[[Files], None] | None = None) -> LiveServer:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
                "SECRET_KEY": "browser-test",
                "RISKAPP_PASSWORD_HASH": FAST_PASSWORD_HASH,
                "RISKAPP_SIGNUP": True,
            },
            instance_path=str(tmp_path / "instance"),
        )
        with app.app_context():
            upgrade_database()
            load_library(make_library(tmp_path / "lib", mutate))
            db.session.commit()
        server = LiveServer(app)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def shipped_demo(tmp_path: Path, org_name: str, email: str) -> tuple[Flask, int, int]:
    """Return (app, organisation id, demo assessment id): the shipped library and the demo
    of `org_name`, whose owner is `email` (password PASSWORD). Serve it with LiveServer."""
    from riskapp.config import SEED_LIBRARY
    from riskapp.domain.accounts.passwords import hash_password
    from riskapp.models import Membership, User
    from riskapp.services.demo import create_demo

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
            "SECRET_KEY": "browser-test",
            "RISKAPP_PASSWORD_HASH": FAST_PASSWORD_HASH,
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        upgrade_database()
        load_library(SEED_LIBRARY)
        org_id, assessment_id = create_demo(org_name)
        user = User(email=email, password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH))
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(organization_id=org_id, user_id=user.id, role="owner"))
        db.session.commit()
    return app, org_id, assessment_id


PASSPHRASE = "correct horse battery staple"


def sign_up(
    page: Any,
    server: str,
    email: str,
    organization: str,
    name: str = "",
    password: str = PASSPHRASE,
) -> None:
    """Create an account in the browser, then sign in with it (sign-up alone does not sign in:
    it answers the same whether or not the address had an account). Ends on /assessments/."""
    page.goto(f"{server}/sign-up")
    if name:
        page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.fill("input[name=confirm]", password)
    page.fill("input[name=organization]", organization)
    page.click("form[action$='/sign-up'] button[type=submit]")
    page.wait_for_url(f"{server}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action$='/sign-in'] button[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))
    page.goto(f"{server}/assessments/")
