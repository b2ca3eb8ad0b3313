"""Testing, Deviations and Readiness over HTTP: results per side, roles, the rule, other orgs."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from riskapp.extensions import db
from riskapp.models import AuditEvent, ConclusionOverride, ItemResult, Membership
from riskapp.services import populations as population_service
from riskapp.services.populations import Source
from tests.conftest import AuthActions
from tests.period.conftest import PeriodWorld, make_period_assessment

HIRES_2025 = "".join(
    ["id,date,description\n"]
    + [f"HR-{i:04d},2025-{1 + i % 12:02d}-10,New hire {i}\n" for i in range(30)]
).encode()


@pytest.fixture
def world(period_world: PeriodWorld) -> PeriodWorld:
    """The period world over 2025, so every occurrence is past due whatever today is."""
    row = period_world.assessment
    row.period_start, row.period_end = date(2025, 1, 1), date(2025, 12, 31)
    db.session.commit()
    return period_world


@pytest.fixture
def members(world: PeriodWorld, make_member: Callable[..., Membership]) -> dict[str, Membership]:
    return {
        role: make_member(world.org, role, email=f"{role}@gamma.example")
        for role in ("owner", "editor", "viewer", "auditor")
    }


def _base(world: PeriodWorld) -> str:
    return f"/assessments/{world.assessment.id}/period"


def _as(auth: AuthActions, member: Membership) -> None:
    if auth.user:
        auth.sign_out()
    assert auth.sign_in(member.user.email).status_code == 302


def _result(auth: AuthActions, world: PeriodWorld, side: str, ref: str = "CTL-02", **fields):
    data = {f"{side}-{k}": v for k, v in fields.items()}
    return auth.post(
        f"{_base(world)}/testing/{ref}/{side}", data, token_from=f"{_base(world)}/testing/{ref}"
    )


def _results() -> list[tuple[str, str, str]]:
    return [
        (r.side, r.item_id, r.outcome)
        for r in db.session.scalars(sa.select(ItemResult).order_by(ItemResult.id))
    ]


DEVIATION = {
    "item": "#3",
    "outcome": "deviation",
    "what": "March review not signed off",
    "found_on": "2026-01-20",
    "nature": "late",
    "cause": "reviewer on leave",
}


def test_an_editor_records_an_internal_deviation_kept_apart_from_the_auditor(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["editor"])
    response = _result(auth, world, "internal", **DEVIATION)
    assert response.status_code == 302
    _as(auth, members["auditor"])
    response = _result(auth, world, "auditor", item="#3", outcome="passed")
    assert response.status_code == 302
    assert _results() == [("internal", "#3", "deviation"), ("auditor", "#3", "passed")]
    page = client.get(f"{_base(world)}/testing/CTL-02").get_data(as_text=True)
    row = page.split('id="item-#3"')[1].split("</tr>")[0]
    internal, auditor = row.split('class="internal"')[1], row.split('class="auditor"')[1]
    assert "March review not signed off" in internal and "editor@gamma.example" in internal
    assert ">passed<" in auditor and "auditor@gamma.example" in auditor
    overview = client.get(f"{_base(world)}/testing").get_data(as_text=True)
    cells = re.findall(
        r"<td[^>]*>(.*?)</td>", overview.split('id="testing-CTL-02"')[1].split("</tr>")[0]
    )
    assert cells[4:6] == ["1", "1"] and cells[7] == "1"  # tested internal, deviations, auditor
    kinds = db.session.scalars(
        sa.select(AuditEvent.actor).where(AuditEvent.object_kind == "item_result")
    ).all()
    assert sorted(kinds) == ["auditor@gamma.example", "editor@gamma.example"]


def test_an_auditor_records_a_result_and_cannot_change_anything_else(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["auditor"])
    base = _base(world)
    assert _result(auth, world, "auditor", item="#1", outcome="passed").status_code == 302
    before = _results()
    refused = [
        _result(auth, world, "internal", item="#2", outcome="passed"),
        auth.post(
            f"{base}/deviations/conclusion",
            {"control": "CTL-02", "conclusion": "effective", "reason": "fine"},
            token_from=f"{base}/deviations",
        ),
        auth.post(f"{base}/samples/draw", {"control": "CTL-02"}, token_from=f"{base}/samples"),
        auth.post(
            f"{base}/calendar/daily-mode",
            {"daily_mode": "every-day"},
            token_from=f"{base}/testing/CTL-02",
        ),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert _results() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConclusionOverride)) == 0
    page = client.get(f"{base}/testing/CTL-02").get_data(as_text=True)
    assert 'id="record-auditor"' in page and 'id="record-internal"' not in page


def test_a_viewer_may_record_nothing(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["viewer"])
    for side in ("internal", "auditor"):
        assert _result(auth, world, side, item="#1", outcome="passed").status_code == 403
    assert _results() == []
    page = client.get(f"{_base(world)}/testing/CTL-02").get_data(as_text=True)
    assert "Record an" not in page
    _as(auth, members["owner"])  # owners record internal results, not the auditor's
    assert _result(auth, world, "auditor", item="#1", outcome="passed").status_code == 403


def test_bad_input_is_refused_beside_the_field_and_kept(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["editor"])
    response = _result(
        auth, world, "internal", item="#4", outcome="deviation", cause="typed cause <b>"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say what happened" in page and "Give the date the deviation was found" in page
    assert "typed cause &lt;b&gt;" in page
    response = _result(auth, world, "internal", item="#99", outcome="passed")
    assert response.status_code == 422 and "CTL-02 has no occurrence or sampled item #99" in (
        response.get_data(as_text=True)
    )
    assert _results() == []


def test_remediation_never_erases_a_deviation(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["editor"])
    assert _result(auth, world, "internal", **DEVIATION).status_code == 302
    response = _result(auth, world, "internal", item="#3", outcome="passed")
    assert response.status_code == 422 and "stays one" in response.get_data(as_text=True)
    remediated = {
        **DEVIATION,
        "response": "Review redone and backup assigned",
        "responded_on": "2026-02-01",
    }
    assert _result(auth, world, "internal", **remediated).status_code == 302
    page = client.get(f"{_base(world)}/deviations").get_data(as_text=True)
    row = page.split('id="deviation-CTL-02-internal-#3"')[1].split("</tr>")[0]
    assert "March review not signed off" in row and "Review redone and backup assigned" in row
    assert _results() == [("internal", "#3", "deviation")]


def test_a_blocked_population_refuses_results(
    client: FlaskClient,
    auth: AuthActions,
    world: PeriodWorld,
    members: dict[str, Membership],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from riskapp.services import reconciliation_gate

    preview = population_service.preview(
        world.assessment, "CTL-01", io.BytesIO(HIRES_2025), "hires.csv"
    )
    population_service.replace(world.assessment, "CTL-01", preview.parsed, Source("HR"))
    db.session.commit()
    monkeypatch.setattr(
        reconciliation_gate, "blocking_reason", lambda _pid: "2 leavers only in the IdP"
    )
    _as(auth, members["editor"])
    response = _result(auth, world, "internal", ref="CTL-01", item="HR-0001", outcome="passed")
    assert response.status_code == 422
    assert "until its reconciliation is resolved: 2 leavers only in the IdP" in (
        response.get_data(as_text=True)
    )
    assert _results() == []
    monkeypatch.undo()
    response = _result(auth, world, "internal", ref="CTL-01", item="HR-0001", outcome="passed")
    assert response.status_code == 302  # a census item of the population
    assert _results() == [("internal", "HR-0001", "passed")]


def test_concluding_softer_than_the_rule_needs_a_reason(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["editor"])
    base = _base(world)
    page = client.get(f"{base}/deviations").get_data(as_text=True)
    row = page.split('id="conclusion-CTL-02"')[1].split("</tr>")[0]
    assert "ineffective" in row and "persistence across the period" in row  # 12 months missed
    response = auth.post(
        f"{base}/deviations/conclusion",
        {"control": "CTL-02", "conclusion": "effective", "reason": " "},
        token_from=f"{base}/deviations",
    )
    assert response.status_code == 422
    assert "concluding “effective” needs a recorded reason" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConclusionOverride)) == 0
    response = auth.post(
        f"{base}/deviations/conclusion",
        {
            "control": "CTL-02",
            "conclusion": "effective",
            "reason": "Reviews held; minutes kept offline",
        },
        token_from=f"{base}/deviations",
    )
    assert response.status_code == 302
    page = client.get(f"{base}/deviations").get_data(as_text=True)
    row = page.split('id="conclusion-CTL-02"')[1].split("</tr>")[0]
    assert "Reason: Reviews held; minutes kept offline" in row
    assert '<option value="effective" selected>Effective</option>' in row
    assert "The rule&#39;s conclusion</option>" in row
    events = db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.object_kind == "conclusion_override")
    ).all()
    assert events == ["effective (rule: ineffective)"]


def test_readiness_shows_the_figure_chart_and_findings(
    client: FlaskClient, auth: AuthActions, world: PeriodWorld, members: dict[str, Membership]
) -> None:
    _as(auth, members["viewer"])
    response = client.get(f"{_base(world)}/readiness")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "'unsafe-inline'"
        not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert "/static/js/plotly.min.js" in page and "data-figure=" in page
    # CTL-02 monthly misses 12 months, CTL-03 daily 261 business days; CTL-01 has no population
    assert 'id="readiness-figure">0%<' in page
    assert page.count("occurrence #") == 12 + 261
    link = f"/assessments/{world.assessment.id}/period/evidence?control=CTL-02&amp;occurrence=1"
    assert f'href="{link}"' in page
    row = page.split('id="criterion-T1.2"')[1].split("</tr>")[0]
    assert "not operating" in row  # CTL-02 is ineffective


def test_another_organisation_gets_404_on_every_new_route(
    client: FlaskClient,
    auth: AuthActions,
    world: PeriodWorld,
    make_org: Callable[..., object],
    make_member: Callable[..., Membership],
) -> None:
    other = make_org("Delta Ltd")
    theirs = make_period_assessment(other, "Delta 2026")  # type: ignore[arg-type]
    auditor = make_member(world.org, "auditor", email="aud@gamma.example")
    owner = make_member(world.org, "owner", email="own@gamma.example")
    base = f"/assessments/{theirs.id}/period"
    mine = _base(world)
    data = {
        "internal-item": "#1",
        "internal-outcome": "passed",
        "auditor-item": "#1",
        "auditor-outcome": "passed",
        "control": "CTL-02",
        "conclusion": "effective",
        "reason": "x",
    }
    for member, paths in (
        (auditor, ("testing/CTL-02/auditor",)),
        (owner, ("testing/CTL-02/internal", "deviations/conclusion")),
    ):
        _as(auth, member)
        for path in ("testing", "testing/CTL-02", "deviations", "readiness"):
            assert client.get(f"{base}/{path}").status_code == 404, path
        token = auth.token(f"{mine}/testing/CTL-02")
        for path in paths:
            response = client.post(f"{base}/{path}", data={"csrf_token": token, **data})
            assert response.status_code == 404, path
    assert client.get(f"{mine}/testing/NOPE-9").status_code == 404
    assert _results() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConclusionOverride)) == 0
