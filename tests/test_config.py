"""Settings from the environment: database, secret key, export folder."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from riskapp.app import create_app
from riskapp.config import normalise_database_url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("DATABASE_URL", "SECRET_KEY", "RISKAPP_EXPORT_DIR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_default_database_is_sqlite_in_instance_folder(clean_env, tmp_path: Path) -> None:
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'riskapp.db'}"


def test_database_url_from_environment_uses_psycopg(clean_env, tmp_path: Path) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql://u@db.example/riskapp")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/riskapp"
    assert normalise_database_url("postgres://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_secret_key_is_generated_once_into_instance_folder(clean_env, tmp_path: Path) -> None:
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    other = create_app(instance_path=str(tmp_path / "other")).config["SECRET_KEY"]
    assert other != first


def test_secret_key_from_environment_wins(clean_env, tmp_path: Path) -> None:
    clean_env.setenv("SECRET_KEY", "from-env")
    assert create_app(instance_path=str(tmp_path)).config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_export_dir_defaults_to_exports_and_follows_environment(
    clean_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["RISKAPP_EXPORT_DIR"] == str(tmp_path / "exports")
    clean_env.setenv("RISKAPP_EXPORT_DIR", str(tmp_path / "out"))
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["RISKAPP_EXPORT_DIR"] == str(tmp_path / "out")
