"""Organisations: members and roles, the last-owner rule, switching, settings, assessments."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

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


def _invite(auth, email: str = "new@alpha.example", role: str = "auditor") -> str:
    """Invite `email` as the signed-in owner; return the link shown once on the page."""
    response = auth.post("/org/members", {"email": email, "role": role})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"An invitation for <strong>{email}</strong>" in page
    found = re.search(r'id="invite-link"[^>]*value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_a_person_without_an_account_is_invited_and_sets_their_own_password(
    app, client, auth, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post("/org/members", {"email": "new-at-alpha", "role": "auditor"})
    assert "Enter an email address like name@example.com." in response.get_data(as_text=True)
    link = _invite(auth)
    path = urlsplit(link).path
    assert path.startswith("/invitations/")
    assert "new@alpha.example" in members_page(client)  # waiting, with a withdraw button
    assert path.rsplit("/", 1)[1] not in members_page(client)  # the link is shown only once

    newcomer = AuthActions(app.test_client())
    page = newcomer.client.get(path).get_data(as_text=True)
    assert "Join Alpha Ltd" in page and "<strong>auditor</strong>" in page
    short = newcomer.post(path, {"password": "short", "confirm": "short"}, token_from=path)
    assert short.status_code == 422
    joined = newcomer.post(
        path, {"name": "Nia", "password": PASSWORD, "confirm": PASSWORD}, token_from=path
    )
    assert joined.status_code == 302
    assert "Audit trail of Alpha Ltd" in newcomer.client.get("/audit/").get_data(as_text=True)
    roles = {m.user.email: m.role for m in orgs.members(two_orgs.a.id)}
    assert roles["new@alpha.example"] == "auditor"
    # single use: the same link opens nothing now
    again = AuthActions(app.test_client()).client.get(path)
    assert again.status_code == 410 and "does not work any more" in again.get_data(as_text=True)


def test_an_invitation_expires_and_a_withdrawn_one_stops_working(
    app, client, auth, two_orgs: TwoOrgs
) -> None:
    from riskapp.models import Invitation

    auth.sign_in(two_orgs.owner_a.user.email)
    first = urlsplit(_invite(auth, "late@alpha.example")).path
    invitation = db.session.query(Invitation).filter_by(email="late@alpha.example").one()
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get(first).status_code == 410

    second = urlsplit(_invite(auth, "gone@alpha.example")).path
    pending = db.session.query(Invitation).filter_by(email="gone@alpha.example").one()
    withdrawn = auth.post(f"/org/invitations/{pending.id}/withdraw", token_from="/org/members")
    assert withdrawn.status_code == 302
    assert app.test_client().get(second).status_code == 410
    assert db.session.query(User).filter_by(email="gone@alpha.example").count() == 0


def test_inviting_again_leaves_only_the_newest_link_working(app, auth, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    old = urlsplit(_invite(auth, "twice@alpha.example")).path
    new = urlsplit(_invite(auth, "twice@alpha.example")).path
    assert app.test_client().get(old).status_code == 410
    assert app.test_client().get(new).status_code == 200


def test_someone_with_an_account_signs_in_to_join_and_only_as_that_address(
    app, auth, two_orgs: TwoOrgs, make_user
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    path = urlsplit(_invite(auth, "later@alpha.example", "editor")).path
    make_user(email="later@alpha.example")  # they signed up elsewhere in the meantime
    other = AuthActions(app.test_client())
    other.sign_in(two_orgs.viewer_b.user.email)
    refused = other.post(path, {}, token_from=path)
    assert refused.status_code == 422 and "This invitation is for later@alpha.example" in (
        refused.get_data(as_text=True)
    )
    invitee = AuthActions(app.test_client())
    assert "Sign in" in invitee.client.get(path).get_data(as_text=True)
    invitee.sign_in("later@alpha.example")
    assert invitee.post(path, {}, token_from=path).status_code == 302
    roles = {m.user.email: m.role for m in orgs.members(two_orgs.a.id)}
    assert roles["later@alpha.example"] == "editor"


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
