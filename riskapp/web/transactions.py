"""The request boundary: the one place a web request's work is committed or rolled back.

Services and repositories only flush. After each request the work is committed
when the response is a success (status below 400) and rolled back otherwise, so
a refused form changes nothing. A view whose error answer must still keep what
it wrote (a counted failed sign-in, say) calls `keep_changes()` first.
"""

from __future__ import annotations

from flask import Flask, Response, g

from ..extensions import db

_KEEP = "riskapp_keep_changes"


def keep_changes() -> None:
    """Commit this request's work even though its response will be an error."""
    g.setdefault(_KEEP, True)


def roll_back() -> None:
    """Abandon this request's work now (an error page about to render)."""
    db.session.rollback()


def init_transactions(app: Flask) -> None:
    """Commit or roll back once, at the end of every request."""

    @app.after_request
    def _finish(response: Response) -> Response:
        if response.status_code < 400 or g.pop(_KEEP, False):
            db.session.commit()
        else:
            db.session.rollback()
        return response
