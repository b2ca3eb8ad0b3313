"""The coverage heatmap as a person uses it, in the system's Chromium driven by Playwright."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import Assessment, Control, Framework, Membership, SelectedControl, User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, requires_chromium
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


def _seed(server: LiveServer) -> int:
    """An owner and an assessment at the coverage step with CTL-02 implemented."""
    from riskapp.models import Organization

    with server.app.app_context():
        org = Organization(name="Heat Co")
        user = User(
            email="heat@example.com", password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH)
        )
        db.session.add_all([org, user])
        db.session.flush()
        db.session.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        framework = db.session.scalar(sa.select(Framework.id))
        row = Assessment(
            organization_id=org.id,
            framework_id=framework,
            name="Heat SOC 2",
            step_reached="coverage",
        )
        db.session.add(row)
        db.session.flush()
        ctl = db.session.scalar(sa.select(Control.id).where(Control.ref == "CTL-02"))
        db.session.add(
            SelectedControl(
                assessment_id=row.id, control_id=ctl, statement="s", status="implemented"
            )
        )
        db.session.commit()
        return row.id


def _cell_centre(page, selector: str, cell: tuple[int, int], shape: tuple[int, int]):
    """Scroll the heatmap into view; return the page position of a cell's centre."""
    page.locator(selector).scroll_into_view_if_needed()
    (row, col), (rows, cols) = cell, shape
    box = page.locator(f"{selector} .nsewdrag").first.bounding_box()
    assert box, "plotly drew no plot area"
    return (
        box["x"] + (col + 0.5) * box["width"] / cols,
        box["y"] + (row + 0.5) * box["height"] / rows,
    )


def test_hover_click_and_add_the_closing_set(live_server) -> None:
    server = live_server()
    assessment_id = _seed(server)
    url = f"{server.url}/assessments/{assessment_id}/steps/coverage"
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", "heat@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto(url)
        page.wait_for_selector("#coverage-heatmap .main-svg")
        page.wait_for_selector("#series-heatmap .main-svg")
        assert page.locator("#coverage-totals [data-count=partial]").inner_text() == "1"

        # hover T1.2 × CTL-02 (row 2 of 2, column 1 of 1): the label names both and the status
        x, y = _cell_centre(page, "#coverage-heatmap", (1, 0), (2, 1))
        page.mouse.move(x, y)
        page.wait_for_selector("#coverage-heatmap .hoverlayer .hovertext")
        label = page.locator("#coverage-heatmap .hoverlayer .hovertext").text_content() or ""
        assert "T1.2 Removal of access" in label
        assert "CTL-02 Control CTL-02" in label
        assert "primary · implemented; criterion covered" in label

        # clicking the cell opens the control's card in the assessment
        page.mouse.click(x, y)
        page.wait_for_url(f"**/assessments/{assessment_id}/steps/controls?edit=CTL-02#c-CTL-02")
        assert page.locator("#c-CTL-02").is_visible()

        # a row label links to the criterion in the library
        page.goto(url)
        page.wait_for_selector("#coverage-heatmap .main-svg")
        link = page.locator("#coverage-heatmap .ytick a", has_text="T1.1")
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url("**/library/frameworks/testfw/criteria/T1.1")

        page.goto(url)
        assert page.locator("#closing-table tbody tr").count() == 1
        page.click("#add-closing-set")
        page.wait_for_selector(".flash-success")
        assert "1 control added to the selection: CTL-01." in page.inner_text(".flash-success")
        assert page.locator("#coverage-totals [data-count=gap]").inner_text() == "0"
        assert "Nothing to close" in page.inner_text("#closing-summary")
        page.wait_for_selector("#coverage-heatmap .main-svg")
        browser.close()
    assert errors == []
