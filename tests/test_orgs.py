"""Organisations: members and roles, the last-owner rule, switching, settings, assessments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from riskapp.domain.accounts.roles import ROLES, can, check_keeps_an_owner, roles_allowed
from riskapp.domain.errors import InvalidInput, LastOwner
from riskapp.extensions import db
from riskapp.models import Assessment, Membership, Organization, User
from riskapp.services import organizations as orgs
from tests.conftest import PASSWORD, AuthActions, TwoOrgs

# --- roles, as plain rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "roles"),
    [
        ("read", ("owner", "editor", "viewer", "auditor")),
        ("export", ("owner", "editor", "viewer", "auditor")),
        ("edit", ("owner", "editor")),
        ("manage", ("owner",)),
        ("audit", ("owner", "auditor")),
    ],
)
def test_each_permission_belongs_to_the_roles_the_issue_names(permission, roles) -> None:
    assert roles_allowed(permission) == roles
    assert [r for r in ROLES if can(r, permission)] == list(roles)
    assert not can(None, permission)


def test_the_last_owner_cannot_be_demoted_or_leave() -> None:
    with pytest.raises(LastOwner, match="Acme must keep at least one owner"):
        check_keeps_an_owner("Acme", ["owner", "viewer"], "owner", "editor")
    with pytest.raises(LastOwner):
        check_keeps_an_owner("Acme", ["owner"], "owner", None)
    check_keeps_an_owner("Acme", ["owner", "owner"], "owner", None)
    check_keeps_an_owner("Acme", ["owner", "viewer"], "viewer", None)
    check_keeps_an_owner("Acme", ["owner"], "owner", "owner")


# --- members over HTTP ----------------------------------------------------------------------


def members_page(client) -> str:
    return client.get("/org/members").get_data(as_text=True)


def test_an_owner_adds_an_existing_user_with_a_role(auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    outsider = two_orgs.viewer_b.user.email
    response = auth.post(
        "/org/members", {"email": outsider, "role": "editor"}, follow_redirects=True
    )
    assert f"{outsider} is now a member as editor." in response.get_data(as_text=True)
    roles = {m.user.email: m.role for m in orgs.members(two_orgs.a.id)}
    assert roles[outsider] == "editor"
    response = auth.post("/org/members", {"email": outsider, "role": "viewer"})
    assert response.status_code == 422
    assert f"{outsider} is already a member of Alpha Ltd." in response.get_data(as_text=True)


def test_adding_a_person_without_an_account_needs_an_initial_password(
    app, auth, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post("/org/members", {"email": "new-at-alpha", "role": "auditor"})
    assert "Enter an email address like name@example.com." in response.get_data(as_text=True)
    response = auth.post("/org/members", {"email": "new@alpha.example", "role": "auditor"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No account uses this email." in page and 'value="new@alpha.example"' in page
    response = auth.post(
        "/org/members",
        {"email": "new@alpha.example", "role": "auditor", "initial_password": PASSWORD},
    )
    assert response.status_code == 302
    newcomer = AuthActions(app.test_client())
    assert newcomer.sign_in("new@alpha.example").status_code == 302
    page = newcomer.client.get("/audit/").get_data(as_text=True)
    assert "Audit trail of Alpha Ltd" in page


def test_an_owner_changes_a_role(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    viewer = two_orgs.viewer_a
    response = auth.post(
        f"/org/members/{viewer.id}/role", {f"m{viewer.id}-role": "auditor"}, follow_redirects=True
    )
    assert f"{viewer.user.email} is now auditor." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, viewer.id).role == "auditor"


def test_the_last_owner_cannot_be_demoted(client, auth, two_orgs: TwoOrgs) -> None:
    owner = two_orgs.owner_a
    auth.sign_in(owner.user.email)
    response = auth.post(
        f"/org/members/{owner.id}/role", {f"m{owner.id}-role": "editor"}, follow_redirects=True
    )
    assert "Alpha Ltd must keep at least one owner: make another member an owner first." in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(Membership, owner.id).role == "owner"


def test_the_last_owner_cannot_leave_but_one_of_two_can(
    client, auth, make_member, two_orgs: TwoOrgs
) -> None:
    owner = two_orgs.owner_a
    auth.sign_in(owner.user.email)
    response = auth.post("/org/leave", follow_redirects=True)
    assert "Alpha Ltd must keep at least one owner" in response.get_data(as_text=True)
    assert db.session.get(Membership, owner.id) is not None
    make_member(two_orgs.a, "owner", email="second@alpha.example")
    response = auth.post("/org/leave", follow_redirects=True)
    assert "You have left Alpha Ltd." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, owner.id) is None
    # with no organisation left, org pages send the user to create one
    response = client.get("/assessments/", follow_redirects=True)
    assert "You do not belong to an organisation yet: create one." in (
        response.get_data(as_text=True)
    )


def test_an_owner_removes_a_member(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    viewer = two_orgs.viewer_a
    response = auth.post(f"/org/members/{viewer.id}/remove", follow_redirects=True)
    assert f"{viewer.user.email} is no longer a member." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Membership).where(Membership.id == viewer.id)) is None
    assert db.session.get(User, viewer.user_id) is not None  # the account stays


def test_a_viewer_sees_members_but_no_management(client, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.viewer_a.user.email)
    page = members_page(client)
    assert "owner@alpha.example" in page and "viewer@beta.example" not in page
    assert "Add a member" not in page and "Change role" not in page
    response = client.get("/org/settings")
    assert response.status_code == 403
    message = (
        "As viewer of Alpha Ltd you cannot manage members and settings; that takes the role owner."
    )
    assert message in response.get_data(as_text=True)


def test_service_rules_hold_without_the_web(app, two_orgs: TwoOrgs) -> None:
    with pytest.raises(InvalidInput, match="Choose a role"):
        orgs.change_role(two_orgs.a.id, two_orgs.viewer_a.id, "admin")
    with pytest.raises(LastOwner):
        orgs.remove_member(two_orgs.a.id, two_orgs.owner_a.id)


# --- several organisations -------------------------------------------------------------------


def test_a_user_switches_between_organisations(client, auth, make_member, two_orgs) -> None:
    user = two_orgs.owner_a.user
    make_member(two_orgs.b, "viewer", user=user)
    auth.sign_in(user.email)
    page = client.get("/assessments/").get_data(as_text=True)
    assert "Assessments of Alpha Ltd" in page and "Alpha SOC 2" in page
    assert f"/orgs/{two_orgs.b.id}/switch" in page  # the header menu offers the other org
    response = auth.post(f"/orgs/{two_orgs.b.id}/switch", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You are now working in Beta Ltd." in page
    assert "Assessments of Beta Ltd" in page and "Beta SOC 2" in page
    assert "Alpha SOC 2" not in page
    # in Beta the user is a viewer: no creating there
    assert "New assessment" not in page
    assert client.get(f"/assessments/{two_orgs.assessment_a.id}").status_code == 404
    assert client.get(f"/assessments/{two_orgs.assessment_b.id}").status_code == 200


def test_a_signed_in_user_creates_another_organisation(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.viewer_a.user.email)
    response = auth.post("/orgs/new", {"name": "Gamma GmbH"}, follow_redirects=True)
    assert "Gamma GmbH is created; you are its owner." in response.get_data(as_text=True)
    gamma = db.session.scalars(sa.select(Organization).where(Organization.name == "Gamma GmbH"))
    assert [m.role for m in gamma.one().memberships] == ["owner"]
    assert auth.post("/orgs/new", {"name": ""}).status_code == 422


def test_an_owner_edits_the_settings(client, auth, two_orgs) -> None:
    two_orgs.a.settings = {"bands": [1, 2, 3]}
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get("/org/settings").get_data(as_text=True)
    assert 'for="identity_provider"' not in page and "system inventory" in page
    response = auth.post(
        "/org/settings",
        {"name": "Alpha Group", "risk_bands": "low 1-9, high 10-25"},
        follow_redirects=True,
    )
    assert "Settings saved." in response.get_data(as_text=True)
    db.session.expire_all()
    org = db.session.get(Organization, two_orgs.a.id)
    assert org.name == "Alpha Group"
    assert org.settings["bands"] == [1, 2, 3] and "risk_bands" in org.settings
    response = auth.post("/org/settings", {"name": "", "risk_bands": "x" * 201})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name the organisation." in page and "Field cannot be longer than 200" in page


# --- the minimal assessments page -------------------------------------------------------------


def test_an_editor_creates_renames_and_deletes_an_assessment(
    client, auth, make_member, two_orgs
) -> None:
    editor = make_member(two_orgs.a, "editor", email="editor@alpha.example")
    auth.sign_in(editor.user.email)
    page = client.get("/assessments/").get_data(as_text=True)
    assert '<option value="testfw">Test framework</option>' in page
    response = auth.post(
        "/assessments/", {"name": "SOC 2 2027", "framework": "testfw"}, follow_redirects=True
    )
    assert "Assessment SOC 2 2027 is created." in response.get_data(as_text=True)
    row = db.session.scalars(sa.select(Assessment).where(Assessment.name == "SOC 2 2027")).one()
    assert row.organization_id == two_orgs.a.id
    response = auth.post(f"/assessments/{row.id}/rename", {"name": ""})
    assert response.status_code == 422
    assert "Give the assessment a name." in response.get_data(as_text=True)
    response = auth.post(
        f"/assessments/{row.id}/rename", {"name": "SOC 2 Type 2"}, follow_redirects=True
    )
    assert "Renamed to SOC 2 Type 2." in response.get_data(as_text=True)
    confirm = client.get(f"/assessments/{row.id}/delete").get_data(as_text=True)
    assert "Delete SOC 2 Type 2?" in confirm
    response = auth.post(f"/assessments/{row.id}/delete", follow_redirects=True)
    assert "Assessment SOC 2 Type 2 is deleted." in response.get_data(as_text=True)
    assert db.session.get(Assessment, row.id) is None


def test_an_unknown_framework_is_refused(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post("/assessments/", {"name": "X", "framework": "nope"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
