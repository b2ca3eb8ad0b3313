"""The Checks page over HTTP: candidates confirmed or dismissed, reconciliation, access."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from riskapp.extensions import db
from riskapp.models import (
    AuditEvent,
    CheckDecision,
    Control,
    Membership,
    ReconciliationNote,
    SecondSource,
)
from riskapp.services import checks as checks_service
from riskapp.services import populations as population_service
from riskapp.services.populations import Source
from riskapp.services.reconciliation_gate import blocking_reason
from tests.conftest import AuthActions
from tests.period.conftest import PeriodWorld, make_period_assessment

LEAVERS = b"""id,date,description,disabled_at,ticket
E-1,2026-03-06,Leaver one (Friday),2026-03-09,T-1
E-2,2026-03-06,Leaver two (Friday),2026-03-10,T-2
E-3,2026-03-10,Leaver three,2026-03-10,
"""
DISABLED = b"""id,date,description,employee_id
acc-1,2026-03-09,Account one,E-1
acc-2,2026-03-10,Account two,e-2
acc-3,2026-03-10,Account three,E-3
acc-9,2026-03-11,Account nine,E-9
"""


def _declare_checks() -> None:
    control = db.session.scalars(
        sa.select(Control).where(Control.ref == "CTL-01", Control.assessment_id.is_(None))
    ).one()
    control.checks = [
        {"name": "removed-in-time", "kind": "within_days", "a": "date", "b": "disabled_at",
         "days": 1, "business": True},
        {"name": "ticket", "kind": "not_empty", "field": "ticket"},
    ]  # fmt: skip
    control.reconcile = {
        "key": "id", "second_source": "IdP disabled accounts", "second_key": "employee_id"
    }  # fmt: skip
    db.session.commit()


def _import(world: PeriodWorld, content: bytes) -> int:
    preview = population_service.preview(
        world.assessment, "CTL-01", io.BytesIO(content), "leavers.csv"
    )
    row = population_service.replace(
        world.assessment, "CTL-01", preview.parsed, Source("HRIS", "Leavers", "Dana")
    )
    db.session.commit()
    return row.id


@pytest.fixture
def leavers(period_world: PeriodWorld) -> int:
    _declare_checks()
    return _import(period_world, LEAVERS)


def _base(world: PeriodWorld) -> str:
    return f"/assessments/{world.assessment.id}/period"


def _signed_in(auth: AuthActions, make_member, world: PeriodWorld, role: str) -> Membership:
    member = make_member(world.org, role, email=f"{role}@gamma.example")
    assert auth.sign_in(member.user.email).status_code == 302
    return member


def _decide(auth: AuthActions, world: PeriodWorld, population: int, item: str, check: str,
            decision: str, reason: str):  # fmt: skip
    base = _base(world)
    return auth.post(
        f"{base}/checks/decide",
        {"population": population, "item": item, "check": check, "decision": decision,
         "reason": reason},
        token_from=f"{base}/checks",
    )  # fmt: skip


def _row(html: str, item: str, check: str) -> str:
    found = re.search(
        rf'<tr class="candidate" data-item="{item}" data-check="{check}">(.*?)</tr>', html, re.S
    )
    assert found, f"no candidate row for {item} {check}"
    return found[1]


def test_the_page_lists_candidates_and_an_editor_confirms_and_dismisses(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    page = client.get(f"{_base(period_world)}/checks").get_data(as_text=True)
    assert '<span class="population-items">3</span>' in page
    assert '<span class="candidates-open">2</span>' in page
    assert "date 2026-03-06 and disabled_at 2026-03-10 are 2 business days apart (at most 1)" in (
        _row(page, "E-2", "removed-in-time")
    )
    assert "ticket is empty" in _row(page, "E-3", "ticket")
    assert 'data-item="E-1"' not in page  # Friday to Monday is one business day

    done = _decide(auth, period_world, leavers, "E-2", "removed-in-time", "confirmed",
                   "Ticket shows access removed on Tuesday")  # fmt: skip
    assert done.status_code == 302
    _decide(auth, period_world, leavers, "E-3", "ticket", "dismissed", "Ticket T-3 exists")
    page = client.get(f"{_base(period_world)}/checks").get_data(as_text=True)
    assert '<td class="status">confirmed</td>' in _row(page, "E-2", "removed-in-time")
    assert "Ticket shows access removed on Tuesday" in page
    assert '<td class="status">dismissed</td>' in _row(page, "E-3", "ticket")
    assert '<span class="candidates-open">0</span>' in page

    findings = checks_service.confirmed_findings(period_world.assessment.id)
    assert [(f["control_ref"], f["item_id"], f["check"], f["confirmed_by"]) for f in findings] == [
        ("CTL-01", "E-2", "removed-in-time", "editor@gamma.example")
    ]
    assert findings[0]["item_date"] == date(2026, 3, 6)
    assert findings[0]["what_failed"] == (
        "date 2026-03-06 and disabled_at 2026-03-10 are 2 business days apart (at most 1)"
    )
    assert findings[0]["reason"] == "Ticket shows access removed on Tuesday"
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.summary, AuditEvent.actor)
        .where(AuditEvent.object_kind == "check_decision")
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("create", "CTL-01 E-2 removed-in-time confirmed", "editor@gamma.example"),
        ("create", "CTL-01 E-3 ticket dismissed", "editor@gamma.example"),
    ]


def test_a_decision_needs_a_reason_and_keeps_nothing(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "owner")
    response = _decide(auth, period_world, leavers, "E-2", "removed-in-time", "confirmed", "  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the reason for confirming this deviation." in _row(html, "E-2", "removed-in-time")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0
    too_long = "Late because " + "x" * 2000
    kept = _decide(auth, period_world, leavers, "E-2", "removed-in-time", "dismissed", too_long)
    assert kept.status_code == 422
    row = _row(kept.get_data(as_text=True), "E-2", "removed-in-time")
    assert "Use at most 2000 characters (this has 2013)." in row
    assert too_long in row  # what was typed is not lost
    # an item that does not fail is refused too
    passing = _decide(auth, period_world, leavers, "E-1", "removed-in-time", "dismissed", "ok")
    assert passing.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0


def test_a_reimport_that_changes_the_failure_reopens_the_candidate(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "owner")
    _decide(auth, period_world, leavers, "E-2", "removed-in-time", "dismissed", "Bank holiday")
    _import(period_world, LEAVERS.replace(b"2026-03-10,T-2", b"2026-03-11,T-2"))
    page = client.get(f"{_base(period_world)}/checks").get_data(as_text=True)
    assert '<td class="status">open</td>' in _row(page, "E-2", "removed-in-time")


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_viewers_and_auditors_read_but_cannot_decide(
    client: FlaskClient,
    auth: AuthActions,
    make_member,
    period_world: PeriodWorld,
    leavers: int,
    role: str,
) -> None:
    _signed_in(auth, make_member, period_world, role)
    base = _base(period_world)
    page = client.get(f"{base}/checks")
    assert page.status_code == 200
    assert "Confirm deviation" not in page.get_data(as_text=True)
    assert _decide(auth, period_world, leavers, "E-2", "removed-in-time", "confirmed",
                   "x").status_code == 403  # fmt: skip
    explain = auth.post(
        f"{base}/checks/explain",
        {"control": "CTL-01", "side": "second source", "key": "e-9", "reason": "x"},
        token_from=f"{base}/checks",
    )
    assert explain.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReconciliationNote)) == 0


def test_another_organisation_gets_404(
    client: FlaskClient,
    auth: AuthActions,
    make_member: Callable[..., Membership],
    make_org,
    period_world: PeriodWorld,
    leavers: int,
) -> None:
    other = make_org("Delta Ltd")
    own = make_period_assessment(other, "Delta Type 2")
    stranger = make_member(other, "owner", email="owner@delta.example")
    auth.sign_in(stranger.user.email)
    base = _base(period_world)
    assert client.get(f"{base}/checks").status_code == 404
    token_page = f"/assessments/{own.id}/period/checks"
    for url, data in (
        (f"{base}/checks/decide", {"population": leavers, "item": "E-2",
                                   "check": "removed-in-time", "decision": "confirmed",
                                   "reason": "x"}),
        (f"{base}/checks/explain", {"control": "CTL-01", "side": "second source", "key": "e-9",
                                    "reason": "x"}),
    ):  # fmt: skip
        assert auth.post(url, data, token_from=token_page).status_code == 404
    # their own assessment cannot reach our population by its id either
    mine = auth.post(
        f"{token_page}/decide",
        {"population": leavers, "item": "E-2", "check": "removed-in-time",
         "decision": "confirmed", "reason": "x"},
        token_from=token_page,
    )  # fmt: skip
    assert mine.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0


def _upload_second(client: FlaskClient, auth: AuthActions, world: PeriodWorld, content: bytes):
    base = _base(world)
    return client.post(
        f"{base}/checks/second-source",
        data={
            "csrf_token": auth.token(f"{base}/checks"),
            "control": "CTL-01",
            "source_system": "Okta",
            "pulled_by": "Dana",
            "file": (io.BytesIO(content), "disabled.csv"),
        },
        content_type="multipart/form-data",
    )


def test_a_leaver_in_the_identity_provider_only_blocks_the_test_until_explained(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "owner")
    assert blocking_reason(leavers) is None  # nothing to reconcile before the second source
    assert _upload_second(client, auth, period_world, DISABLED).status_code == 302
    reason = blocking_reason(leavers)
    assert reason == (
        "CTL-01: 1 item found in one source only (1 only in IdP disabled accounts) is not "
        "explained; explain each on the Checks page or import the corrected population."
    )
    base = _base(period_world)
    page = client.get(f"{base}/checks").get_data(as_text=True)
    assert f"Test blocked: {reason}" in page
    assert '<span class="matched">3</span>' in page
    assert '<tr class="mismatch" data-key="e-9">' in page

    empty = auth.post(
        f"{base}/checks/explain",
        {"control": "CTL-01", "side": "second source", "key": "e-9", "reason": ""},
        token_from=f"{base}/checks",
    )
    assert empty.status_code == 422
    assert "Say why this item is in one source only." in empty.get_data(as_text=True)
    assert blocking_reason(leavers) == reason

    done = auth.post(
        f"{base}/checks/explain",
        {"control": "CTL-01", "side": "second source", "key": "e-9",
         "reason": "E-9 is a contractor; contractors are not in the HR list"},
        token_from=f"{base}/checks",
    )  # fmt: skip
    assert done.status_code == 302
    assert blocking_reason(leavers) is None
    page = client.get(f"{base}/checks").get_data(as_text=True)
    assert "Test blocked" not in page
    assert "E-9 is a contractor; contractors are not in the HR list" in page
    recorded = {
        kind
        for kind in db.session.scalars(sa.select(AuditEvent.object_kind)).all()
        if kind in ("second_source", "reconciliation_note")
    }
    assert recorded == {"second_source", "reconciliation_note"}


def test_a_corrected_population_unblocks_and_a_file_without_the_key_is_refused(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "owner")
    no_key = DISABLED.replace(b"employee_id", b"person")
    refused = _upload_second(client, auth, period_world, no_key)
    assert refused.status_code == 422
    assert "The file has no column employee_id" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SecondSource)) == 0

    _upload_second(client, auth, period_world, DISABLED)
    assert blocking_reason(leavers) is not None
    _import(period_world, LEAVERS + b"E-9,2026-03-11,Leaver nine,2026-03-11,T-9\n")
    assert blocking_reason(leavers) is None


def test_the_command_line_prints_the_failing_items(
    runner, period_world: PeriodWorld, leavers: int
) -> None:
    base = ["period", "checks", "--assessment", str(period_world.assessment.id)]
    result = runner.invoke(args=base)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "CTL-01 "
        + period_world_title()
        + ": 3 items, 2 failing, 2 candidate deviations (2 open, 0 confirmed, "
        "0 dismissed)"
    )
    assert (
        "  E-2  2026-03-06  removed-in-time  date 2026-03-06 and disabled_at 2026-03-10 are 2 "
        "business days apart (at most 1)  [open]"
    ) in lines
    as_json = runner.invoke(args=[*base, "--json"])
    report = json.loads(as_json.output)
    assert [(f["item_id"], f["check"]) for f in report[0]["failures"]] == [
        ("E-2", "removed-in-time"),
        ("E-3", "ticket"),
    ]
    missing = runner.invoke(args=["period", "checks", "--assessment", "999999"])
    assert missing.exit_code == 1


def period_world_title() -> str:
    return db.session.scalars(
        sa.select(Control.title).where(Control.ref == "CTL-01", Control.assessment_id.is_(None))
    ).one()


def test_the_command_line_imports_the_second_source(
    runner, tmp_path, period_world: PeriodWorld, leavers: int
) -> None:
    path = tmp_path / "disabled.csv"
    path.write_bytes(DISABLED)
    args = ["period", "import-second-source", "--assessment", str(period_world.assessment.id),
            "--control", "CTL-01", "--file", str(path), "--source", "Okta"]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "CTL-01: second source imported, 4 rows",
        "  3 matched",
        "  only in IdP disabled accounts: E-9 (acc-9) [not explained]",
    ]
    checked = runner.invoke(
        args=["period", "checks", "--assessment", str(period_world.assessment.id)]
    )
    assert "  test blocked: CTL-01: 1 item found in one source only" in checked.output
    assert db.session.scalars(sa.select(AuditEvent.actor).where(
        AuditEvent.object_kind == "second_source")).all() == ["command line"]  # fmt: skip
