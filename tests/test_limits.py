"""Text limits come from the model's columns: the form, the database and the message agree."""

from __future__ import annotations

import re

import pytest

from riskapp.domain.accounts import names
from riskapp.domain.assessment import commands
from riskapp.extensions import db
from riskapp.models import AssessedRisk, Assessment, Control, Organization, Risk, User
from riskapp.models.limits import column_length, model_column_length
from tests.test_hostile_text import _walk_the_path


def test_limits_are_read_from_the_columns() -> None:
    assert column_length(AssessedRisk.owner) == 200
    assert column_length(AssessedRisk.rationale) is None  # unbounded text
    assert model_column_length("Assessment.name") == column_length(Assessment.name)


@pytest.mark.parametrize(
    ("checked", "column"),
    [
        (commands.TITLE_MAX, Risk.title),
        (commands.TITLE_MAX, Control.title),
        (commands.OWNER_ROLE_MAX, Control.owner_role),
        (names.MAX_NAME, Assessment.name),
        (names.MAX_NAME, Organization.name),
        (names.MAX_NAME, User.name),
        (names.MAX_EMAIL, User.email),
    ],
)
def test_the_domain_checks_stop_where_the_column_does(checked: int, column) -> None:
    assert checked == column_length(column)


def test_forms_carry_the_column_length_as_maxlength(client, auth, two_orgs) -> None:
    sign_up = client.get("/sign-up").get_data(as_text=True)
    assert re.search(r'<input[^>]*maxlength="320"[^>]*name="email"', sign_up)
    assert re.search(r'<input[^>]*maxlength="200"[^>]*name="organization"', sign_up)
    auth.sign_in(two_orgs.owner_a.user.email)
    scope = client.get(f"/assessments/{two_orgs.assessment_a.id}/steps/scope")
    assert 'name="name" value="Alpha SOC 2" required maxlength="200"' in scope.get_data(
        as_text=True
    )


def test_an_over_long_organisation_name_is_refused_with_the_columns_limit(client, auth) -> None:
    response = auth.post(
        "/sign-up",
        {
            "email": "kim@example.com",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
            "organization": "O" * 201,
        },
        token_from="/sign-up",
    )
    assert response.status_code == 422
    assert (
        "Keep the organisation name to 200 characters or fewer (you entered 201)."
        in response.get_data(as_text=True)
    )
    assert db.session.query(User).count() == 0


def test_a_treatment_the_app_does_not_know_or_an_owner_too_long_is_a_field_message(
    client, auth, two_orgs
) -> None:
    a = two_orgs.assessment_a
    auth.sign_in(two_orgs.owner_a.user.email)
    _walk_the_path(client, auth, a)
    base = f"/assessments/{a.id}/steps/treatment"
    rows = db.session.query(AssessedRisk).filter_by(assessment_id=a.id).order_by(AssessedRisk.id)
    first, second = [r.id for r in rows][:2]
    sent = {f"t-{first}": "bogus", f"o-{first}": "Ops", f"t-{second}": "accept"}
    sent |= {f"o-{second}": "O" * 250, f"r-{second}": "Kept rationale"}
    response = auth.post(base, sent, token_from=base)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a treatment: mitigate, accept, transfer, avoid." in page
    assert "Keep the owner to 200 characters or fewer (you entered 250)." in page
    assert 'value="Kept rationale"' in page and f'value="{"O" * 250}"' in page
    banner = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#t-{first}"' in banner and f'href="#t-{second}"' in banner
    db.session.expire_all()
    saved = {r.id: (r.treatment, r.owner) for r in db.session.query(AssessedRisk)}
    assert saved[first] == saved[second] == ("mitigate", "CTO")  # nothing changed
