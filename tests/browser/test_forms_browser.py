"""A failed submit in the browser: nothing typed is lost, and the banner leads to the field."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, requires_chromium, sign_up

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


def _ratings(page) -> dict[str, str]:
    """Every rating field of the risks table, by name, as the page shows it now."""
    return page.locator("#ratings-form").evaluate(
        """form => Object.fromEntries(Array.from(form.elements)
            .filter(e => /^(l|i|x|xr|ol|oi|or)-\\d+$/.test(e.name))
            .map(e => [e.name, e.type === 'checkbox' ? String(e.checked) : e.value]))"""
    )


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_failed_custom_risk_keeps_every_rating_and_the_banner_leads_to_the_field(
    live_server,
) -> None:
    server = live_server().url
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # a short window: the custom risk form and the table rows are far below the banner
        page = browser.new_page(viewport={"width": 1280, "height": 600})
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_up(page, server, "kit@example.com", "Kit Co")
        page.fill("input[name=name]", "Kit SOC 2")
        page.click("form[action$='/assessments/'] button[type=submit]")
        page.click("#continue-path")
        page.check("input[value=type1]")
        page.fill("#as_of", "2027-06-30")
        page.fill("#appetite", "9")
        page.click("text=Save and continue")
        page.check("input[name=remote-workforce][value=yes]")
        page.click("text=Save and continue")
        page.wait_for_url(re.compile(r"/steps/risks$"))
        page.wait_for_load_state("load")

        # change every row, none saved: likelihood, impact, exclusion, override
        rows = page.locator("#ratings-form tbody tr")
        for n in range(rows.count()):
            row = rows.nth(n)
            row.locator("select[name^=l-]").select_option(str(n % 5 + 1))
            row.locator("select[name^=i-]").select_option(str((n + 2) % 5 + 1))
            row.locator("input[name^=ol-]").fill("1")
            row.locator("input[name^=oi-]").fill("2")
            row.locator("input[name^=or-]").fill(f"Reason <{n}> & more")
        rows.nth(0).locator("input[name^=x-]").check()
        rows.nth(0).locator("input[name^=xr-]").fill("Not our stack")
        typed = _ratings(page)
        assert len(typed) == 7 * rows.count() >= 14

        # submit "Add a risk of your own" empty
        page.click("form[action$='/risks/custom'] button[type=submit]")
        page.wait_for_selector("#error-summary")
        page.wait_for_load_state("load")  # the page's deferred scripts have run
        page.wait_for_function(
            "document.activeElement && document.activeElement.id === 'error-summary'"
        )
        assert _ratings(page) == typed  # every rating as typed, nothing reset or "None"
        banner = page.locator("#error-summary")
        assert banner.is_visible() and _focused_id(page) == "error-summary"
        assert page.evaluate("window.scrollY") < 400  # the banner is on screen, on top
        assert "Enter the risk's title." in page.locator("#cr-title-error").inner_text()

        # the banner's link moves focus to the field, far down the page
        banner.locator("a[data-focus=cr-title]").click()
        page.wait_for_function("document.activeElement.id === 'cr-title'")
        assert page.locator("#cr-title").is_visible()
        assert page.evaluate("window.scrollY") > 400

        # now fail the ratings save itself: the exclusion's reason is cleared
        page.locator("input[name^=xr-]").first.fill("")
        typed = _ratings(page)
        page.click("text=Save ratings and continue")
        page.wait_for_selector("#error-summary a[data-focus^=xr-]")
        page.wait_for_load_state("load")
        assert _ratings(page) == typed
        link = page.locator("#error-summary a[data-focus^=xr-]")
        target = link.get_attribute("data-focus")
        link.click()
        page.wait_for_function(f"document.activeElement.id === '{target}'")

        # a custom risk that saves: the page that follows puts the unsaved ratings back
        typed = _ratings(page)
        page.fill("#cr-title", "Office flood")
        page.fill("#cr-threat", "A burst pipe")
        page.fill("#cr-weakness", "Servers on the floor")
        page.fill("#cr-consequence", "Days without the build farm")
        page.click("form[action$='/risks/custom'] button[type=submit]")
        page.wait_for_selector("#unsaved-kept")
        page.wait_for_load_state("load")
        assert "Custom risk" in page.locator(".flashes").inner_text()
        now = _ratings(page)
        assert {name: now[name] for name in typed} == typed
        assert len(now) == len(typed) + 7  # the new risk's row, at its own values
        browser.close()
    assert errors == []
