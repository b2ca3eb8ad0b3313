"""The audit page names what changed (control ref and title, risk ref and title, member email),
links each change to the trail of its assessment, and shortens a very long value."""

from __future__ import annotations

import re

import sqlalchemy as sa

from riskapp.extensions import db
from riskapp.models import AssessedRisk, Control, Risk, SelectedControl
from riskapp.repository.auditing import acting_as
from riskapp.services import wizard
from tests.conftest import TwoOrgs


def _rows(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_objects_are_named_and_a_long_value_is_shortened(client, auth, two_orgs: TwoOrgs) -> None:
    assessment = two_orgs.assessment_a
    control = db.session.scalars(sa.select(Control).where(Control.ref == "CTL-01")).one()
    risk = db.session.scalars(sa.select(Risk).where(Risk.ref == "R-TST-01")).one()
    with acting_as(db.session, two_orgs.owner_a.user_id, "owner@alpha.example"):
        wizard.select_controls(assessment, ["CTL-01"], {})
        db.session.add(AssessedRisk(assessment_id=assessment.id, risk=risk, likelihood=3, impact=4))
        db.session.commit()
        selected = db.session.scalars(sa.select(SelectedControl)).one()
        long_reason = "Reason " + "x" * 4000
        wizard.tailor_control(selected, None, "CTO", "annual", "not-applicable", long_reason)
        db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    viewer = two_orgs.viewer_a
    auth.post(f"/org/members/{viewer.id}/role", {f"m{viewer.id}-role": "editor"})

    page = client.get("/audit/").get_data(as_text=True)
    rows = _rows(page)
    selected_rows = [r for r in rows if "Selected control" in r]
    assert len(selected_rows) == 2  # selected, then tailored
    for row in selected_rows:
        assert f'<span class="object-name">CTL-01 {control.title}</span>' in row
        assert not re.search(r"#\d+", row)  # no raw id stands for the object
    [rated] = [r for r in rows if "Assessed risk" in r]
    assert f"R-TST-01 {risk.title}" in rated
    [role] = [r for r in rows if "Membership" in r and ">update<" in r]
    assert '<span class="object-name">viewer@alpha.example as editor</span>' in role

    # the 4007-character reason shows its first 300 characters, the rest on request
    [tailored] = [r for r in selected_rows if "na reason" in r]
    assert "<ins>Reason " + "x" * 293 + "…</ins>" in tailored
    assert "Show all 4007 characters" in tailored
    assert f"<ins>{long_reason}</ins></details>" in tailored

    # "in Alpha SOC 2" opens the trail of that assessment alone
    link = f'href="/audit/?assessment={assessment.id}"'
    assert link in selected_rows[0] and f">in {assessment.name}</a>" in selected_rows[0]
    only = client.get(f"/audit/?assessment={assessment.id}").get_data(as_text=True)
    in_it = _rows(only)
    assert len(in_it) == page.count(link)  # every change of the assessment, nothing else
    assert all(link in r for r in in_it) and not any("Membership" in r for r in in_it)
