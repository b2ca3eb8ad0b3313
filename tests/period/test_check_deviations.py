"""A confirmed census deviation carries what a Testing-page deviation does; the rule reads it.

Confirming a candidate on the Checks page (or changing a confirmed one) records
its nature, cause, person or system involved, recurring and design-level; the
deviation register, the conclusion rule, the workbook and the command line
all show them.
"""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from riskapp.extensions import db
from riskapp.models import AuditEvent, CheckDecision
from riskapp.services import checks as checks_service
from riskapp.services import exports as export_service
from riskapp.services import readiness as readiness_service
from tests.conftest import AuthActions
from tests.period.conftest import PeriodWorld
from tests.period.test_checks_web import _base, _row, _signed_in
from tests.period.test_checks_web import leavers as leavers  # noqa: F401  (the fixture)
from tests.test_hostile_text import (
    _overflowing_values,
    _submit_every_text_field,
    _unstorable_values,
)

CAUSE = "Cover for the HR administrator did not know the leaver procedure"


def _confirm(
    auth: AuthActions,
    world: PeriodWorld,
    population: int,
    *,
    reason: str = "Ticket shows access removed two business days late",
    decision: str = "confirmed",
    item: str = "E-2",
    check: str = "removed-in-time",
    **facts: object,
):
    base = _base(world)
    data = {"population": population, "item": item, "check": check, "decision": decision,
            "reason": reason}  # fmt: skip
    for name, value in facts.items():
        if value is True:
            data[name] = "y"
        elif value not in (False, None):
            data[name] = value
    return auth.post(f"{base}/checks/decide", data, token_from=f"{base}/checks")


def _rule(world: PeriodWorld) -> tuple[str, str]:
    found = readiness_service.readiness(world.assessment)
    ctl01 = next(c for c in found.controls if c.ref == "CTL-01")
    return ctl01.rule.conclusion, ctl01.rule.reason


def _events() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.summary)
        .where(AuditEvent.object_kind == "check_decision")
        .order_by(AuditEvent.id)
    )
    return [tuple(r) for r in rows]


def test_an_isolated_confirmed_deviation_with_a_cause_is_an_exception(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    done = _confirm(auth, period_world, leavers, nature="late", cause=CAUSE, involves="HR cover")
    assert done.status_code == 302
    row = db.session.scalars(sa.select(CheckDecision)).one()
    assert (row.nature, row.cause, row.involves, row.recurring, row.design) == (
        "late", CAUSE, "HR cover", False, False
    )  # fmt: skip
    conclusion, reason = _rule(period_world)
    assert conclusion == "effective with exceptions", reason
    assert reason.startswith("1 isolated deviation(s) with an identified cause")

    found = checks_service.confirmed_findings(period_world.assessment.id)
    assert {k: found[0][k] for k in ("nature", "cause", "involves", "recurring", "design")} == {
        "nature": "late", "cause": CAUSE, "involves": "HR cover", "recurring": False,
        "design": False,
    }  # fmt: skip
    page = client.get(f"{_base(period_world)}/checks").get_data(as_text=True)
    held = _row(page, "E-2", "removed-in-time")
    assert f"Operated late; cause: {CAUSE}" in held
    assert '<option value="late" selected>' in held  # the form starts from what is recorded
    register = client.get(f"{_base(period_world)}/deviations").get_data(as_text=True)
    entry = re.search(r'<tr id="deviation-CTL-01-check-E-2">(.*?)</tr>', register, re.S)
    assert entry and CAUSE in entry[1] and "(HR cover)" in entry[1]
    assert "(confirmed: Ticket shows access removed two business days late)" in entry[1]


@pytest.mark.parametrize(
    ("facts", "trigger"),
    [
        ({"design": True}, "a design-level cause (E-2)"),
        ({"recurring": True}, "a recurring cause (marked recurring on E-2)"),
    ],
)
def test_changing_a_confirmed_deviation_to_design_level_or_recurring_makes_it_ineffective(
    client: FlaskClient,
    auth: AuthActions,
    make_member,
    period_world: PeriodWorld,
    leavers: int,
    facts: dict[str, bool],
    trigger: str,
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    _confirm(auth, period_world, leavers, cause=CAUSE)
    assert _rule(period_world)[0] == "effective with exceptions"
    changed = _confirm(auth, period_world, leavers, cause=CAUSE, **facts)
    assert changed.status_code == 302
    conclusion, reason = _rule(period_world)
    assert conclusion == "ineffective"
    assert trigger in reason
    assert _events() == [
        ("create", "CTL-01 E-2 removed-in-time confirmed"),
        ("update", "CTL-01 E-2 removed-in-time confirmed"),
    ]
    update = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "update").order_by(AuditEvent.id.desc())
    ).first()
    assert update is not None
    name = next(iter(facts))
    assert update.changes[name] == {"before": False, "after": True}


