"""The no-office walk in Chromium: add the cloud provider, confirm the CC6.4 carve-out.

Screenshots of the vendor list and the coverage step at 1280 and 1440 px go
to `screens/` when RISKAPP_SCREENS is set (they are not committed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskapp.extensions import db
from riskapp.models import Assessment
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    requires_chromium,
    shipped_demo,
)
from tests.conftest import PASSWORD

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium
SCREENS = os.environ.get("RISKAPP_SCREENS")


@pytest.fixture
def shipped(tmp_path: Path) -> Iterator[tuple[LiveServer, int, int]]:
    """A server with the shipped library and the demo of a company that has no office."""
    app, _org_id, assessment_id = shipped_demo(tmp_path, "Cloud Only Ltd", "lead@cloudonly.example")
    with app.app_context():
        row = db.session.get(Assessment, assessment_id)
        row.profile = {**row.profile, "has-office": False}
        db.session.commit()
        year = row.period_end.year
    server = LiveServer(app)
    yield server, assessment_id, year
    server.stop()


def _shoot(page, name: str) -> None:
    if not SCREENS:
        return
    Path(SCREENS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SCREENS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_company_with_no_office_carves_cc64_out_to_its_cloud_provider(shipped) -> None:
    server, assessment_id, year = shipped
    coverage = f"{server.url}/assessments/{assessment_id}/steps/coverage"
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", "lead@cloudonly.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        # the cloud provider goes into the register, first forgetting its contingency plan
        page.click("nav >> text=Vendors")
        page.click("#add-vendor")
        page.fill("#name", "Amazon Web Services")
        page.fill("#service", "Cloud hosting of production")
        page.select_option("#data", "restricted-personal")
        page.select_option("#criticality", "critical")
        page.select_option("#report_kind", "soc2-type2")
        page.fill("#report_period_start", f"{year - 1}-10-01")
        page.fill("#report_period_end", f"{year}-12-31")
        page.click("#save-vendor")
        assert "contingency plan" in page.inner_text("#contingency_plan-error")
        assert page.input_value("#name") == "Amazon Web Services"
        page.fill("#contingency_plan", "Restore into a second region from backups.")
        page.click("#save-vendor")
        page.wait_for_selector(".flash-success")
        assert page.inner_text("#vendor-tier") == "Tier 1"

        page.goto(f"{server.url}/vendors/")
        page.fill("#q", "")
        assert "covers it" in page.inner_text("#vendor-table")
        _shoot(page, "vendor-list")

        # the coverage step proposes the carve-out; nothing happens until it is confirmed
        page.goto(coverage)
        page.wait_for_selector("#coverage-heatmap .main-svg")
        assert page.locator("#coverage-totals [data-count=carved_out]").inner_text() == "0"
        assert "Amazon Web Services" in page.inner_text("#office-suggestion")
        page.click("#confirm-office-carve-out")
        page.wait_for_selector(".flash-success")
        assert "CC6.4 carved out to Amazon Web Services" in page.inner_text(".flash-success")
        assert page.locator("#coverage-totals [data-count=carved_out]").inner_text() == "1"
        assert page.locator("#gap-CC6\\.4").count() == 0
        assert "Amazon Web Services" in page.inner_text("#aside-CC6\\.4")
        closing = page.inner_text("#closing-set")
        assert "PHY-" not in closing
        assert "VND-03" in page.inner_text("#monitoring-flag")
        page.wait_for_selector("#coverage-heatmap .main-svg")
        page.locator("#set-aside").scroll_into_view_if_needed()
        _shoot(page, "coverage-step")

        # a report that ends a month early: a bridge letter for the exact days
        page.goto(f"{server.url}/vendors/")
        page.click("#vendor-table >> text=Amazon Web Services")
        page.fill("#report_period_end", f"{year}-11-30")
        page.click("#save-vendor")
        page.wait_for_selector(".flash-success")
        assert (
            f"Bridge letter needed: 31 days uncovered ({year}-12-01 to {year}-12-31)."
            in page.inner_text("#bridge-table")
        )
        page.goto(f"{server.url}/vendors/")
        assert "bridge letter needed 31 days uncovered" in page.inner_text("#vendor-table")
        _shoot(page, "vendor-list-bridge")
        page.goto(coverage)
        assert "31 days uncovered" in page.inner_text("#aside-CC6\\.4")
        browser.close()
    # the refused form answered 422 on purpose; nothing else may fail
    assert [e for e in errors if "status of 422" not in e] == []
