"""The auditor's request list over HTTP: generate, export, import a firm's list, assign, access."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from riskapp.extensions import db
from riskapp.models import AuditEvent, AuditRequest, Membership, Organization
from tests.conftest import AuthActions
from tests.period.conftest import PeriodWorld, make_period_assessment


@pytest.fixture
def owner(period_world: PeriodWorld, make_member: Callable[..., Membership], auth: AuthActions):
    member = make_member(period_world.org, "owner", email="lead@gamma.example")
    assert auth.sign_in(member.user.email).status_code == 302
    return member


def _base(world: PeriodWorld) -> str:
    return f"/assessments/{world.assessment.id}/period"


def _requests() -> list[AuditRequest]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditRequest).order_by(AuditRequest.code)))


def _upload(client: FlaskClient, auth: AuthActions, world: PeriodWorld, content: bytes, name: str):
    base = _base(world)
    fields = {"csrf_token": auth.token(f"{base}/requests"), "file": (io.BytesIO(content), name)}
    return client.post(
        f"{base}/requests/import/preview", data=fields, content_type="multipart/form-data"
    )


def _confirm(auth: AuthActions, world: PeriodWorld, preview_html: str, **mapping: str):
    token = re.search(r'name="token"[^>]*value="([^"]*)"', preview_html)
    filename = re.search(r'name="filename"[^>]*value="([^"]*)"', preview_html)
    assert token and filename, preview_html
    chosen = {}
    for name, body in re.findall(
        r'<select[^>]*name="(map_\w+)"[^>]*>(.*?)</select>', preview_html, re.S
    ):
        picked = re.search(r'<option selected value="([^"]*)"', body)
        chosen[name] = picked[1] if picked else ""
    chosen.update(mapping)
    base = _base(world)
    return auth.post(
        f"{base}/requests/import/confirm",
        {"token": token[1], "filename": filename[1], **chosen},
        token_from=f"{base}/requests",
    )


def test_the_plan_gives_one_request_per_occurrence_population_or_sample(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    base = _base(period_world)
    done = auth.post(f"{base}/requests/generate", token_from=f"{base}/requests")
    assert done.status_code == 302
    rows = _requests()
    # CTL-01 per-event: its population; CTL-02 monthly: 12 months; CTL-03 daily: one sample
    kinds = [(r.control_code, r.scope_kind) for r in rows]
    assert kinds.count(("CTL-01", "population")) == 1
    assert kinds.count(("CTL-02", "occurrence")) == 12
    assert kinds.count(("CTL-03", "sample")) == 1
    assert len(rows) == 14 and rows[0].code == "REQ-001" and rows[-1].code == "REQ-014"
    february = next(r for r in rows if r.window_start and r.window_start.month == 2)
    assert str(february.due_on) == "2026-02-28"
    again = auth.post(
        f"{base}/requests/generate", token_from=f"{base}/requests", follow_redirects=True
    )
    assert "0 requests added from the plan" in again.get_data(as_text=True)
    assert len(_requests()) == 14
    page = client.get(f"{base}/requests").get_data(as_text=True)
    assert "REQ-014" in page and "Population (not yet imported)" in page
    assert "Auditor requests" in client.get(f"{base}/calendar").get_data(as_text=True)


FIRM_LIST = (
    "Request ID,Control Code,Details,Assigned To,Due On,Notes\n"
    "PBC-1, ctl-02 ,Monthly access review sign-offs,helper@gamma.example,2027-01-15,x\n"
    "PBC-2,XYZ-9,+1 call the CFO about the budget,Someone Else,2027-01-20,\n"
    "PBC-3,CTL-01,All new hires and their checks,,,\n"
)


def test_a_firm_list_is_previewed_mapped_matched_and_imported(
    client: FlaskClient,
    auth: AuthActions,
    owner: Membership,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
) -> None:
    helper = make_member(period_world.org, "editor", email="helper@gamma.example")
    preview = _upload(client, auth, period_world, FIRM_LIST.encode(), "firm.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert 'id="import-count">3<' in html and 'id="import-matched">2<' in html
    assert "XYZ-9" in re.search(r'id="import-unmatched".*?</div>', html, re.S).group(0)
    assert _requests() == []  # a preview changes nothing

    assert _confirm(auth, period_world, html).status_code == 302
    rows = {r.code: r for r in _requests()}
    assert set(rows) == {"PBC-1", "PBC-2", "PBC-3"}
    assert rows["PBC-1"].control.ref == "CTL-02" and rows["PBC-1"].assignee_id == helper.user_id
    assert str(rows["PBC-1"].due_on) == "2027-01-15"
    assert rows["PBC-2"].control_id is None and rows["PBC-2"].control_code == "XYZ-9"
    assert rows["PBC-2"].firm_assignee == "Someone Else" and rows["PBC-2"].assignee_id is None
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_kind == "audit_request")
    ).all()
    assert len(events) == 3

    # exports: the XLSX keeps the typed text but quote-prefixes it; the CSV makes it inert
    base = _base(period_world)
    xlsx = client.get(f"{base}/requests/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data))["Requests"]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    risky = cells["PBC-2"][3]
    assert risky.value == "+1 call the CFO about the budget" and risky.quotePrefix
    assert risky.data_type == "s"
    assert cells["PBC-1"][1].value == "CTL-02" and cells["PBC-1"][7].value == "helper@gamma.example"
    assert cells["PBC-1"][5].value.date().isoformat() == "2027-01-15"
    text = client.get(f"{base}/requests/export.csv").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["Request ID", "Control", "Control title"]
    assert next(r for r in lines if r[0] == "PBC-2")[3] == "'+1 call the CFO about the budget"


def test_a_firm_list_with_bad_rows_is_refused_whole_naming_each(
    client: FlaskClient, auth: AuthActions, owner: Membership, period_world: PeriodWorld
) -> None:
    bad = (
        "Request ID,Control Code,Due On\n"
        "PBC-1,CTL-02,2027-01-15\n"
        "PBC-1,CTL-01,2027-01-16\n"
        ",CTL-01,\n"
        "PBC-4,CTL-01,next Friday\n"
        "PBC-5,=cmd(),\n"
    )
    preview = _upload(client, auth, period_world, bad.encode(), "firm.csv")
    html = preview.get_data(as_text=True)
    for message in (
        "Row 3 (PBC-1): Request ID PBC-1 is also on row 2.",
        "Row 4: the Request ID is empty.",
        "Row 5 (PBC-4): the due date &#39;next Friday&#39; is not a date (YYYY-MM-DD).",
        "Row 6 (PBC-5): the Control code is a formula",
    ):
        assert message in html
    refused = _confirm(auth, period_world, html)
    assert refused.status_code == 422
    assert "Row 4: the Request ID is empty." in refused.get_data(as_text=True)
    assert _requests() == []
    # mapping away the column the ids are in is refused too, and says which field is missing
    unmapped = _confirm(auth, period_world, html, map_code="")
    assert unmapped.status_code == 422
    assert "Choose the column that holds the Request ID." in unmapped.get_data(as_text=True)
    wrong = _upload(client, auth, period_world, b"%PDF-1.7", "firm.pdf")
    assert wrong.status_code == 422 and "must be .csv or .xlsx" in wrong.get_data(as_text=True)


def test_a_request_is_assigned_with_a_due_date_and_shows_its_evidence_and_impact(
    client: FlaskClient,
    auth: AuthActions,
    owner: Membership,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
) -> None:
    helper = make_member(period_world.org, "editor", email="helper@gamma.example")
    outsider = make_member(email="outsider@elsewhere.example")
    base = _base(period_world)
    auth.post(f"{base}/requests/generate", token_from=f"{base}/requests")
    march = next(r for r in _requests() if r.window_start and r.window_start.month == 3)
    url = f"{base}/requests/{march.id}"
    page = client.get(url).get_data(as_text=True)
    assert "nothing on file yet" in page and "If CTL-02 fails" in page
    attached = auth.post(
        f"{base}/evidence",
        {
            "control": "CTL-02",
            "occurrence": "3",
            "url": "https://wiki.example/march-review",
            "effective_date": "2026-03-31",
        },
        token_from=f"{base}/evidence",
    )
    assert attached.status_code == 302, attached.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "1 on file" in page and "https://wiki.example/march-review" in page
    # the daily control's sample, once drawn, is one request whose items are its occurrences
    assert (
        auth.post(
            f"{base}/samples/draw", {"control": "CTL-03"}, token_from=f"{base}/samples"
        ).status_code
        == 302
    )
    auth.post(f"{base}/requests/generate", token_from=f"{base}/requests")
    daily = next(r for r in _requests() if r.control_code == "CTL-03")
    picked = daily.item_ids[0]
    assert picked.startswith("#") and len(daily.item_ids) > 1
    auth.post(
        f"{base}/evidence",
        {
            "control": "CTL-03",
            "occurrence": picked[1:],
            "url": "https://logs.example/day",
            "effective_date": "2026-06-01",
        },
        token_from=f"{base}/evidence",
    )
    listing = client.get(f"{base}/requests").get_data(as_text=True)
    assert f"1 of {len(daily.item_ids)} items evidenced" in listing
    saved = auth.post(
        url,
        {"assignee": str(helper.user_id), "due_on": "2027-02-01", "status": "in-progress"},
        token_from=url,
    )
    assert saved.status_code == 302
    row = db.session.get(AuditRequest, march.id)
    db.session.refresh(row)
    assert (row.assignee_id, str(row.due_on), row.status) == (
        helper.user_id,
        "2027-02-01",
        "in-progress",
    )
    refused = auth.post(
        url,
        {"assignee": str(outsider.user_id), "due_on": "2027-03-01", "status": "open"},
        token_from=url,
    )
    assert refused.status_code == 422
    assert "Choose a member of this organisation." in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.assignee_id == helper.user_id and str(row.due_on) == "2027-02-01"


def test_another_organisation_gets_404_on_every_request_route(
    client: FlaskClient,
    auth: AuthActions,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
    make_org: Callable[..., Organization],
) -> None:
    owner = make_member(period_world.org, "owner", email="lead@gamma.example")
    assert auth.sign_in(owner.user.email).status_code == 302
    base = _base(period_world)
    auth.post(f"{base}/requests/generate", token_from=f"{base}/requests")
    request_id = _requests()[0].id
    auth.sign_out()
    other = make_org("Delta Ltd")
    theirs = make_period_assessment(other, "Delta 2026")
    stranger = make_member(other, "owner", email="boss@delta.example")
    assert auth.sign_in(stranger.user.email).status_code == 302
    token_page = f"/assessments/{theirs.id}/period/requests"
    gets = ["/requests", "/requests/export.xlsx", "/requests/export.csv", f"/requests/{request_id}"]
    for path in gets:
        assert client.get(base + path).status_code == 404, path
    posts = [
        "/requests/generate",
        "/requests/import/preview",
        "/requests/import/confirm",
        f"/requests/{request_id}",
    ]
    for path in posts:
        assert auth.post(base + path, {}, token_from=token_page).status_code == 404, path
    # and their own assessment cannot reach our request by its id
    assert client.get(f"/assessments/{theirs.id}/period/requests/{request_id}").status_code == 404
    assert len(_requests()) == 14


def _sample_url(app: Flask, rule: object, values: dict[str, int]) -> str:
    path = str(rule)
    for name in re.findall(r"<(?:\w+:)?(\w+)>", path):
        if name == "kind":
            path = re.sub(r"<any\([^)]*\):kind>", "csv", path)
        else:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(values.get(name, 1)), path)
    return path


# Period POST routes an auditor member may use (the auditor's own results, added at merge).
AUDITOR_MAY_POST: frozenset[str] = frozenset({"period.record_auditor"})


@pytest.mark.parametrize("role", ["auditor", "viewer"])
def test_auditors_and_viewers_get_403_on_every_period_post_and_nothing_changes(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    period_world: PeriodWorld,
    make_member: Callable[..., Membership],
    role: str,
) -> None:
    owner = make_member(period_world.org, "owner", email="lead@gamma.example")
    assert auth.sign_in(owner.user.email).status_code == 302
    base = _base(period_world)
    auth.post(f"{base}/requests/generate", token_from=f"{base}/requests")
    auth.sign_out()
    reader = make_member(period_world.org, role, email=f"{role}@gamma.example")
    assert auth.sign_in(reader.user.email).status_code == 302
    first = _requests()[0]
    values = {"assessment_id": period_world.assessment.id, "request_id": first.id}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    routes = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("period.") and "POST" in (r.methods or ())
    ]
    assert len(routes) >= 12  # populations, samples, evidence, requests …
    for rule in routes:
        if rule.endpoint in AUDITOR_MAY_POST:
            continue
        url = _sample_url(app, rule, values)
        response = auth.post(
            url, {"control": "CTL-02", "status": "accepted"}, token_from=f"{base}/requests"
        )
        assert response.status_code == 403, (rule.endpoint, response.status_code)
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before
    # and they read the requests, the evidence and the calendar
    for page in ("requests", "evidence", "calendar", f"requests/{first.id}"):
        assert client.get(f"{base}/{page}").status_code == 200, page
    assert "generate-requests" not in client.get(f"{base}/requests").get_data(as_text=True)


def test_the_control_card_and_the_calendar_say_what_a_failure_affects(
    client: FlaskClient, owner: Membership, period_world: PeriodWorld
) -> None:
    # CTL-01 (implemented) is the only effective primary of T1.1 in the small library
    assessment_id = period_world.assessment.id
    period_world.assessment.step_reached = "quality"
    db.session.commit()
    card = client.get(f"/assessments/{assessment_id}/steps/controls?edit=CTL-01").get_data(
        as_text=True
    )
    found = re.search(r'id="failure-CTL-01".*?</details>', card, re.S)
    assert found and "If CTL-01 fails" in found.group(0) and "T1.1" in found.group(0)
    calendar = client.get(f"{_base(period_world)}/calendar?control=CTL-01").get_data(as_text=True)
    assert 'id="failure-CTL-01"' in calendar and "POL-ONE" in calendar


def test_pages_read_the_cached_library_graph_and_never_rebuild_it(
    client: FlaskClient,
    owner: Membership,
    period_world: PeriodWorld,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from riskapp.domain.graph import build

    calls: list[int] = []
    real = build.build_graph

    def counting(library):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(library)

    monkeypatch.setattr(build, "build_graph", counting)
    url = f"{_base(period_world)}/calendar?control=CTL-01"
    assert 'id="failure-CTL-01"' in client.get(url).get_data(as_text=True)
    first = len(calls)
    for _ in range(3):
        assert 'id="failure-CTL-01"' in client.get(url).get_data(as_text=True)
    assert first <= 1 and len(calls) == first
