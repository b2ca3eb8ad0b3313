"""Logging: one line per request, the request id on every response and on the error page."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask

from riskapp.logs import RequestIdFilter


def test_each_request_logs_one_line_with_status_duration_org_and_id(
    signed_in_client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="riskapp.request")
    response = signed_in_client.get("/assessments/")
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = [r for r in caplog.records if r.name == "riskapp.request"]
    assert len(lines) == 1
    message = lines[0].getMessage()
    assert re.fullmatch(r"GET /assessments/ 200 \d+\.\dms org=\d+", message), message
    RequestIdFilter().filter(lines[0])
    assert lines[0].request_id == request_id


def test_a_plain_incoming_request_id_is_kept_and_a_hostile_one_replaced(client) -> None:
    kept = client.get("/sign-in", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept.headers["X-Request-ID"] == "edge-1234abcd"
    replaced = client.get("/sign-in", headers={"X-Request-ID": "bad id <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])


def test_an_unhandled_error_is_logged_with_its_traceback_and_the_page_shows_the_id(
    app: Flask, client, auth, make_member, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-log-test")
    def boom():
        raise RuntimeError("secret internals")

    auth.sign_in(make_member().user.email)
    caplog.set_level(logging.INFO)
    response = client.get("/boom-for-log-test")
    request_id = response.headers["X-Request-ID"]
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert request_id in body and "secret internals" not in body
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info is not None
    assert "secret internals" in str(errors[0].exc_info[1])
    RequestIdFilter().filter(errors[0])
    assert errors[0].request_id == request_id
    assert any(r.name == "riskapp.request" and " 500 " in r.getMessage() for r in caplog.records)
