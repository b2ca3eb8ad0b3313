"""Report dates stay in a sensible window; a Type 2 period runs 3 to 12 months (6 or more usual)."""

from __future__ import annotations

from datetime import date

import pytest

from riskapp.domain.assessment.wizard import date_problem, period_warning
from riskapp.extensions import db
from riskapp.models import Assessment
from tests.test_wizard_web import SCOPE


def test_dates_outside_2000_to_2100_are_refused() -> None:
    assert date_problem(date(1999, 12, 31)) == "Enter a date between 2000 and 2100."
    assert date_problem(date(9999, 12, 31)) == "Enter a date between 2000 and 2100."
    assert date_problem(date(2000, 1, 1)) is date_problem(date(2100, 12, 31)) is None


def test_a_period_under_six_months_is_warned_about() -> None:
    assert period_warning(date(2027, 1, 1), date(2027, 3, 31)) is not None  # 3 months
    assert period_warning(date(2027, 1, 1), date(2027, 5, 31)) is not None  # 5 months
    assert period_warning(date(2027, 1, 1), date(2027, 6, 30)) is None  # 6 months
    assert period_warning(date(2027, 1, 1), date(2027, 12, 31)) is None


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2027-01-01", "9999-12-31", "period_end", "Enter a date between 2000 and 2100."),
        ("1900-01-01", "1900-12-31", "period_start", "Enter a date between 2000 and 2100."),
        ("2027-01-01", "2027-02-28", "period_end", "A Type 2 period runs from 3 to 12 months."),
        ("2027-01-01", "2028-03-31", "period_end", "A Type 2 period runs from 3 to 12 months."),
    ],
)
def test_the_scope_step_refuses_a_period_beside_the_field_and_keeps_the_answers(
    client, auth, two_orgs, start: str, end: str, field: str, message: str
) -> None:
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps/scope"
    auth.sign_in(two_orgs.owner_a.user.email)
    sent = {**SCOPE, "period_start": start, "period_end": end}
    response = auth.post(base, sent, token_from=base)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<ul class="field-errors" id="{field}-error"><li>{message}</li></ul>' in page
    assert f'value="{start}"' in page and f'value="{end}"' in page
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).period_end is None


def test_a_short_period_is_saved_with_a_warning(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps/scope"
    auth.sign_in(two_orgs.owner_a.user.email)
    sent = {**SCOPE, "period_start": "2027-01-01", "period_end": "2027-04-30"}
    response = auth.post(base, sent, token_from=base, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The period is shorter than 6 months" in page and "Scope saved." in page
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).period_end == date(2027, 4, 30)
