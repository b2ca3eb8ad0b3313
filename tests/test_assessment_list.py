"""The assessment list gives each assessment's report, date or period, and progress."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from riskapp.extensions import db
from riskapp.models import Control, SelectedControl


def _row(html: str, assessment_id: int) -> list[str]:
    row = re.search(rf'<tr id="assessment-{assessment_id}">(.*?)</tr>', html, re.S)
    assert row, html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_list_shows_report_period_progress_and_counts(two_orgs, client, auth) -> None:
    a = two_orgs.assessment_a
    a.report_type, a.period_start, a.period_end = "type2", date(2027, 1, 1), date(2027, 6, 30)
    a.step_reached = "controls"
    controls = db.session.scalars(sa.select(Control).order_by(Control.ref).limit(2)).all()
    db.session.add_all(
        [
            SelectedControl(assessment_id=a.id, control=controls[0], status="implemented"),
            SelectedControl(assessment_id=a.id, control=controls[1], status="planned"),
        ]
    )
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)

    html = client.get("/assessments/").get_data(as_text=True)

    name, framework, report, period, progress, selected, implemented, _ = _row(html, a.id)
    assert (name, report, period) == ("Alpha SOC 2", "Type 2", "2027-01-01 to 2027-06-30")
    assert progress == "Step 5 of 7: Controls"
    assert (selected, implemented) == ("2", "1")
    assert "Beta SOC 2" not in html  # another organisation's assessment is not listed


def test_list_says_when_the_date_is_not_set(two_orgs, client, auth) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    html = client.get("/assessments/").get_data(as_text=True)
    cells = _row(html, two_orgs.assessment_a.id)
    assert cells[2:7] == ["Type 1", "not set yet", "Step 1 of 7: Scope", "0", "0"]
