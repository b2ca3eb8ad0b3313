"""The period pages over HTTP: import with preview, draw, upload, download, package, access."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from riskapp.extensions import db
from riskapp.models import Evidence, Membership, Population, Sample
from tests.conftest import AuthActions
from tests.period.conftest import PeriodWorld, make_period_assessment, population_csv

PDF = b"%PDF-1.7\n% handbook acknowledgement\n%%EOF\n"


@pytest.fixture
def owner(period_world: PeriodWorld, make_member: Callable[..., Membership], auth: AuthActions):
    member = make_member(period_world.org, "owner", email="lead@gamma.example")
    assert auth.sign_in(member.user.email).status_code == 302
    return member


def _base(world: PeriodWorld) -> str:
    return f"/assessments/{world.assessment.id}/period"


def _post_file(
    client: FlaskClient, auth: AuthActions, url: str, token_from: str, data: dict, **files
):
    fields = {"csrf_token": auth.token(token_from), **data}
    for name, (content, filename) in files.items():
        fields[name] = (io.BytesIO(content), filename)
    return client.post(url, data=fields, content_type="multipart/form-data")


def _import(client, auth, world, content: bytes, name: str = "hires.csv"):
    base = _base(world)
    return _post_file(
        client,
        auth,
        f"{base}/populations/preview",
        f"{base}/populations",
        {"control": "CTL-01", "source_system": "BambooHR", "pulled_by": "Dana"},
        file=(content, name),
    )


def _confirm(client, auth, world, preview_html: str):
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', preview_html))
    fields.pop("csrf_token", None)
    return auth.post(
        f"{_base(world)}/populations/confirm", fields, token_from=f"{_base(world)}/populations"
    )


def test_the_assessment_page_links_the_period_section(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    page = client.get(f"/assessments/{period_world.assessment.id}").get_data(as_text=True)
    for step in ("calendar", "populations", "samples", "evidence"):
        assert f"{_base(period_world)}/{step}" in page


def test_the_calendar_shows_due_and_overdue(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    response = client.get(f"{_base(period_world)}/calendar?control=CTL-02")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026-01" in page and "2026-12" in page
    assert 'id="occurrence-list"' in page and "2026-02-01 to 2026-02-28" in page


def test_import_previews_then_replaces_and_a_bad_file_keeps_what_was_typed(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    preview = _import(client, auth, period_world, population_csv(40))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "40" in html and "no population yet" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Population)) == 0
    assert _confirm(client, auth, period_world, html).status_code == 302
    assert db.session.scalars(sa.select(Population)).one().item_count == 40

    again = _import(client, auth, period_world, population_csv(40, start_day=3))
    assert "3 added, 3 removed, 0 changed" in again.get_data(as_text=True)

    bad = population_csv(5) + b"HR-X,2025-06-01,early,x\n"
    refused = _import(client, auth, period_world, bad)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "row 7: date 2025-06-01 is outside the period" in page
    assert 'value="BambooHR"' in page and 'value="Dana"' in page
    db.session.expire_all()
    assert db.session.scalars(sa.select(Population)).one().item_count == 40


def test_draw_then_upload_download_and_package(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    base = _base(period_world)
    _confirm(
        client,
        auth,
        period_world,
        _import(client, auth, period_world, population_csv(30)).get_data(as_text=True),
    )
    drawn = auth.post(f"{base}/samples/draw", {"control": "CTL-01"}, token_from=f"{base}/samples")
    assert drawn.status_code == 302
    sample = db.session.scalars(sa.select(Sample)).one()
    page = client.get(f"{base}/samples").get_data(as_text=True)
    assert sample.seed in page and sample.fingerprint in page and "8 of 30" in page
    item = sample.items[0]["id"]

    uploaded = _post_file(
        client,
        auth,
        f"{base}/evidence",
        f"{base}/evidence",
        {"control": "CTL-01", "item": item, "effective_date": "2026-12-01", "collected_by": "Dana"},
        file=(PDF, "ack.pdf"),
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    row = db.session.scalars(sa.select(Evidence)).one()
    listing = client.get(f"{base}/evidence").get_data(as_text=True)
    assert hashlib.sha256(PDF).hexdigest() in listing

    download = client.get(f"{base}/evidence/{row.id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()

    package = client.get(f"{base}/package")
    assert package.status_code == 200
    assert package.headers["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert [r["sha256"] for r in rows] == [hashlib.sha256(PDF).hexdigest()]
        assert archive.read(rows[0]["file"]) == PDF


def test_uploads_are_checked_by_content_and_size(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld, app
) -> None:
    base = _base(period_world)
    data = {
        "control": "CTL-02",
        "occurrence": "1",
        "effective_date": "2026-01-15",
        "note": "kept note",
    }
    renamed = _post_file(
        client,
        auth,
        f"{base}/evidence",
        f"{base}/evidence",
        data,
        file=(b"MZ\x90\x00" + bytes(200), "report.pdf"),
    )
    assert renamed.status_code == 422
    page = renamed.get_data(as_text=True)
    assert "is a program" in page and "kept note" in page
    app.config["RISKAPP_EVIDENCE_MAX_BYTES"] = 100
    big = _post_file(
        client, auth, f"{base}/evidence", f"{base}/evidence", data, file=(PDF * 10, "big.pdf")
    )
    assert big.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0


def test_a_large_upload_passes_the_general_request_limit(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld, app
) -> None:
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    base = _base(period_world)
    content = b"%PDF-1.7\n" + bytes(6 * 1024 * 1024)  # above the 5 MB limit of other forms
    data = {
        "csrf_token": auth.token(f"{base}/evidence"),
        "control": "CTL-02",
        "occurrence": "1",
        "effective_date": "2026-01-15",
        "file": FileStorage(io.BytesIO(content), "scan.pdf", content_type="application/pdf"),
    }
    boundary, body = encode_multipart(MultiDict(data))  # in memory: no spooled file to leak
    response = client.post(
        f"{base}/evidence", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Evidence)).one().size == len(content)


def test_viewers_read_but_cannot_change(
    client: FlaskClient,
    auth: AuthActions,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
) -> None:
    viewer = make_member(period_world.org, "viewer", email="viewer@gamma.example")
    auth.sign_in(viewer.user.email)
    base = _base(period_world)
    assert client.get(f"{base}/samples").status_code == 200
    denied = auth.post(f"{base}/samples/draw", {"control": "CTL-02"}, token_from=f"{base}/samples")
    assert denied.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Sample)) == 0


def test_csrf_is_required(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    response = client.post(f"{_base(period_world)}/samples/draw", data={"control": "CTL-02"})
    assert response.status_code == 400


def test_another_organisations_evidence_is_not_found(
    client: FlaskClient,
    auth: AuthActions,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
    make_org,
) -> None:
    from datetime import date

    from riskapp.services import evidence as evidence_service

    row = evidence_service.attach_file(
        period_world.assessment,
        evidence_service.Target("CTL-02", 1),
        io.BytesIO(PDF),
        "ack.pdf",
        evidence_service.Details(date(2026, 1, 5)),
        root=period_world.evidence_dir,
        max_bytes=10_000,
    )
    db.session.commit()
    other = make_org("Delta Ltd")
    own = make_period_assessment(other, "Delta Type 2")
    stranger = make_member(other, "owner", email="owner@delta.example")
    auth.sign_in(stranger.user.email)
    for assessment_id in (period_world.assessment.id, own.id):
        url = f"/assessments/{assessment_id}/period/evidence/{row.id}/download"
        assert client.get(url).status_code == 404
    gone = auth.post(
        f"/assessments/{own.id}/period/evidence/{row.id}/delete",
        token_from=f"/assessments/{own.id}/period/evidence",
    )
    assert gone.status_code == 404
    db.session.expire_all()
    assert db.session.get(Evidence, row.id).deleted_at is None


def test_table_options_and_daily_mode_from_the_pages(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    base = _base(period_world)
    bad = auth.post(
        f"{base}/samples/table",
        {"table": "periodic: {monthly: 0}\nbands: []"},
        token_from=f"{base}/samples",
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "periodic.monthly" in page and "monthly: 0" in page
    good = auth.post(
        f"{base}/samples/table",
        {"table": "name: Firm X\nperiodic: {monthly: 3}\nbands: [{up_to: null, size: 30}]"},
        token_from=f"{base}/samples",
    )
    assert good.status_code == 302
    auth.post(
        f"{base}/samples/options",
        {"control": "CTL-02", "census": "y"},
        token_from=f"{base}/samples",
    )
    auth.post(f"{base}/samples/draw", {"control": "CTL-02"}, token_from=f"{base}/samples")
    sample = db.session.scalars(sa.select(Sample)).one()
    assert (sample.size, sample.census, sample.table_name) == (12, True, "Firm X")
    auth.post(
        f"{base}/calendar/daily-mode", {"daily_mode": "every-day"}, token_from=f"{base}/calendar"
    )
    page = client.get(f"{base}/calendar").get_data(as_text=True)
    assert "every day" in page


def test_nul_and_control_characters_are_stripped_before_the_database(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    base = _base(period_world)
    text = b"id,date,description\nA\x00-1,2026-02-01,new\x00 hire\x07\n"
    preview = _import(client, auth, period_world, text)
    assert preview.status_code == 200
    assert _confirm(client, auth, period_world, preview.get_data(as_text=True)).status_code == 302
    uploaded = _post_file(
        client,
        auth,
        f"{base}/evidence",
        f"{base}/evidence",
        {
            "control": "CTL-02",
            "occurrence": "1",
            "effective_date": "2026-01-15",
            "collected_by": "Da\x00na",
            "note": "ok\x00ay",
        },
        file=(PDF, "a\x00ck.pdf"),
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    row = db.session.scalars(sa.select(Evidence)).one()
    assert (row.collected_by, row.note) == ("Dana", "okay")
    assert "\x00" not in row.filename
    items = db.session.scalars(sa.select(Population)).one().items
    assert [(i.item_id, i.description) for i in items] == [("A-1", "new hire")]


def test_a_population_can_be_typed_by_hand(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    base = _base(period_world)
    typed = "id,date,description\nINC-1,2026-03-02,Phishing report\nINC-2,2026-07-09,Lost laptop"
    preview = auth.post(
        f"{base}/populations/preview",
        {"control": "CTL-01", "pasted": typed, "source_system": "Typed by the lead"},
        token_from=f"{base}/populations",
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert _confirm(client, auth, period_world, preview.get_data(as_text=True)).status_code == 302
    row = db.session.scalars(sa.select(Population)).one()
    assert (row.item_count, row.source_system) == (2, "Typed by the lead")


def test_opening_the_period_pages_writes_nothing(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    """A GET of a period page leaves the database and the audit trail as they were."""
    import sqlalchemy as sa

    from riskapp.extensions import db
    from riskapp.models import AuditEvent, PeriodSettings

    for page in ("calendar", "populations", "samples", "evidence"):
        assert client.get(f"{_base(period_world)}/{page}").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PeriodSettings)) == 0
    kinds = db.session.scalars(sa.select(AuditEvent.object_kind)).all()
    assert "period_settings" not in kinds


def test_the_calendar_title_is_plain_text(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    page = client.get(f"{_base(period_world)}/calendar?control=CTL-02").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert "<table" not in title and title.startswith("Calendar · ")
    assert page.count('id="occurrence-list"') == 1
