"""The request boundary: huge ids are 404s and unstorable characters never reach a service."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from riskapp.extensions import db
from riskapp.models import Assessment

HUGE_IDS = ("99999999999999999999", "9223372036854775808", "2147483648")


def _int_rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if any(type(c).__name__ == "DatabaseIdConverter" for c in rule._converters.values()):
            yield rule


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_every_id_route_answers_404_for_an_id_the_database_cannot_hold(
    app: Flask, signed_in_client, huge: str
) -> None:
    rules = list(_int_rules(app))
    assert len(rules) >= 20  # the assessment, wizard, export and member routes
    for rule in rules:
        url = re.sub(
            r"<(?:int:)?[^>]+>", lambda m: huge if "int:" in m.group(0) else "x", rule.rule
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = signed_in_client.open(url, method=method)
            assert response.status_code in (400, 404), f"{method} {url}: {response.status_code}"


def test_the_largest_id_the_database_holds_is_a_plain_404(signed_in_client) -> None:
    assert signed_in_client.get("/assessments/2147483647").status_code == 404


def test_nul_and_control_characters_are_removed_before_anything_is_stored(
    app: Flask, client, auth, make_member, loaded
) -> None:
    member = make_member(role="owner")
    auth.sign_in(member.user.email)
    response = auth.post(
        "/assessments/",
        {"name": "Null\x00 and \x07bell\x1b name\ufffe", "framework": "testfw"},
        token_from="/assessments/",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.query(Assessment).one()
    assert row.name == "Null and bell name"
    assert row.organization_id == member.organization_id


def test_query_text_is_cleaned_too(app: Flask) -> None:
    with app.test_request_context("/audit/?q=a%00b%07c"):
        from flask import request

        assert request.args["q"] == "abc"


def test_the_id_pattern_matches_exactly_zero_to_the_bound() -> None:
    from riskapp.web.boundary import digits_at_most

    pattern = re.compile(digits_at_most(2**63 - 1))
    for ok in ("0", "1", "42", "9223372036854775807", "9223372036854775799", "999999999999999999"):
        assert pattern.fullmatch(ok), ok
    for bad in ("9223372036854775808", "9999999999999999999", "10000000000000000000", "-1", "1a"):
        assert not pattern.fullmatch(bad), bad
    ids = re.compile(digits_at_most(2**31 - 1))
    assert ids.fullmatch("2147483647") and not ids.fullmatch("2147483648")
    small = re.compile(digits_at_most(305))
    assert [n for n in range(1000) if small.fullmatch(str(n))] == list(range(306))


def test_a_value_the_database_refuses_is_a_422_message_not_a_500(
    app: Flask, client, auth, make_member
) -> None:
    from sqlalchemy.exc import DataError

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/too-long-for-test")
    def too_long():
        raise DataError("INSERT …", {}, Exception("value too long for type character varying"))

    auth.sign_in(make_member().user.email)
    response = auth.post("/too-long-for-test")
    assert response.status_code == 422
    assert "too long or not allowed" in response.get_data(as_text=True)


def test_any_domain_error_is_a_clear_400(app: Flask, client, auth, make_member) -> None:
    from riskapp.domain.errors import RiskappError

    class Refused(RiskappError):
        pass

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/refused-for-test")
    def refused():
        raise Refused("The period must end after it starts.")

    auth.sign_in(make_member().user.email)
    response = auth.post("/refused-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The period must end after it starts. Nothing was changed." in body


def _chunked(client, body: bytes, terminated: bool = True):
    import io

    return client.post(
        "/sign-in",
        input_stream=io.BytesIO(body),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True} if terminated else {},
    )


def test_an_oversize_chunked_body_gets_a_size_message_not_form_expired(client) -> None:
    response = _chunked(client, b"email=a&password=" + b"x" * (10 * 1024 * 1024))
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "larger than the 5 MB this server accepts" in body and "Form expired" not in body


def test_a_small_chunked_form_is_read_whole(client, make_member) -> None:
    from urllib.parse import urlencode

    from tests.conftest import PASSWORD, csrf_token_in

    member = make_member()
    token = csrf_token_in(client.get("/sign-in").get_data(as_text=True))
    body = urlencode({"csrf_token": token, "email": member.user.email, "password": PASSWORD})
    response = _chunked(client, body.encode())
    assert response.status_code == 302


def test_a_chunked_body_the_server_did_not_terminate_asks_for_a_length(client) -> None:
    response = _chunked(client, b"email=a&password=b", terminated=False)
    assert response.status_code == 411
