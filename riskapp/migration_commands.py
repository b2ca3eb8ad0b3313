"""The `db` command group of Flask-Migrate, imported (with Alembic) only when it runs."""

from __future__ import annotations

from typing import Any

import click


class _MigrationCommands(click.Group):
    """A stand-in for Flask-Migrate's `db` group that hands over to it when invoked."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from flask_migrate.cli import db as migration_group

        return migration_group.make_context(info_name, args, parent=parent, **extra)


def migration_commands() -> click.Group:
    """Return the `db` command group, which imports Flask-Migrate only when it runs."""
    return _MigrationCommands("db", help="Perform database migrations (Flask-Migrate).")
