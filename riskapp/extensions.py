"""Flask extensions, created unbound and bound to the app in the factory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

from .migration_commands import migration_commands

# Stable constraint names keep Alembic migrations portable (SQLite batch mode needs them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _MigrateSettings:
    """What Flask-Migrate keeps per app, bound to Flask-Migrate on the first use beyond its folder.

    `directory` answers without importing anything; any other attribute binds
    the real Flask-Migrate (and so Alembic) to the app, which replaces this
    stand-in in `app.extensions`, and answers from it.
    """

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str, options: dict[str, Any]):
        self._app, self._db, self.directory, self._options = app, db, directory, options

    def bind(self) -> Any:
        """Bind Flask-Migrate to the app and return its settings object."""
        from flask_migrate import Migrate

        Migrate(self._app, self._db, directory=self.directory, **self._options)
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bind(), name)


class Migrations:
    """Flask-Migrate's `init_app`, made lazy: commands that never migrate skip Alembic."""

    def init_app(self, app: Flask, db: SQLAlchemy, *, directory: str, **options: Any) -> None:
        """Register the migration settings and the `db` commands without importing Alembic."""
        app.extensions["migrate"] = _MigrateSettings(app, db, directory, options)
        app.cli.add_command(migration_commands())


if TYPE_CHECKING:

    class _TypedSQLAlchemy(SQLAlchemy):
        """What the type checker sees of `db`: its scoped session used as the Session it proxies."""

        session: Session  # type: ignore[assignment]
        Model: type[Base]  # type: ignore[assignment]


db = cast("_TypedSQLAlchemy", SQLAlchemy(model_class=Base))

# The base every model subclasses: Flask-SQLAlchemy's db.Model, which the type checker
# cannot see through, is the typed declarative Base it was made from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrations()
csrf = CSRFProtect()
login_manager = LoginManager()
