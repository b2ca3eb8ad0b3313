"""The guided path walked with the keyboard alone, and axe-core run on every page it shows,
on the library and on the organisation's pages: no serious or critical violation.

axe-core is the npm package, installed by .ci/run into .ci/node_modules (or named by
RISKAPP_AXE_JS) and injected into each page by the browser, outside the page's own scripts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    requires_chromium,
    shipped_demo,
)
from tests.factories import Files

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(os.environ.get("RISKAPP_AXE_JS") or ROOT / ".ci/node_modules/axe-core/axe.min.js")
TAB_LIMIT = 200  # Tab presses allowed to reach one control
# the page's serious and critical violations, each with the first places it occurs
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""
# whether the focused element is the one wanted, and shows that it has the focus
FOCUSED = """selector => {
  const e = document.activeElement;
  if (!e || !e.matches(selector)) return null;
  const s = getComputedStyle(e);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
}"""

STEPS_TO = """value => {
  const e = document.activeElement;
  if (e.type === 'radio') return e.checked && e.value === value ? 0 : 1;
  const wanted = [...e.options].findIndex(o => o.value === value);
  if (wanted < 0) throw new Error('no option ' + value);
  return wanted - e.selectedIndex;
}"""


def _axe_path() -> Path:
    if AXE_JS.is_file():
        return AXE_JS
    message = (
        f"axe-core is not installed at {AXE_JS}: "
        "run `npm install --no-save --prefix .ci axe-core@4` (.ci/run does)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _library(files: Files) -> None:
    controls = files["controls/controls.yaml"]["controls"]
    controls[0]["mitigates"] = [{"risk": "R-TST-01", "likelihood": 1, "impact": 0}]


class Keyboard:
    """Reach and operate a page's controls with Tab, arrows, Space, typing and Enter only."""

    def __init__(self, page) -> None:
        self.page = page

    def tab_to(self, selector: str) -> None:
        """Press Tab until `selector` has the focus; the focus must be visible there."""
        for _ in range(TAB_LIMIT):
            self.page.keyboard.press("Tab")
            visible = self.page.evaluate(FOCUSED, selector)
            if visible is not None:
                assert visible, f"{selector} has the focus but shows no focus outline"
                return
        raise AssertionError(f"{TAB_LIMIT} presses of Tab never reach {selector}")

    def type(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a select, or a radio of a group, with the arrow keys."""
        self.tab_to(selector)
        for _ in range(20):
            # steps to go: >0 down, <0 up, 0 there (a radio group wraps round going down)
            steps = self.page.evaluate(STEPS_TO, value)
            if steps == 0:
                return
            self.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        raise AssertionError(f"the arrow keys never reach {value} in {selector}")

    def tick(self, selector: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("Space")

    def press(self, selector: str, then_url: str) -> None:
        """Activate a button or link with Enter and wait for the page it opens."""
        self.tab_to(selector)
        with self.page.expect_navigation(url=re.compile(then_url)):
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state("load")


def test_the_guided_path_by_keyboard_and_every_page_without_serious_violations(
    live_server,
) -> None:
    axe = _axe_path()
    server = live_server(_library).url
    found: dict[str, list[str]] = {}
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(axe))  # outside the page's Content-Security-Policy
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        keys = Keyboard(page)

        visited: dict[str, str] = {}

        def check(label: str) -> None:
            page.wait_for_load_state("load")
            found[label] = page.evaluate(AXE_RUN)
            visited[label] = page.url

        page.goto(f"{server}/sign-in")
        check("sign in")
        page.goto(f"{server}/sign-up")
        check("sign up")
        keys.tab_to(".skip-link")  # the first stop on every page
        keys.type("input[name=name]", "Kim Keys")
        keys.type("input[name=email]", "kim@example.com")
        keys.type("input[name=password]", "correct horse battery staple")
        keys.type("input[name=confirm]", "correct horse battery staple")
        keys.type("input[name=organization]", "Keys Co")
        keys.press("form button[type=submit]", r"/sign-in$")  # sign-up never signs in
        keys.type("input[name=email]", "kim@example.com")
        keys.type("input[name=password]", "correct horse battery staple")
        keys.press("form[action$='/sign-in'] button[type=submit]", r"/$|/assessments")

        page.goto(f"{server}/assessments/")
        check("assessments")
        keys.type("input[name=name]", "Keys SOC 2")
        keys.press("form[action$='/assessments/'] button[type=submit]", r"/assessments/\d+$")
        check("assessment")
        keys.press("#continue-path", r"/steps/scope")

        check("scope")
        keys.choose("input[name=report_type]", "type1")
        keys.tab_to("#as_of")
        page.keyboard.type("06302027")
        assert page.input_value("#as_of") == "2027-06-30"
        keys.type("#appetite", "9")
        keys.press("form button.button-primary", r"/steps/profile")

        check("profile")
        keys.choose("input[name=remote-workforce]", "yes")
        keys.press("form button.button-primary", r"/steps/risks")

        check("risks")
        keys.choose("#risk-R-TST-01 select[name^=l-]", "4")
        keys.choose("#risk-R-TST-02 select[name^=l-]", "2")
        keys.choose("#risk-R-TST-02 select[name^=i-]", "2")
        keys.press("form button.button-primary", r"/steps/treatment")

        check("treatment")
        keys.choose("select[name^=t-]", "mitigate")
        keys.type("input[name^=o-]", "CTO")
        keys.press("form button.button-primary", r"/steps/controls")

        check("controls")
        keys.tick("input[name=control][value=CTL-01]")
        keys.press("form[action$='/select'] button[type=submit]", r"/steps/controls")
        check("controls with a selection")
        keys.press("#see-coverage", r"/steps/coverage")

        page.wait_for_selector("#coverage-heatmap .main-svg")
        check("coverage")
        keys.press("#continue-quality", r"/steps/quality")
        check("quality")
        assert "statements pass" in page.inner_text("#quality-summary")

        assessment = re.search(r"/assessments/(\d+)/", page.url)
        assert assessment
        a = assessment.group(1)
        for label, path in {
            "library": "/library/",
            "framework": "/library/frameworks/testfw",
            "criterion": "/library/frameworks/testfw/criteria/T1.1",
            "library risks": "/library/risks",
            "library risk": "/library/risks/R-TST-01",
            "library controls": "/library/controls",
            "library control": "/library/controls/CTL-01",
            "evidence type": "/library/evidence/EV-ONE",
            "policies": "/library/policies",
            "policy": "/library/policies/POL-ONE",
            "members": "/org/members",
            "settings": "/org/settings",
            "new organisation": "/orgs/new",
            "systems": "/org/systems",
            "new system": "/org/systems/new",
            "vendors": "/vendors/",
            "new vendor": "/vendors/new",
            "description answers": "/org/description",
            "incidents": "/org/incidents",
            "audit trail": "/audit/",
            "account": "/account",
            "system description": f"/assessments/{a}/description",
        }.items():
            response = page.goto(server + path)
            assert response and response.ok, f"{path} answered {response and response.status}"
            check(label)
        # every page again at 1440 pixels, signed in afresh (the sign-in pages: signed out)
        first = dict(visited)
        wide = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
        wide.add_init_script(path=str(axe))
        page = wide.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        for label in ("sign up", "sign in"):  # ends on the sign-in page
            page.goto(first[label])
            check(f"{label} at 1440")
        page.fill("input[name=email]", "kim@example.com")
        page.fill("input[name=password]", "correct horse battery staple")
        with page.expect_navigation():
            page.click("form[action$='/sign-in'] button[type=submit]")
        for label, url in first.items():
            if label.startswith(("sign in", "sign up")):
                continue
            response = page.goto(url)
            assert response and response.ok, f"{url} answered {response and response.status}"
            check(f"{label} at 1440")
        browser.close()
    assert len(found) == 2 * len(first)  # every page at both widths
    assert {label: v for label, v in found.items() if v} == {}
    assert errors == []


PERIOD_PAGES = (
    "calendar",
    "populations",
    "samples",
    "evidence",
    "checks",
    "testing",
    "testing/IAM-03",
    "deviations",
    "readiness",
    "requests",
)


def test_every_period_page_of_the_demo_has_no_serious_violations_at_either_width(
    tmp_path: Path,
) -> None:
    """The demo's Type 2 period with two populations (one with candidate deviations), a sample
    and an auditor request: axe on every period page at 1280 and 1440 pixels."""
    from tests.conftest import PASSWORD

    axe = _axe_path()
    app, _org_id, a = shipped_demo(tmp_path, "Axe Co", "axe@example.com")
    runner = app.test_cli_runner()
    populations = ROOT / "seed_library/docs/populations"
    for ref, name in (
        ("IAM-03", "IAM-03-access-requests.csv"),
        ("HR-03", "HR-03-joiners-training.csv"),
    ):
        args = ["period", "import-population", "--assessment", str(a), "--control", ref]
        args += ["--file", str(populations / name), "--source", "Okta", "--yes"]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    drawn = runner.invoke(args=["period", "draw", "--assessment", str(a), "--control", "IAM-03"])
    assert drawn.exit_code == 0, drawn.output
    server = LiveServer(app)
    found: dict[str, list[str]] = {}
    errors: list[str] = []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width in (1280, 1440):
                context = browser.new_context(
                    locale="en-US", viewport={"width": width, "height": 900}
                )
                context.add_init_script(path=str(axe))
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{server.url}/sign-in")
                page.fill("input[name=email]", "axe@example.com")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(lambda url: not url.endswith("/sign-in"))
                paths = [f"/assessments/{a}/period/{name}" for name in PERIOD_PAGES]
                for path in paths:
                    response = page.goto(server.url + path)
                    assert response and response.ok, (
                        f"{path} answered {response and response.status}"
                    )
                    page.wait_for_load_state("load")
                    found[f"{path} at {width}"] = page.evaluate(AXE_RUN)
                    if path.endswith("/requests"):
                        if width == 1280:  # the list as the plan generates it
                            with page.expect_navigation():
                                page.click("#generate-requests")
                            page.wait_for_load_state("load")
                            found[f"{path} generated"] = page.evaluate(AXE_RUN)
                        hrefs = page.eval_on_selector_all(
                            "a[href*='/period/requests/']", "els => els.map(e => e.href)"
                        )
                        href = next((h for h in hrefs if re.search(r"/requests/\d+$", h)), None)
                        assert href, "the request list links no request"
                        page.goto(href)
                        page.wait_for_load_state("load")
                        found[f"one request at {width}"] = page.evaluate(AXE_RUN)
                context.close()
            browser.close()
    finally:
        server.stop()
    assert len(found) == 2 * (len(PERIOD_PAGES) + 1) + 1
    assert {label: v for label, v in found.items() if v} == {}
    assert errors == []
