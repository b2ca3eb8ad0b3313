"""A person's walk through the guided path, in the system's Chromium driven by Playwright."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskapp.app import create_app
from riskapp.cli import upgrade_database
from riskapp.extensions import db
from riskapp.services.library import load_library
from tests.conftest import FAST_PASSWORD_HASH
from tests.factories import Files, make_library

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="the system Chromium (apt package chromium) is missing"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _library(files: Files) -> None:
    controls = files["controls/controls.yaml"]["controls"]
    # CTL-01 mitigates only R-TST-01, CTL-02 both: the ranking depends on what is mitigated
    controls[0]["mitigates"] = [{"risk": "R-TST-01", "likelihood": 1, "impact": 0}]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
            "SECRET_KEY": "browser-test",
            "RISKAPP_PASSWORD_HASH": FAST_PASSWORD_HASH,
            "RISKAPP_SIGNUP": True,
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        upgrade_database()
        load_library(make_library(tmp_path / "lib", _library))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()


def _residual(page, ref: str) -> str:
    return page.locator(f"#residual-{ref} .residual-now").inner_text().split()[0]


def _ranking(page) -> list[str]:
    return [
        re.sub("^suggest-", "", i)
        for i in page.locator("ol.suggestions li[id]").evaluate_all("els => els.map(e => e.id)")
    ]


def test_sign_up_walk_every_step_then_change_a_rating(server: str) -> None:
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto(f"{server}/sign-up")
        page.fill("input[name=name]", "Robin Lead")
        page.fill("input[name=email]", "robin@example.com")
        page.fill("input[name=password]", "correct horse battery staple")
        page.fill("input[name=confirm]", "correct horse battery staple")
        page.fill("input[name=organization]", "Robin Co")
        page.click("button[type=submit]")

        page.goto(f"{server}/assessments/")
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
        rows["R-TST-01"].locator("select[name^=l-]").select_option("4")
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
        card = page.locator("#c-CTL-01")
        card.locator("select[name=status]").select_option("implemented")
        card.locator("button[type=submit]").click()
        assert _residual(page, "R-TST-01") == "12"
        page.click("text=Check statement quality")
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
