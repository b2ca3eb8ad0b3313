"""The audit trail: every change recorded with who, when, what and each field's before/after."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from riskapp.domain.audit import AuditRecord
from riskapp.exporters.audit_csv import audit_rows
from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    Control,
    Risk,
    SelectedControl,
)
from riskapp.repository.auditing import acting_as
from tests.conftest import AuthActions, TwoOrgs


def events(**where: object) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def test_an_edit_records_who_when_what_and_before_after(client, auth, two_orgs: TwoOrgs) -> None:
    owner = two_orgs.owner_a.user
    assessment = two_orgs.assessment_a
    auth.sign_in(owner.email)
    start = datetime.now(UTC)
    response = auth.post(f"/assessments/{assessment.id}/rename", {"name": "Alpha SOC 2 Type 2"})
    assert response.status_code == 302
    [event] = events(action="update")
    assert (event.organization_id, event.user_id, event.actor) == (
        two_orgs.a.id,
        owner.id,
        owner.email,
    )
    assert (event.object_kind, event.object_id, event.assessment_id) == (
        "assessment",
        assessment.id,
        assessment.id,
    )
    assert event.changes == {"name": {"before": "Alpha SOC 2", "after": "Alpha SOC 2 Type 2"}}
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    assert start - timedelta(seconds=5) <= at <= datetime.now(UTC) + timedelta(seconds=5)


def test_create_and_delete_record_every_field(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/assessments/", {"name": "Temporary", "framework": "testfw"})
    row = db.session.scalars(sa.select(Assessment).where(Assessment.name == "Temporary")).one()
    [created] = events(action="create", object_kind="assessment", object_id=row.id)
    assert created.changes["name"] == {"before": None, "after": "Temporary"}
    assert created.changes["report_type"] == {"before": None, "after": "type1"}
    auth.post(f"/assessments/{row.id}/delete")
    [deleted] = events(action="delete", object_kind="assessment")
    assert deleted.object_id == row.id and deleted.summary == "Temporary"
    assert deleted.changes["name"] == {"before": "Temporary", "after": None}


def test_membership_and_settings_changes_are_recorded(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    viewer = two_orgs.viewer_a
    auth.post(f"/org/members/{viewer.id}/role", {f"m{viewer.id}-role": "editor"})
    [role] = events(action="update", object_kind="membership")
    assert role.summary == "viewer@alpha.example as editor"
    assert role.changes == {"role": {"before": "viewer", "after": "editor"}}
    auth.post("/org/settings", {"name": "Alpha Ltd", "risk_bands": "low 1-9, high 10-25"})
    [settings] = events(action="update", object_kind="organization")
    assert list(settings.changes) == ["settings.risk_bands"]
    assert settings.changes["settings.risk_bands"]["before"] is None


def test_assessment_content_is_audited_but_the_library_is_not(app, two_orgs: TwoOrgs) -> None:
    assert events(object_kind="custom_control") == []
    library_control = db.session.scalars(sa.select(Control).where(Control.ref == "CTL-01")).one()
    library_control.title = "Changed by a library load"
    risk = db.session.scalars(sa.select(Risk).where(Risk.ref == "R-TST-01")).one()
    assessment = two_orgs.assessment_a
    with acting_as(db.session, two_orgs.owner_a.user_id, "owner@alpha.example"):
        db.session.add(AssessedRisk(assessment_id=assessment.id, risk=risk, likelihood=3, impact=4))
        db.session.add(SelectedControl(assessment_id=assessment.id, control=library_control))
        db.session.add(
            Control(
                assessment_id=assessment.id,
                ref="C-OWN",
                title="Own control",
                statement="s",
                domain="operations",
                type="preventive",
                nature="manual",
                frequency="annual",
                owner_role="CTO",
            )
        )
        db.session.commit()
    kinds = {(e.object_kind, e.summary) for e in events(action="create")}
    assert {
        ("assessed_risk", f"R-TST-01 {risk.title}"),
        ("selected_control", "CTL-01 Changed by a library load"),
        ("custom_control", "C-OWN Own control"),
    } <= kinds
    assert all(e.assessment_id == assessment.id for e in events(object_kind="assessed_risk"))
    assert not any(e.object_kind == "custom_control" and e.action == "update" for e in events())


def test_a_failed_change_leaves_no_audit_row(app, two_orgs: TwoOrgs) -> None:
    before = len(events())
    row = db.session.get(Assessment, two_orgs.assessment_a.id)
    row.name = "Will be rolled back"
    db.session.flush()
    db.session.rollback()
    assert len(events()) == before


# --- who reads it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("auditor", 200), ("editor", 403), ("viewer", 403)]
)
def test_owners_and_auditors_read_the_trail(
    client, auth, make_member, two_orgs: TwoOrgs, role: str, status: int
) -> None:
    member = make_member(two_orgs.a, role, email=f"{role}2@alpha.example")
    auth.sign_in(member.user.email)
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export.csv").status_code == status
    nav = client.get("/assessments/").get_data(as_text=True)
    assert ('href="/audit/"' in nav) is (status == 200)


def test_the_page_shows_changes_and_filters_them(client, auth, make_member, two_orgs) -> None:
    owner = two_orgs.owner_a.user
    auth.sign_in(owner.email)
    auth.post(f"/assessments/{two_orgs.assessment_a.id}/rename", {"name": "Renamed <b>"})
    page = client.get("/audit/").get_data(as_text=True)
    assert "Audit trail of Alpha Ltd" in page
    assert "<del>Alpha SOC 2</del> → <ins>Renamed &lt;b&gt;</ins>" in page
    assert "Beta" not in page  # another organisation's trail stays out of sight
    by_owner = client.get(f"/audit/?user={owner.id}").get_data(as_text=True)
    assert "1 change." in by_owner
    kinds = client.get("/audit/?kind=membership").get_data(as_text=True)
    assert (
        "2 changes." in kinds and "Renamed" not in kinds.split("<table")[1]
    )  # (the filter lists it)
    today = datetime.now(UTC).date().isoformat()
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert "No change matches" in client.get(f"/audit/?start={tomorrow}").get_data(as_text=True)
    ranged = client.get(f"/audit/?start={today}&end={today}").get_data(as_text=True)
    assert "6 changes." in ranged  # the fixture's system in A's inventory is one of them
    bad = client.get("/audit/?start=yesterday").get_data(as_text=True)
    assert "Not a valid date value." in bad and "Correct the filters" in bad
    assert client.get("/audit/export.csv?start=yesterday").status_code == 400


def test_the_csv_download_neutralises_formulas(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post(f"/assessments/{two_orgs.assessment_a.id}/rename", {"name": '=HYPERLINK("x")'})
    response = client.get("/audit/export.csv?kind=assessment")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="alpha-ltd-audit-trail-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["time (UTC)", "user", "action"]
    update = next(r for r in rows if r[2] == "update")
    assert update[6] == '\'=HYPERLINK("x")'  # the assessment, by its name (neutralised)
    assert update[1] == "owner@alpha.example" and update[8:] == [
        "name",
        "Alpha SOC 2",
        '\'=HYPERLINK("x")',
    ]


def test_csv_rows_are_one_per_field_and_all_inert() -> None:
    record = AuditRecord(
        at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        user="@evil",
        action="update",
        object_kind="assessment",
        object_id=3,
        assessment_id=3,
        summary="+cmd",
        changes={
            "name": {"before": "-1", "after": "\tTab"},
            "categories": {"before": ["security"], "after": ["security", "availability"]},
        },
    )
    rows = list(audit_rows([record]))
    assert len(rows) == 3
    assert rows[1] == [
        "2026-03-01 12:00:00",
        "'@evil",
        "update",
        "assessment",
        "3",
        "3",
        "",
        "'+cmd",
        "categories",
        '["security"]',
        '["security", "availability"]',
    ]
    assert rows[2][8:] == ["name", "'-1", "'\tTab"]
    empty = AuditRecord(datetime(2026, 3, 1, tzinfo=UTC), "x", "delete", "membership", 1, None, "")
    assert list(audit_rows([empty]))[1][8:] == ["", "", ""]


def test_the_command_line_is_named_as_the_actor(runner, two_orgs: TwoOrgs) -> None:
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "cli@alpha.example",
            "--org",
            "Alpha Ltd",
            "--role",
            "viewer",
        ],
        input="correct horse battery staple\n",
    )
    assert result.exit_code == 0, result.output
    [event] = events(object_kind="membership", summary="cli@alpha.example as viewer")
    assert (event.user_id, event.actor) == (None, "command line")


def test_an_auditor_of_b_never_sees_a(client, auth, make_member, two_orgs) -> None:
    auditor = make_member(two_orgs.b, "auditor", email="auditor@beta.example")
    AuthActions(client).sign_in(auditor.user.email)
    page = client.get("/audit/").get_data(as_text=True)
    assert "Beta SOC 2" in page and "Alpha" not in page
    csv_text = client.get("/audit/export.csv").get_data(as_text=True)
    assert "Beta SOC 2" in csv_text and "Alpha" not in csv_text


def test_before_values_are_right_even_for_objects_not_loaded_since_a_commit(
    app, two_orgs: TwoOrgs
) -> None:
    row = db.session.get(Assessment, two_orgs.assessment_a.id)
    db.session.commit()  # expires row: its old values are no longer in memory
    row.name = "Set while expired"
    row.risk_appetite = 12
    db.session.commit()
    [event] = events(action="update", object_kind="assessment")
    assert event.changes == {
        "name": {"before": "Alpha SOC 2", "after": "Set while expired"},
        "risk_appetite": {"before": 9, "after": 12},
    }


def test_ids_in_changes_are_shown_by_name_and_the_trail_filters_by_assessment(
    client, auth, two_orgs
) -> None:
    from riskapp.domain.audit import AuditRecord, named, referenced_ids

    record = AuditRecord(
        at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        user="a@example.com",
        action="create",
        object_kind="selected_control",
        object_id=7,
        assessment_id=3,
        summary="IAM-02",
        changes={"control_id": {"after": 149}, "owner": {"after": "IT"}, "risk_id": {"after": 5}},
    )
    assert referenced_ids([record]) == {"assessment": {3}, "control": {149}, "risk": {5}}
    shown = named(record, {("control", 149): "IAM-02 MFA enforced", ("assessment", 3): "SOC 2"})
    assert shown.changes["control_id"] == {"after": "IAM-02 MFA enforced"}
    assert shown.changes["risk_id"] == {"after": "#5 (deleted)"}
    assert shown.changes["owner"] == {"after": "IT"} and shown.assessment == "SOC 2"

    auth.sign_in(two_orgs.owner_a.user.email)
    a_id = two_orgs.assessment_a.id
    auth.post(
        f"/assessments/{a_id}/rename", {"name": "Alpha renamed"}, token_from=f"/assessments/{a_id}"
    )
    page = client.get(f"/audit/?assessment={a_id}").get_data(as_text=True)
    assert "in Alpha renamed" in page and "Alpha SOC 2" in page
    table = page.split("<table")[1]
    assert table.count("<tr>") - 1 == table.count("in Alpha renamed")  # every row is in it
    other = client.get(f"/audit/?assessment={two_orgs.assessment_b.id}")
    assert other.status_code == 200 and "Correct the filters" in other.get_data(as_text=True)


def test_recorded_moments_and_field_names_read_as_words() -> None:
    from riskapp.domain.audit import field_label, show_value

    assert show_value("2026-12-11T05:39:51.603249+00:00") == "2026-12-11 05:39 UTC"
    assert show_value("2026-12-11") == "2026-12-11"
    assert show_value("not 2026-12-11T05:39 a moment") == "not 2026-12-11T05:39 a moment"
    assert field_label("invited_by_id") == "invited by"
    assert field_label("control_id") == "control"
    assert field_label("daily_mode") == "daily mode"
