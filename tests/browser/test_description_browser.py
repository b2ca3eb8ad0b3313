"""The system description walk in Chromium: from the assessment to the preview, fill DC1, see it.

Screenshots of the preview at 1280 and 1440 px go to `screens/` when
RISKAPP_SCREENS is set (they are not committed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
def shipped(tmp_path: Path) -> Iterator[tuple[LiveServer, int]]:
    """A server with the shipped library and the demo, signed-in owner included."""
    app, _org_id, assessment_id = shipped_demo(tmp_path, "Payroll Co", "lead@payroll.example")
    server = LiveServer(app)
    yield server, assessment_id
    server.stop()


def test_the_lead_fills_dc1_from_the_preview(shipped) -> None:
    server, assessment_id = shipped
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", "lead@payroll.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto(f"{server.url}/assessments/{assessment_id}")
        page.click("text=System description: preview and what is missing")
        assert "[services provided]" in page.inner_text("#DC1")
        page.click("#check-DC1 >> text=Organisation description")
        page.fill("#services", "Hosted payroll for mid-sized employers.")
        page.click("button[type=submit] >> text=Save")
        page.goto(f"{server.url}/assessments/{assessment_id}/description")
        assert "Hosted payroll for mid-sized employers." in page.inner_text("#DC1")
        assert "Nothing" in page.inner_text("#check-DC1")
        if SCREENS:
            Path(SCREENS).mkdir(parents=True, exist_ok=True)
            for width in (1280, 1440):
                page.set_viewport_size({"width": width, "height": 900})
                shot = Path(SCREENS) / f"description-preview-{width}.png"
                page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert not errors, errors
