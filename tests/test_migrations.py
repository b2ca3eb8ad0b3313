"""Migrations own the schema: init creates or upgrades a database to the latest revision."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from riskapp.app import MIGRATIONS, create_app
from riskapp.extensions import db


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def first_revision() -> str:
    revisions = list(ScriptDirectory(str(MIGRATIONS)).walk_revisions())
    return revisions[-1].revision


def test_models_and_migrations_describe_the_same_schema(app: Flask) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def _fresh_app(tmp_path: Path, mini_library: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
            "RISKAPP_SEED_LIBRARY": str(mini_library),
        },
        instance_path=str(tmp_path / "instance"),
    )


def test_init_creates_an_empty_database(tmp_path: Path, mini_library: Path) -> None:
    fresh = _fresh_app(tmp_path, mini_library)
    result = fresh.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == (
            head_revision()
        )
        assert db.session.scalar(sa.text("SELECT count(*) FROM control")) == 3
        db.engine.dispose()


def test_init_brings_an_older_database_to_the_latest_revision(
    tmp_path: Path, mini_library: Path
) -> None:
    fresh = _fresh_app(tmp_path, mini_library)
    with fresh.app_context():
        upgrade(directory=str(MIGRATIONS), revision=first_revision())
        db.engine.dispose()
    result = fresh.test_cli_runner().invoke(args=["init", "--no-library"])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == (
            head_revision()
        )
        db.engine.dispose()
