"""One log line per request, a request id on every response, and errors logged with it."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
# An id from a trusted proxy is kept when it is short and plain; anything else is replaced.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("riskapp.request")


def _begin() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _end(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "%s %s %s %.1fms org=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        g.get("organization_id") or "-",
    )
    return response


def init_request_log(app: Flask) -> None:
    """Give each request an id and log it when it ends (method, path, status, duration, org)."""
    app.before_request(_begin)
    app.after_request(_end)
