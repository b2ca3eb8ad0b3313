"""HTTP round trips: health check, library browser, error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask


def test_healthz_reports_database_and_library(client, loaded: Path) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "library": {"name": "Test library", "version": "1.0"},
    }


def test_healthz_answers_503_when_the_database_is_down(app: Flask, tmp_path: Path) -> None:
    from riskapp.app import create_app

    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'no.db'}",
        },
        instance_path=str(tmp_path / "inst"),
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_framework_page_lists_criteria_with_control_counts(signed_in_client, loaded: Path) -> None:
    page = signed_in_client.get("/library/frameworks/testfw").get_data(as_text=True)
    assert "T1 · Access" in page
    row = page[page.index(">T1.1<") :]
    row = row[: row.index("</tr>")]
    assert "Logical access" in row
    assert '<td class="num">1</td>' in row and '<td class="num">2</td>' in row


def test_criterion_page_lists_the_controls_that_satisfy_it(signed_in_client, loaded: Path) -> None:
    page = signed_in_client.get("/library/frameworks/testfw/criteria/T1.2").get_data(as_text=True)
    assert "Removal of access" in page
    for ref in ("CTL-01", "CTL-02", "CTL-03"):
        assert f'href="/library/controls/{ref}"' in page
    assert "Leavers lose access promptly" in page


def test_control_page_shows_risks_criteria_evidence_and_policy(
    signed_in_client, loaded: Path
) -> None:
    page = signed_in_client.get("/library/controls/CTL-01").get_data(as_text=True)
    assert "Each {frequency}, the {owner} reviews access to {system}" in page
    assert 'href="/library/risks/R-TST-01"' in page
    assert 'href="/library/frameworks/testfw/criteria/T1.1"' in page
    assert "Access review record" in page
    assert 'href="/library/policies/POL-ONE"' in page and "Security Policy" in page


def test_risk_page_shows_scenario_and_mitigating_controls(signed_in_client, loaded: Path) -> None:
    page = signed_in_client.get("/library/risks/R-TST-01").get_data(as_text=True)
    assert "accounts are not removed at exit" in page
    assert "3 (possible): Leavers happen every month." in page
    assert "12 of 25" in page
    assert page.count('href="/library/controls/CTL-0') == 3


@pytest.mark.parametrize(
    "url",
    [
        "/library/controls/NOPE-01",
        "/library/risks/R-NONE",
        "/library/frameworks/none",
        "/library/frameworks/testfw/criteria/Z9.9",
        "/library/policies/POL-X",
        "/library/evidence/EV-X",
        "/no/such/page",
    ],
)
def test_unknown_refs_give_the_404_page(signed_in_client, loaded: Path, url: str) -> None:
    response = signed_in_client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_gives_the_500_page_without_a_stack_trace(
    app: Flask, client, auth, make_member
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    auth.sign_in(make_member().user.email)
    response = client.get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_user_text_is_escaped(signed_in_client, loaded: Path) -> None:
    from riskapp.extensions import db
    from riskapp.models import Control

    control = db.session.query(Control).filter_by(ref="CTL-02").one()
    control.title = "<script>alert(1)</script>"
    db.session.commit()
    page = signed_in_client.get("/library/controls/CTL-02").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_policy_page_shows_each_paragraph_of_a_section(
    app: Flask, signed_in_client, tmp_path: Path
) -> None:
    from riskapp.extensions import db
    from riskapp.services.library import load_library
    from tests.factories import Files, make_library

    def mutate(files: Files) -> None:
        section = files["policies/policies.yaml"]["policies"][0]["sections"][0]
        section["text"] = "Intro line.\n\nLeavers lose access within one business day (CTL-01)."

    load_library(make_library(tmp_path / "lib", mutate))
    db.session.commit()
    page = signed_in_client.get("/library/policies/POL-ONE").get_data(as_text=True)
    assert "<p>Intro line.</p><p>Leavers lose access within one business day (CTL-01).</p>" in page
