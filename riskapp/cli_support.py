"""What every `riskapp` command shares: one transaction per command."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask.cli import with_appcontext

F = TypeVar("F", bound=Callable[..., Any])


def in_transaction(fn: F) -> F:
    """Run a command in the app context, then commit its work once, or roll it all back."""

    @with_appcontext
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .extensions import db  # SQLAlchemy loads when a command runs, not on import

        try:
            result = fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return cast(F, wrapper)