def test_a_confirmed_deviation_without_a_cause_is_not_shown_isolated(
    auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    _confirm(auth, period_world, leavers)  # the reason for confirming is not a cause
    conclusion, reason = _rule(period_world)
    assert conclusion == "ineffective"
    assert "no identified cause for E-2" in reason


def test_dismissing_keeps_no_deviation_facts(
    auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    _confirm(auth, period_world, leavers, cause=CAUSE, design=True, nature="late")
    _confirm(auth, period_world, leavers, decision="dismissed", reason="Bank holiday",
             cause=CAUSE, design=True)  # fmt: skip
    row = db.session.scalars(sa.select(CheckDecision)).one()
    assert (row.decision, row.nature, row.cause, row.design) == ("dismissed", "other", "", False)
    assert checks_service.confirmed_findings(period_world.assessment.id) == []


def test_a_refused_submission_shows_the_message_beside_the_field_keeps_what_was_typed_and_changes_nothing(  # noqa: E501
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "owner")
    typed = {"reason": "Late removal", "nature": "late", "involves": "HR cover",
             "recurring": True}  # fmt: skip
    long_cause = "c" * 2001
    refused = _confirm(auth, period_world, leavers, cause=long_cause, **typed)  # type: ignore[arg-type]
    assert refused.status_code == 422
    row = _row(refused.get_data(as_text=True), "E-2", "removed-in-time")
    error = re.search(r'<ul class="field-errors" id="(cause-[\d-]+)-error"><li>(.*?)</li>', row)
    assert error and error[2] == (
        "Keep the cause to 2,000 characters or fewer (you entered 2,001)."
    )
    assert f'id="{error[1]}" name="cause" rows="2" maxlength="2000" aria-invalid="true"' in row
    assert f">{long_cause}</textarea>" in row
    assert ">Late removal</textarea>" in row
    assert 'value="HR cover" maxlength="200"' in row
    assert '<option value="late" selected>' in row
    assert 'name="recurring" value="y" checked' in row
    assert 'name="design" value="y" checked' not in row
    assert '<details class="deviation-facts" open>' in row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0
    assert _events() == []

    # a change to a confirmed deviation that is refused leaves it as it was
    _confirm(auth, period_world, leavers, cause=CAUSE)
    bad_nature = _confirm(auth, period_world, leavers, cause="Other", nature="sideways")
    assert bad_nature.status_code == 422
    assert "Not a valid choice" in _row(bad_nature.get_data(as_text=True), "E-2", "removed-in-time")
    too_many = _confirm(auth, period_world, leavers, cause="Other", involves="p" * 201)
    assert "Keep the person or system involved to 200 characters or fewer (you entered 201)." in (
        _row(too_many.get_data(as_text=True), "E-2", "removed-in-time")
    )
    db.session.expire_all()
    row_after = db.session.scalars(sa.select(CheckDecision)).one()
    assert (row_after.cause, row_after.nature, row_after.involves) == (CAUSE, "other", "")
    assert len(_events()) == 1


def test_the_service_refuses_what_the_columns_cannot_hold(
    period_world: PeriodWorld, leavers: int
) -> None:
    from riskapp.domain.errors import InvalidInput
    from riskapp.domain.testing.results import DeviationFacts

    facts = DeviationFacts(nature="nope", cause="c" * 2001, involves="p" * 201)
    with pytest.raises(InvalidInput) as refused:
        checks_service.decide(
            period_world.assessment, leavers, "E-2", "removed-in-time", "confirmed", "r", facts
        )
    assert refused.value.problems == {
        "nature": "Choose one of: missed, late, incomplete, other.",
        "cause": "Keep the cause to 2,000 characters or fewer (you entered 2,001).",
        "involves": (
            "Keep the person or system involved to 200 characters or fewer (you entered 201)."
        ),
    }


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_viewers_and_auditors_cannot_record_a_cause(
    auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int, role: str
) -> None:
    _signed_in(auth, make_member, period_world, role)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    refused = _confirm(auth, period_world, leavers, cause=CAUSE, design=True)
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_the_form_needs_its_csrf_token(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    response = client.post(
        f"{_base(period_world)}/checks/decide",
        data={"population": leavers, "item": "E-2", "check": "removed-in-time",
              "decision": "confirmed", "reason": "r", "cause": CAUSE},
    )  # fmt: skip
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckDecision)) == 0


def test_the_workbook_register_shows_the_cause_of_a_check_deviation(
    auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    _confirm(auth, period_world, leavers, nature="late", cause=CAUSE, involves="HR cover",
             recurring=True)  # fmt: skip
    content = export_service.workbook_file(period_world.assessment.id).content
    sheet = load_workbook(io.BytesIO(content))["Deviation register"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, found = rows[0], [r for r in rows[1:] if r[4] == "computed check"]
    assert len(found) == 1
    cells = dict(zip(header, found[0], strict=True))
    assert (cells["Item"], cells["Nature"], cells["Cause"]) == ("E-2", "late", CAUSE)
    assert (cells["Recurring"], cells["Design-level"], cells["Person or system"]) == (
        "yes", "no", "HR cover"
    )  # fmt: skip


def test_the_command_line_json_gives_the_facts_of_confirmed_candidates(
    runner, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    _confirm(auth, period_world, leavers, nature="incomplete", cause=CAUSE, design=True)
    args = ["period", "checks", "--assessment", str(period_world.assessment.id), "--json"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    failures = {f["item_id"]: f for f in json.loads(result.output)[0]["failures"]}
    confirmed, still_open = failures["E-2"], failures["E-3"]
    assert {k: confirmed[k] for k in ("status", "nature", "cause", "involves", "recurring",
                                      "design")} == {  # fmt: skip
        "status": "confirmed", "nature": "incomplete", "cause": CAUSE, "involves": "",
        "recurring": False, "design": True,
    }  # fmt: skip
    assert still_open["status"] == "open" and still_open["cause"] is None


def test_hostile_text_in_the_decision_form_is_never_a_500_nor_stored_beyond_its_column(
    app: Flask, client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld,
    leavers: int,
) -> None:  # fmt: skip
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _signed_in(auth, make_member, period_world, "owner")
    done: set[tuple[str, tuple[str, ...]]] = set()
    page = f"{_base(period_world)}/checks"
    assert _submit_every_text_field(client, [page], done) == []
    decided = [key for key in done if key[0].endswith("/checks/decide")]
    assert decided and {"cause", "involves", "reason", "nature"} <= set(decided[0][1])
    assert _overflowing_values() == []
    assert _unstorable_values() == []


def test_a_recorded_conclusion_is_flagged_once_the_rule_says_otherwise(
    client: FlaskClient, auth: AuthActions, make_member, period_world: PeriodWorld, leavers: int
) -> None:
    _signed_in(auth, make_member, period_world, "editor")
    base = _base(period_world)
    _confirm(auth, period_world, leavers, cause=CAUSE)
    recorded = auth.post(
        f"{base}/deviations/conclusion",
        {"control": "CTL-01", "conclusion": "effective", "reason": "One late removal, no access"},
        token_from=f"{base}/deviations",
    )
    assert recorded.status_code == 302

    def flags() -> list[str]:
        pages = (f"{base}/deviations", f"{base}/readiness")
        return [
            m
            for page in pages
            for m in re.findall(
                r'<p class="callout callout-warning rule-changed" role="status">(.*?)</p>',
                client.get(page).get_data(as_text=True),
            )
        ]

    assert flags() == []  # the rule still says what it said
    _confirm(auth, period_world, leavers, cause=CAUSE, design=True)
    today = db.session.scalars(sa.select(AuditEvent.at).order_by(AuditEvent.id.desc())).first()
    assert today is not None
    message = (
        "The rule now says “ineffective”; the conclusion was recorded on "
        f"{today.date()}, when it said “effective with exceptions”."
    )
    assert flags() == [message, message]
    records = readiness_service.conclusion_records(
        readiness_service.readiness(period_world.assessment)
    )
    ctl01 = next(r for r in records if r["control"] == "CTL-01")
    assert (ctl01["conclusion"], ctl01["rule"], ctl01["rule_when_recorded"]) == (
        "effective", "ineffective", "effective with exceptions"
    )  # fmt: skip
