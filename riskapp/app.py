"""The application factory."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import DEFAULTS, PROJECT_ROOT, secret_key, settings_from_env
from .extensions import csrf, db, migrate
from .logs import configure_logging

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """Turn on SQLite's foreign-key checks, which are off by default, on every connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_app(config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Create the riskapp Flask application; `config` overrides the environment's settings."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config.update(settings_from_env(instance))
    if config:
        app.config.update(config)
    configure_logging(app.config["RISKAPP_LOG_LEVEL"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance)

    from . import models  # noqa: F401  (registers the tables)
    from .repository import auditing  # noqa: F401  (records every change in the audit trail)
    from .repository.library import share_built_libraries

    share_built_libraries(instance / "library-cache")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)

    from .web import register_web

    register_web(app)
    from .cli import register_commands

    register_commands(app)
    return app
