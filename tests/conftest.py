"""Fixtures: an app on a temporary database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from riskapp.app import create_app
from riskapp.config import normalise_database_url
from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import Assessment, Framework, Membership, Organization, System, User
from tests.factories import make_library

PG_URL = os.environ.get("RISKAPP_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for this test run: a SQLite file, or a fresh PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'riskapp-test.db'}"
        return
    base = normalise_database_url(PG_URL)
    schema = f"riskapp_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


# Argon2id at its cheapest: the suite hashes many passwords and checks them, not their cost.
FAST_PASSWORD_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _test_config(database_url: str, **extra: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RISKAPP_PASSWORD_HASH": FAST_PASSWORD_HASH,
        "RISKAPP_SIGNUP": True,
        **extra,
    }


@pytest.fixture(scope="session")
def _migrated(database_url: str, instance_dir: Path) -> str:
    """Run the migrations once per session: the tests use the schema users get."""
    app = create_app(_test_config(database_url), instance_path=str(instance_dir))
    with app.app_context():
        from riskapp.cli import upgrade_database

        upgrade_database()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(_migrated: str, instance_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        _test_config(_migrated, RISKAPP_EXPORT_DIR=str(tmp_path / "exports")),
        instance_path=str(instance_dir),
    )
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def mini_library(tmp_path: Path) -> Path:
    """A small valid library folder: 2 criteria, 2 risks, 3 controls, 2 evidence, 1 policy."""
    return make_library(tmp_path / "library")


@pytest.fixture
def loaded(app: Flask, mini_library: Path) -> Path:
    """The app with the small library loaded."""
    from riskapp.services.library import load_library

    load_library(mini_library)
    db.session.commit()  # the test is the boundary that commits
    return mini_library


# --- accounts, organisations and signing in -------------------------------------------------

PASSWORD = "correct horse battery staple"
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_in(html: str) -> str:
    """Return the first CSRF token in a page."""
    found = _CSRF_RE.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


class AuthActions:
    """Sign in and out, and post forms with their CSRF token, as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.user: str | None = None

    def token(self, path: str | None = None) -> str:
        """Fetch a page with a form (default: one the current user can see); return its token."""
        page = self.client.get(path or ("/account" if self.user else "/sign-in"))
        return csrf_token_in(page.get_data(as_text=True))

    def post(
        self,
        path: str,
        data: Mapping[str, object] | None = None,
        *,
        token_from: str | None = None,
        follow_redirects: bool = False,
    ) -> TestResponse:
        """POST `data` to `path` with a valid CSRF token of this session."""
        fields = {"csrf_token": self.token(token_from), **(data or {})}
        return self.client.post(path, data=fields, follow_redirects=follow_redirects)

    def sign_in(
        self, email: str, password: str = PASSWORD, *, follow_redirects: bool = False
    ) -> TestResponse:
        response = self.post(
            "/sign-in",
            {"email": email, "password": password},
            token_from="/sign-in",
            follow_redirects=follow_redirects,
        )
        if response.status_code == 302:
            self.user = email
        return response

    def sign_out(self) -> TestResponse:
        response = self.post("/sign-out")
        self.user = None
        return response


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Return a factory of users: `make_user(email=None, password=PASSWORD, name="")`."""
    count = iter(range(1, 10_000))

    def make(
        email: str | None = None, password: str = PASSWORD, name: str = "", active: bool = True
    ) -> User:
        user = User(
            email=email or f"user{next(count)}@example.com",
            name=name,
            password_hash=hash_password(password, FAST_PASSWORD_HASH),
            is_active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Organization]:
    """Return a factory of organisations: `make_org(name="Acme Ltd", settings=None)`."""

    def make(name: str = "Acme Ltd", settings: dict[str, object] | None = None) -> Organization:
        org = Organization(name=name, settings=settings or {})
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_member(
    make_user: Callable[..., User], make_org: Callable[..., Organization]
) -> Callable[..., Membership]:
    """Return a factory: `make_member(org=None, role="owner", user=None, email=None)`.

    A new organisation and user are made for what is not given.
    """

    def make(
        org: Organization | None = None,
        role: str = "owner",
        user: User | None = None,
        email: str | None = None,
    ) -> Membership:
        membership = Membership(
            organization=org or make_org(), user=user or make_user(email=email), role=role
        )
        db.session.add(membership)
        db.session.commit()
        return membership

    return make


@pytest.fixture
def signed_in_client(
    client: FlaskClient, auth: AuthActions, make_member: Callable[..., Membership]
) -> FlaskClient:
    """A client signed in as the owner of a fresh organisation."""
    membership = make_member(role="owner", email="owner@example.com")
    response = auth.sign_in(membership.user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@dataclass
class TwoOrgs:
    """Two organisations with an owner, a viewer and an assessment each; nobody is in both."""

    a: Organization
    b: Organization
    owner_a: Membership
    owner_b: Membership
    viewer_a: Membership
    viewer_b: Membership
    assessment_a: Assessment
    assessment_b: Assessment
    system_a: System | None = None


@pytest.fixture
def make_assessment(loaded: Path) -> Callable[..., Assessment]:
    """Return a factory of assessments over the small library: `make_assessment(org, name)`."""

    def make(org: Organization, name: str = "SOC 2 2026") -> Assessment:
        framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.slug == "testfw"))
        row = Assessment(organization_id=org.id, framework_id=framework_id, name=name)
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def two_orgs(
    make_org: Callable[..., Organization],
    make_member: Callable[..., Membership],
    make_assessment: Callable[..., Assessment],
) -> TwoOrgs:
    a, b = make_org("Alpha Ltd"), make_org("Beta Ltd")
    system_a = System(organization_id=a.id, name="Alpha Cloud", kind="cloud-provider")
    db.session.add(system_a)
    db.session.commit()
    return TwoOrgs(
        a=a,
        b=b,
        owner_a=make_member(a, "owner", email="owner@alpha.example"),
        owner_b=make_member(b, "owner", email="owner@beta.example"),
        viewer_a=make_member(a, "viewer", email="viewer@alpha.example"),
        viewer_b=make_member(b, "viewer", email="viewer@beta.example"),
        assessment_a=make_assessment(a, "Alpha SOC 2"),
        assessment_b=make_assessment(b, "Beta SOC 2"),
        system_a=system_a,
    )
