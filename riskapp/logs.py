"""Logging: the standard library's, configured once by the factory.

Every record carries the request id of the request it was written in (or "-"),
so a user quoting the id from the error page leads to the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

REQUEST_ID_UNSET = "-"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_HANDLER_NAME = "riskapp"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def current_request_id() -> str:
    """Return the id of the request being served, or "-" outside a request."""
    from flask import g, has_request_context

    if has_request_context():
        return str(g.get("request_id", REQUEST_ID_UNSET))
    return REQUEST_ID_UNSET


def configure_logging(level: str | int = "INFO", **_: Any) -> None:
    """Send riskapp's and Flask's records to stderr with the request id; safe to call twice."""
    root = logging.getLogger()
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    logging.getLogger("riskapp").setLevel(level)
