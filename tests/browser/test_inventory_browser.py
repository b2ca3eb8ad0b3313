"""A person fills the system inventory after choosing controls, and the statements follow."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, requires_chromium, sign_up

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


def test_systems_added_after_selection_fill_the_statement_everywhere(
    live_server,
) -> None:
    server = live_server().url
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        sign_up(page, server, "sam@example.com", "Sam Co")
        page.fill("input[name=name]", "Sam SOC 2")
        page.click("form[action$='/assessments/'] button[type=submit]")
        page.click("#continue-path")
        page.check("input[value=type1]")
        page.fill("#as_of", "2027-06-30")
        page.fill("#appetite", "9")
        page.click("text=Save and continue")
        page.check("input[name=remote-workforce][value=yes]")
        page.click("text=Save and continue")
        page.locator("#risk-R-TST-01 select[name^=l-]").select_option("4")
        page.locator("#risk-R-TST-02 select[name^=l-]").select_option("2")
        page.locator("#risk-R-TST-02 select[name^=i-]").select_option("2")
        page.click("text=Save ratings and continue")
        page.locator("select[name^=t-]").select_option("mitigate")
        page.locator("input[name^=o-]").fill("CTO")
        page.click("text=Save treatments and continue")
        page.check("input[name=control][value=CTL-01]")
        page.click("text=Add the ticked controls")
        page.click("#row-CTL-01 a.open-editor")  # the control's editor opens in the table
        controls_url = page.url
        assert "[system]" in page.locator("#live-CTL-01").inner_text()

        page.click("nav >> text=Systems")
        page.click("text=Add a system")
        page.fill("#name", "Sam Cloud")
        page.select_option("#kind", "cloud-provider")
        page.select_option("#roles", ["system"])
        page.click("text=Save")
        page.wait_for_selector(".flash-success")  # page.content() does not wait for the redirect
        assert "Sam Cloud is in the inventory." in page.inner_text(".flash-success")
        assert page.locator("#role-system").inner_text().endswith("Sam Cloud")

        page.goto(controls_url)
        page.click("#row-CTL-01 a.open-editor")
        assert "reviews access to Sam Cloud" in page.locator("#live-CTL-01").inner_text()
        page.click("#see-coverage")
        page.click("#continue-quality")
        card = page.locator("#q-CTL-01")
        assert "Sam Cloud" in card.locator("blockquote").inner_text()
        assert "Unresolved placeholder {system}" not in card.inner_text()
        assert "Unresolved placeholder {ticketing_system}" in card.inner_text()
        quality_url = page.url
        card.locator("a.fill-link").click()  # the finding links to where it is filled
        assert page.url.endswith("/org/systems#role-ticketing_system")
        page.click("text=Add a system")
        page.fill("#name", "Jira")
        page.select_option("#kind", "ticketing")
        page.select_option("#roles", ["ticketing_system"])
        page.click("text=Save")
        page.goto(quality_url)
        card = page.locator("#q-CTL-01")
        assert "Unresolved placeholder" not in card.inner_text()
        assert "Jira" in card.locator("blockquote").inner_text()
        browser.close()
    assert errors == []
