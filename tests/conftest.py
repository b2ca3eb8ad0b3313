"""Fixtures: an app on a temporary database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from riskapp.app import create_app
from riskapp.config import normalise_database_url
from riskapp.extensions import db
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


def _test_config(database_url: str, **extra: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
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
    return mini_library
