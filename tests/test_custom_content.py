"""An organisation's own risks and controls: created, edited and deleted, audited, editors only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from riskapp.domain.assessment.commands import CustomControlInput, CustomRiskInput
from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    AuditEvent,
    Control,
    ControlCriterion,
    ControlRisk,
    Risk,
    SelectedControl,
)
from riskapp.repository.auditing import acting_as
from riskapp.services import wizard
from tests.conftest import AuthActions, TwoOrgs

RISK = CustomRiskInput(
    title="Badge readers fail open",
    category="physical",
    threat="a power cut",
    weakness="readers unlock without power",
    consequence="anyone walks into the office",
    likelihood=2,
    impact=4,
)
CONTROL = CustomControlInput(
    title="Door audit",
    statement="The office manager tests every badge reader each quarter.",
    owner_role="Office manager",
    type="detective",
    nature="manual",
    frequency="quarterly",
    criteria=("T1.1",),
    risks=("R-TST-01",),
)


@pytest.fixture
def assessment(two_orgs: TwoOrgs):
    row = two_orgs.assessment_a
    wizard.save_profile(row, {"remote-workforce": True})
    row.step_reached = "controls"
    db.session.commit()
    return row


def _kinds(kind: str) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_kind == kind).order_by(AuditEvent.id)
    )
    return [(e.action, e.summary) for e in rows]


def _links(model: type, control: Control) -> set[tuple]:
    rows = db.session.scalars(sa.select(model).where(model.control_id == control.id))
    if model is ControlCriterion:
        return {(r.criterion.ref, r.strength) for r in rows}
    return {(r.risk.ref, r.likelihood_effect, r.impact_effect) for r in rows}


def test_a_custom_risk_is_added_rated_edited_and_deleted(assessment, two_orgs) -> None:
    with acting_as(db.session, two_orgs.owner_a.user_id, "owner@alpha.example"):
        ref = wizard.add_custom_risk(assessment, RISK)
        db.session.commit()
        assert ref == "CR-01"
        risk = db.session.scalars(sa.select(Risk).where(Risk.ref == ref)).one()
        rating = db.session.scalars(sa.select(AssessedRisk).where(AssessedRisk.risk == risk)).one()
        assert (risk.category, rating.likelihood, rating.impact) == ("physical", 2, 4)

        edited = CustomRiskInput(**{**vars(RISK), "title": "Readers fail open", "impact": 5})
        wizard.edit_custom_risk(assessment, ref, edited)
        db.session.commit()
        db.session.expire_all()
        assert risk.title == "Readers fail open" and (risk.impact, rating.impact) == (5, 5)

        rating.likelihood = 3  # re-rated on the risks table
        wizard.edit_custom_risk(assessment, ref, CustomRiskInput(**{**vars(edited), "title": "R"}))
        db.session.commit()
        db.session.expire_all()
        assert (risk.title, rating.likelihood) == ("R", 3)  # the wording changed, not the levels

        wizard.delete_custom_risk(assessment, ref)
        db.session.commit()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Risk).where(Risk.ref == ref)) == 0
    )
    assert ref not in {r.risk.ref for r in db.session.scalars(sa.select(AssessedRisk))}
    actions = [action for action, _ in _kinds("custom_risk")]
    assert actions == ["create", "update", "update", "delete"]
    assert [a for a, _ in _kinds("assessed_risk") if a == "delete"] == ["delete"]


def test_a_custom_risk_that_breaks_a_rule_changes_nothing(assessment) -> None:
    ref = wizard.add_custom_risk(assessment, RISK)
    db.session.commit()
    with pytest.raises(wizard.StepInvalid) as caught:
        wizard.edit_custom_risk(
            assessment, ref, CustomRiskInput(**{**vars(RISK), "title": " ", "likelihood": 9})
        )
    assert caught.value.problems == {
        "title": "Enter the risk's title.",
        "likelihood": "Rate likelihood from 1 to 5.",
    }
    with pytest.raises(wizard.StepInvalid) as caught:
        wizard.add_custom_risk(assessment, CustomRiskInput(**{**vars(RISK), "title": "x" * 301}))
    assert caught.value.problems == {"title": "Keep the risk's title under 300 characters."}
    db.session.rollback()
    assert [r.title for r in db.session.scalars(sa.select(Risk).where(Risk.ref == ref))] == [
        RISK.title
    ]


def test_a_custom_control_is_mapped_selected_edited_and_deleted(assessment, two_orgs) -> None:
    with acting_as(db.session, two_orgs.owner_a.user_id, "owner@alpha.example"):
        ref = wizard.add_custom_control(assessment, CONTROL)
        db.session.commit()
        control = db.session.scalars(sa.select(Control).where(Control.ref == ref)).one()
        chosen = db.session.scalars(
            sa.select(SelectedControl).where(SelectedControl.control_id == control.id)
        ).one()
        # no wording of its own (NULL): it shows the control's statement, rendered live
        assert chosen.statement is None and chosen.status == "planned"
        assert (chosen.statement or control.statement) == CONTROL.statement
        assert _links(ControlCriterion, control) == {("T1.1", "primary")}
        assert _links(ControlRisk, control) == {("R-TST-01", 1, 1)}  # detective: both

        edited = CustomControlInput(
            **{
                **vars(CONTROL),
                "statement": "The office manager tests every reader each month.",
                "type": "preventive",
                "frequency": "monthly",
                "criteria": ("T1.2",),
                "risks": ("R-TST-01", "R-TST-02"),
            }
        )
        wizard.edit_custom_control(assessment, ref, edited)
        db.session.commit()
        db.session.expire_all()
        assert (control.type, control.frequency) == ("preventive", "monthly")
        # untailored, so it follows the control
        assert chosen.statement is None and control.statement == edited.statement
        assert _links(ControlCriterion, control) == {("T1.2", "primary")}
        assert _links(ControlRisk, control) == {("R-TST-01", 1, 0), ("R-TST-02", 1, 0)}

        wizard.delete_custom_control(assessment, ref)
        db.session.commit()
    assert db.session.scalars(sa.select(Control).where(Control.ref == ref)).all() == []
    assert (
        db.session.scalars(
            sa.select(SelectedControl).where(SelectedControl.assessment_id == assessment.id)
        ).all()
        == []
    )
    assert [a for a, _ in _kinds("custom_control")] == ["create", "update", "delete"]
    assert {a for a, _ in _kinds("custom_mapping")} == {"create", "update", "delete"}


def test_a_tailored_statement_survives_an_edit_of_its_control(assessment) -> None:
    ref = wizard.add_custom_control(assessment, CONTROL)
    chosen = db.session.scalars(sa.select(SelectedControl)).one()
    chosen.statement = "Our own words."
    wizard.edit_custom_control(
        assessment, ref, CustomControlInput(**{**vars(CONTROL), "statement": "New text."})
    )
    assert chosen.statement == "Our own words."


def test_a_custom_control_must_reach_known_criteria_and_rated_risks(assessment) -> None:
    bad = CustomControlInput(**{**vars(CONTROL), "criteria": ("X9.9",), "risks": (), "type": "?"})
    with pytest.raises(wizard.StepInvalid) as caught:
        wizard.add_custom_control(assessment, bad)
    assert set(caught.value.problems) == {"criteria", "risks", "type"}
    assert (
        db.session.scalars(sa.select(Control).where(Control.assessment_id.is_not(None))).all() == []
    )


# --- over HTTP ------------------------------------------------------------------------------


def _base(assessment) -> str:
    return f"/assessments/{assessment.id}/steps"


def test_an_editor_edits_and_deletes_a_custom_risk_over_http(
    client, auth: AuthActions, assessment, two_orgs
) -> None:
    base = _base(assessment)
    auth.sign_in(two_orgs.owner_a.user.email)
    form = {k: str(v) for k, v in vars(RISK).items()}
    assert auth.post(f"{base}/risks/custom", form, token_from=f"{base}/risks").status_code == 302
    page = client.get(f"{base}/risks").get_data(as_text=True)
    assert 'id="cr-CR-01"' in page and "Delete CR-01" in page
    # deleting asks first: the button sits behind "Delete CR-01…" with what is lost
    confirm = page[page.index('id="delete-CR-01"') :]
    assert "its rating and the controls' links to it are deleted" in confirm
    assert confirm.index("Yes, delete CR-01") < confirm.index("</details>")

    bad = auth.post(
        f"{base}/risks/custom/edit",
        {**form, "ref": "CR-01", "title": "Typed\x00 title", "threat": ""},
        token_from=f"{base}/risks",
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Enter the threat." in text and 'value="Typed' in text  # what was typed comes back
    db.session.expire_all()
    assert db.session.scalars(sa.select(Risk.title).where(Risk.ref == "CR-01")).one() == RISK.title

    ok = auth.post(
        f"{base}/risks/custom/edit",
        {**form, "ref": "CR-01", "title": "Readers\x00 fail open\x07"},
        token_from=f"{base}/risks",
    )
    assert ok.status_code == 302 and ok.location.endswith("#cr-CR-01")
    db.session.expire_all()
    assert db.session.scalars(sa.select(Risk.title).where(Risk.ref == "CR-01")).one() == (
        "Readers fail open"
    )
    gone = auth.post(f"{base}/risks/custom/delete", {"ref": "CR-01"}, token_from=f"{base}/risks")
    assert gone.status_code == 302
    assert db.session.scalars(sa.select(Risk).where(Risk.ref == "CR-01")).all() == []
    missing = auth.post(f"{base}/risks/custom/delete", {"ref": "CR-01"}, token_from=f"{base}/risks")
    assert missing.status_code == 404


def test_an_editor_edits_and_deletes_a_custom_control_over_http(
    client, auth: AuthActions, assessment, two_orgs
) -> None:
    base = _base(assessment)
    auth.sign_in(two_orgs.owner_a.user.email)
    form = {**{k: v for k, v in vars(CONTROL).items() if isinstance(v, str)}}
    fields = {**form, "criteria": ["T1.1"], "risks": ["R-TST-01"]}
    added = auth.post(f"{base}/controls/custom", fields, token_from=f"{base}/controls")
    assert added.status_code == 302
    page = client.get(f"{base}/controls").get_data(as_text=True)
    assert 'id="cc-CUS-01"' in page and "Delete CUS-01" in page
    confirm = page[page.index('id="delete-CUS-01"') :]
    assert confirm.index("Yes, delete CUS-01") < confirm.index("</details>")
    for kind in ("preventive", "detective", "corrective", "manual", "automated"):
        assert f"<option >{kind}</option>" in page or f"<option selected>{kind}</option>" in page

    bad = auth.post(
        f"{base}/controls/custom/edit",
        {**fields, "ref": "CUS-01", "title": "Kept title", "criteria": []},
        token_from=f"{base}/controls",
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Choose at least one criterion this control satisfies." in text
    assert 'value="Kept title"' in text

    ok = auth.post(
        f"{base}/controls/custom/edit",
        {**fields, "ref": "CUS-01", "title": "Door audit, monthly", "criteria": ["T1.2"]},
        token_from=f"{base}/controls",
    )
    assert ok.status_code == 302
    db.session.expire_all()
    control = db.session.scalars(sa.select(Control).where(Control.ref == "CUS-01")).one()
    assert control.title == "Door audit, monthly"
    assert _links(ControlCriterion, control) == {("T1.2", "primary")}
    gone = auth.post(
        f"{base}/controls/custom/delete", {"ref": "CUS-01"}, token_from=f"{base}/controls"
    )
    assert gone.status_code == 302
    assert db.session.scalars(sa.select(Control).where(Control.ref == "CUS-01")).all() == []


def test_viewers_cannot_edit_or_delete_custom_content(
    client, auth: AuthActions, assessment, two_orgs
) -> None:
    ref = wizard.add_custom_risk(assessment, RISK)
    db.session.commit()
    base = _base(assessment)
    auth.sign_in(two_orgs.viewer_a.user.email)
    page = client.get(f"{base}/risks").get_data(as_text=True)
    assert "Delete CR-01" not in page
    for path in ("risks/custom/edit", "risks/custom/delete", "controls/custom/delete"):
        response = auth.post(f"{base}/{path}", {"ref": ref}, token_from=f"{base}/risks")
        assert response.status_code == 403, path
    assert client.post(f"{base}/risks/custom/delete", data={"ref": ref}).status_code in (400, 403)


def test_another_organisation_cannot_reach_a_custom_risk(
    client, auth: AuthActions, assessment, two_orgs
) -> None:
    wizard.add_custom_risk(assessment, RISK)
    wizard.save_profile(two_orgs.assessment_b, {})
    db.session.commit()
    auth.sign_in(two_orgs.owner_b.user.email)
    theirs = _base(two_orgs.assessment_b)
    response = auth.post(f"{theirs}/risks/custom/delete", {"ref": "CR-01"}, token_from="/account")
    assert response.status_code == 404
    assert db.session.scalars(sa.select(Risk).where(Risk.ref == "CR-01")).all() != []
