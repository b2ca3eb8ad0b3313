"""The controls step in Chromium: save one control in place while another has unsaved edits,
and the same editor without JavaScript."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import Assessment, Framework, Membership, Organization, User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, requires_chromium
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD
from tests.test_controls_step import _select_many

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium


@pytest.fixture
def seeded(live_server) -> tuple[str, int]:
    server = live_server()
    with server.app.app_context():
        user = User(
            email="lee@example.com",
            name="Lee Owner",
            password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH),
        )
        org = Organization(name="Lee Co", settings={})
        db.session.add_all([user, org])
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role="owner"))
        framework = db.session.scalar(sa.select(Framework.id).where(Framework.slug == "testfw"))
        row = Assessment(organization_id=org.id, framework_id=framework, name="Lee SOC 2")
        db.session.add(row)
        db.session.commit()
        _select_many(row, 30)
        return server.url, row.id


def _sign_in(page, server: str) -> None:
    page.goto(f"{server}/sign-in")
    page.fill("input[name=email]", "lee@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/sign-in'] button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _owner(page, ref: str) -> str:
    return page.locator(f"#row-{ref} td.owner").inner_text()


def test_saving_one_control_keeps_the_unsaved_edit_of_another(seeded) -> None:
    server, assessment_id = seeded
    url = f"{server}/assessments/{assessment_id}/steps/controls"
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, server)
        page.goto(url)
        page.wait_for_selector("#row-CUS-001")
        page.evaluate("window.stayedOnPage = true")

        page.click("#row-CUS-001 a.open-editor")
        page.wait_for_selector("#editor-CUS-001 #ow-CUS-001")
        page.fill("#ow-CUS-001", "Alex (not saved yet)")
        page.click("#row-CUS-002 a.open-editor")
        page.wait_for_selector("#editor-CUS-002 #ow-CUS-002")
        page.fill("#ow-CUS-002", "Sam Platform")
        page.select_option("#ss-CUS-002", "implemented")
        page.click("#editor-CUS-002 button[type=submit]")
        page.wait_for_selector("#editor-CUS-002 .editor-status:has-text('CUS-002 saved.')")

        assert page.evaluate("window.stayedOnPage") is True  # no reload
        assert page.input_value("#ow-CUS-001") == "Alex (not saved yet)"
        assert _owner(page, "CUS-002") == "Sam Platform"
        assert page.locator("#row-CUS-002 td.status").inner_text() == "implemented"

        page.fill("#ow-CUS-001", "Alex Ops")
        page.click("#editor-CUS-001 button[type=submit]")
        page.wait_for_selector("#editor-CUS-001 .editor-status:has-text('CUS-001 saved.')")
        assert page.input_value("#ow-CUS-002") == "Sam Platform"

        page.reload()
        page.wait_for_selector("#row-CUS-001")
        assert (_owner(page, "CUS-001"), _owner(page, "CUS-002")) == ("Alex Ops", "Sam Platform")

        # a refused save keeps what was typed and says why, beside the field
        page.evaluate("window.stayedOnPage = true")
        page.click("#row-CUS-003 a.open-editor")
        page.wait_for_selector("#editor-CUS-003 #ss-CUS-003")
        page.fill("#ow-CUS-003", "Typed owner")
        page.select_option("#ss-CUS-003", "not-applicable")
        page.click("#editor-CUS-003 button[type=submit]")
        page.wait_for_selector("#editor-CUS-003 .field-errors")
        assert "Say why the control does not apply." in page.inner_text("#editor-CUS-003")
        assert page.input_value("#ow-CUS-003") == "Typed owner"
        assert page.evaluate("window.stayedOnPage") is True
        assert page.evaluate("document.activeElement.id") == "na-CUS-003"

        # the same editor without JavaScript: a link opens it, the form posts and comes back
        plain = browser.new_context(java_script_enabled=False).new_page()
        _sign_in(plain, server)
        plain.goto(f"{url}?domain=operations")
        plain.click("#row-CUS-005 a.open-editor")
        plain.wait_for_url("**edit=CUS-005**")
        plain.fill("#ow-CUS-005", "Kim Plain")
        plain.click("#editor-CUS-005 button[type=submit]")
        plain.wait_for_selector(".flash-success")
        assert "domain=operations" in plain.url
        assert _owner(plain, "CUS-005") == "Kim Plain"
        browser.close()
    # the refused save is a 422 the browser logs; nothing else may go wrong
    assert [e for e in errors if "status of 422" not in e] == []
