"""The Type 2 period as a person walks it: import, draw, attach, download the package, verify."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import Membership, Organization, User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, requires_chromium
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD
from tests.period.conftest import make_period_assessment, population_csv

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium
PDF = b"%PDF-1.7\n% offer letter signed\n%%EOF\n"


def _seed(server: LiveServer, evidence_dir: Path) -> int:
    server.app.config["RISKAPP_EVIDENCE_DIR"] = str(evidence_dir)
    with server.app.app_context():
        org = Organization(name="Walk Co")
        user = User(
            email="walk@example.com", password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH)
        )
        db.session.add_all([org, user])
        db.session.flush()
        db.session.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        db.session.commit()
        row = make_period_assessment(org, "Walk Type 2")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 1
        return row.id


def test_import_draw_attach_and_verify_the_package(live_server, tmp_path: Path) -> None:
    server = live_server()
    assessment_id = _seed(server, tmp_path / "evidence")
    hires = tmp_path / "hires.csv"
    hires.write_bytes(population_csv(40))
    proof = tmp_path / "offer.pdf"
    proof.write_bytes(PDF)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", "walk@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto(f"{server.url}/assessments/{assessment_id}")
        page.click("#period-steps >> text=Populations")
        page.select_option("select[name=control]", "CTL-01")
        page.set_input_files("input[name=file]", str(hires))
        page.fill("#source_system", "BambooHR")
        page.fill("#pulled_by", "Dana")
        page.click("text=Preview the import")
        assert "no population yet" in page.inner_text("#preview-diff")
        page.click("#confirm-import")
        assert "40 items imported" in page.inner_text("body")

        page.click("nav.steps >> text=Samples")
        page.locator("#CTL-01 button", has_text="Draw the sample").click()
        first_item = page.locator("#CTL-01 .sample-items tbody tr").first
        item_id = first_item.locator("td").nth(1).inner_text()
        seed = page.inner_text("#CTL-01 .seed")
        assert len(seed) == 64
        first_item.locator("text=Attach evidence").click()

        assert page.input_value("input[name=item]") == item_id
        page.set_input_files("input[name=file]", str(proof))
        page.fill("input[name=effective_date]", "2026-12-01")
        page.fill("input[name=collected_by]", "Dana")
        page.click("form >> text=Attach")
        assert hashlib.sha256(PDF).hexdigest() in page.inner_text("#evidence")

        with page.expect_download() as caught:
            page.click("#download-package")
        package = tmp_path / "package.zip"
        caught.value.save_as(package)
        assert caught.value.suggested_filename.endswith("-evidence.zip")
        browser.close()
    assert errors == []
    with zipfile.ZipFile(package) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert [r["occurrence or item"] for r in rows] == [f"item {item_id}"]
        for row in rows:
            assert hashlib.sha256(archive.read(row["file"])).hexdigest() == row["sha256"]
