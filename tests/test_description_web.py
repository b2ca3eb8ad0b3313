"""The system description pages over HTTP: the organisation form, incidents, CUECs, preview."""

from __future__ import annotations

import io
import re

import docx
import pytest
import sqlalchemy as sa

from riskapp.config import SEED_LIBRARY
from riskapp.extensions import db
from riskapp.models import Assessment, AuditEvent, Incident, Membership, Organization
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.conftest import AuthActions


@pytest.fixture
def demo(app, make_member) -> tuple[Assessment, Membership, Membership]:
    """The demo assessment with an owner and a viewer."""
    load_library(SEED_LIBRARY)
    org_id, assessment_id = create_demo("Payroll Co")
    db.session.commit()
    org = db.session.get(Organization, org_id)
    owner = make_member(org, "owner", email="lead@payroll.example")
    viewer = make_member(org, "viewer", email="viewer@payroll.example")
    return db.session.get(Assessment, assessment_id), owner, viewer


def test_the_organisation_form_keeps_values_and_shows_limits_beside_fields(
    client, auth: AuthActions, demo
) -> None:
    row, owner, _ = demo
    auth.sign_in(owner.user.email)
    page = client.get("/org/description").get_data(as_text=True)
    assert "For example: 99.9% monthly availability" in page
    response = auth.post(
        "/org/description",
        {"services": "Payroll\x00 as a service", "commitments": "c" * 4001},
        token_from="/org/description",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="commitments-error"' in body and "4000" in body
    assert "Payroll" in body  # what was typed comes back
    response = auth.post(
        "/org/description",
        {"services": "Payroll\x00 as a service", "legal_requirements": "GDPR"},
        token_from="/org/description",
    )
    assert response.status_code == 302
    preview = client.get(f"/assessments/{row.id}/description").get_data(as_text=True)
    assert "Payroll as a service" in preview
    assert 'id="check-DC1"' in preview and "Organisation description</a>" in preview
    kinds = set(db.session.scalars(sa.select(AuditEvent.object_kind)))
    assert "organisation_description" in kinds


def test_an_incident_is_recorded_corrected_and_reaches_dc4(client, auth: AuthActions, demo) -> None:
    row, owner, _ = demo
    auth.sign_in(owner.user.email)
    bad = auth.post(
        "/org/incidents/new",
        {"occurred_on": "2026-02-30", "nature": "x"},
        token_from="/org/incidents/new",
    )
    assert bad.status_code == 422 and 'value="x"' in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0
    day = f"{row.period_start.year}-03-02"
    form = {
        "occurred_on": day,
        "nature": "Database outage",
        "extent": "EU customers",
        "significant": "y",
    }
    assert auth.post("/org/incidents/new", form, token_from="/org/incidents/new").status_code == 302
    incident_id = db.session.scalar(sa.select(Incident.id))
    edit = f"/org/incidents/{incident_id}/edit"
    form["disposition"] = "Failed over to the replica"
    assert auth.post(edit, form, token_from=edit).status_code == 302
    preview = client.get(f"/assessments/{row.id}/description").get_data(as_text=True)
    dc4 = preview.split('id="DC4"')[1].split("</section>")[0]
    assert "Database outage" in dc4 and "Failed over to the replica" in dc4


def test_cuecs_are_added_listed_and_removed(client, auth: AuthActions, demo) -> None:
    row, owner, _ = demo
    auth.sign_in(owner.user.email)
    url = f"/assessments/{row.id}/description/cuecs"
    empty = auth.post(url, {"text": "  "}, token_from=url)
    assert (
        empty.status_code == 422
        and "Write what customers are expected to do." in empty.get_data(as_text=True)
    )
    assert auth.post(url, {"text": "Customers remove leavers."}, token_from=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    cuec_id = re.search(r'id="cuec-(\d+)"', page).group(1)
    preview = client.get(f"/assessments/{row.id}/description").get_data(as_text=True)
    assert "Customers remove leavers." in preview.split('id="DC6"')[1]
    delete = f"{url}/{cuec_id}/delete"
    assert auth.post(delete, {}, token_from=url).status_code == 302
    assert 'id="no-cuecs"' in client.get(url).get_data(as_text=True)


def test_posts_without_a_token_are_refused(client, auth: AuthActions, demo) -> None:
    row, owner, _ = demo
    auth.sign_in(owner.user.email)
    assert client.post("/org/description", data={"services": "x"}).status_code == 400
    url = f"/assessments/{row.id}/description/cuecs"
    assert client.post(url, data={"text": "x"}).status_code == 400


def test_a_viewer_reads_and_downloads_but_cannot_edit(client, auth: AuthActions, demo) -> None:
    row, _, viewer = demo
    auth.sign_in(viewer.user.email)
    assert client.get(f"/assessments/{row.id}/description").status_code == 200
    assert client.get("/org/description").status_code == 200
    download = client.get(f"/assessments/{row.id}/export/description")
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.data))
    assert any("(DC1)" in p.text for p in document.paragraphs)
    response = auth.post("/org/description", {"services": "x"}, token_from="/org/description")
    assert response.status_code == 403
