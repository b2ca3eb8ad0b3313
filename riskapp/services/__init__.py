"""Use cases shared by the web views and the CLI; they commit or roll back."""

from __future__ import annotations

from ..extensions import db


def commit() -> None:
    """Commit the session's work, or roll it back and re-raise when that fails."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
