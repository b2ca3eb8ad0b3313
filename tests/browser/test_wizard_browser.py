"""A person's walk through the guided path, in the system's Chromium driven by Playwright."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, requires_chromium, sign_up
from tests.factories import Files

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


def _library(files: Files) -> None:
    controls = files["controls/controls.yaml"]["controls"]
    # CTL-01 mitigates only R-TST-01, CTL-02 both: the ranking depends on what is mitigated
    controls[0]["mitigates"] = [{"risk": "R-TST-01", "likelihood": 1, "impact": 0}]


@pytest.fixture
def server(live_server) -> str:
    return live_server(_library).url


def _residual(page, ref: str) -> str:
    return page.locator(f"#residual-{ref} .residual-now").inner_text().split()[0]


def _ranking(page) -> list[str]:
    # evaluate_all does not wait: wait for the controls step to have loaded its suggestions,
    # or a click that is still navigating reads the page it is leaving
    page.wait_for_url(re.compile(r"/steps/controls"))
    items = page.locator("ol.suggestions li[id]")
    items.first.wait_for()
    return [re.sub("^suggest-", "", i) for i in items.evaluate_all("els => els.map(e => e.id)")]


def test_sign_up_walk_every_step_then_change_a_rating(server: str) -> None:
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        sign_up(page, server, "robin@example.com", "Robin Co", name="Robin Lead")

        page.fill("input[name=name]", "Robin SOC 2")
        page.click("form[action$='/assessments/'] button[type=submit]")
        page.click("#continue-path")

        page.check("input[value=type1]")
        page.fill("#as_of", "2027-06-30")
        page.fill("#appetite", "9")
        page.click("text=Save and continue")
        page.check("input[name=remote-workforce][value=yes]")
        page.click("text=Save and continue")

        rows = {ref: page.locator(f"#risk-{ref}") for ref in ("R-TST-01", "R-TST-02")}
        page.wait_for_load_state("load")  # the page's scripts are running
        rows["R-TST-01"].locator("select[name^=l-]").select_option("4")
        # the inherent score follows the rating before anything is saved (default bands: 10-16 high)
        impact = int(rows["R-TST-01"].locator("select[name^=i-]").input_value())
        assert rows["R-TST-01"].locator("[data-inherent]").inner_text() == f"{4 * impact} high"
        rows["R-TST-01"].locator("details.scenario summary").click()
        assert "A former employee" in rows["R-TST-01"].locator("details.scenario").inner_text()
        rows["R-TST-02"].locator("select[name^=l-]").select_option("2")
        rows["R-TST-02"].locator("select[name^=i-]").select_option("2")
        page.wait_for_selector("#risk-matrix .main-svg")  # plotly drew the heatmap
        page.click("text=Save ratings and continue")

        page.locator("select[name^=t-]").select_option("mitigate")
        page.locator("input[name^=o-]").fill("CTO")
        page.click("text=Save treatments and continue")

        assert _ranking(page) == ["CTL-01", "CTL-02", "CTL-03"]
        page.check("input[name=control][value=CTL-01]")
        page.click("text=Add the ticked controls")
        page.click("#row-CTL-01 a.open-editor")
        card = page.locator("#c-CTL-01")
        card.locator("select[name=status]").select_option("implemented")
        card.locator("button[type=submit]").click()
        page.wait_for_selector("#editor-CTL-01 .editor-status:has-text('CTL-01 saved.')")
        page.reload()
        assert _residual(page, "R-TST-01") == "12"
        page.click("#see-coverage")
        page.wait_for_selector("#coverage-heatmap .main-svg")
        # CTL-01 implemented is primary for both criteria of the small library
        assert page.locator("#coverage-totals [data-count=covered]").inner_text() == "2"
        page.click("#continue-quality")
        assert "statements pass" in page.locator("#quality-summary").inner_text()

        page.click("nav.steps >> text=3. Risks")
        page.locator("#risk-R-TST-02 select[name^=l-]").select_option("5")
        page.locator("#risk-R-TST-02 select[name^=i-]").select_option("5")
        page.click("text=Save ratings and continue")
        page.locator("#treat-R-TST-02 select").select_option("mitigate")
        page.locator("#treat-R-TST-02 input[name^=o-]").fill("Head of Security")
        page.click("text=Save treatments and continue")

        assert _residual(page, "R-TST-02") == "25"
        assert _ranking(page)[0] == "CTL-02"  # mitigates both risks now to be mitigated
        browser.close()
    assert errors == []
