"""Testing and readiness as a person walks them: record a deviation, see the register and chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import Membership, Organization, User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, requires_chromium
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD
from tests.period.conftest import make_period_assessment

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


def _seed(server: LiveServer) -> int:
    with server.app.app_context():
        org = Organization(name="Walk Co")
        user = User(
            email="walk@example.com", password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH)
        )
        db.session.add_all([org, user])
        db.session.flush()
        db.session.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        db.session.commit()
        return make_period_assessment(org, "Walk Type 2").id


def test_record_a_deviation_then_read_the_register_and_the_chart(
    live_server, tmp_path: Path
) -> None:
    server = live_server()
    assessment_id = _seed(server)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", "walk@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: not url.endswith("/sign-in"))

        page.goto(f"{server.url}/assessments/{assessment_id}/period/testing")
        page.click("#testing-CTL-02 a")
        page.wait_for_selector("#record-internal")
        page.fill("#internal-item", "#2")
        page.select_option("#internal-outcome", "deviation")
        page.fill("#internal-what", "February review missing its sign-off")
        page.fill("#internal-found_on", "2026-03-10")
        page.fill("#internal-cause", "reviewer on leave")
        page.click("text=Record the internal result")
        page.wait_for_selector("#items >> text=February review missing its sign-off")
        assert "February review missing its sign-off" in page.inner_text("#items")

        page.click("nav.steps >> text=Deviations")
        page.wait_for_selector("#register")
        assert "reviewer on leave" in page.inner_text("#register")

        page.click("nav.steps >> text=Readiness")
        page.wait_for_selector("#readiness-timeline .main-svg")
        assert page.locator("#readiness-timeline .scatterlayer .trace").count() == 2
        assert "%" in page.inner_text("#readiness-figure")
        browser.close()
    assert errors == []
