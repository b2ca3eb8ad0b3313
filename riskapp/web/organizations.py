"""The organisation: its settings, its members and their roles, and switching between orgs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..domain.accounts.roles import ROLE_DESCRIPTIONS, can
from ..domain.errors import InvalidInput, NotFound, RuleViolation
from ..services import organizations as orgs
from .access import (
    current_membership,
    current_org_id,
    memberships,
    permission_required,
    signed_in_user,
    use_organization,
)
from .forms import AddMemberForm, OrganizationForm, RoleForm, SettingsForm, apply_problems

bp = Blueprint("org", __name__)


@bp.route("/orgs/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = OrganizationForm()
    status = 200
    if form.validate_on_submit():
        try:
            org = orgs.create_organization(signed_in_user(), form.name.data or "")
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
            status = 422
        else:
            use_organization(org.id)
            flash(f"{org.name} is created; you are its owner.", "success")
            return redirect(url_for("assessments.index"))
    elif form.is_submitted():
        status = 422
    return render_template("org/new.html", form=form), status


@bp.post("/orgs/<int:organization_id>/switch")
def switch(organization_id: int) -> ResponseReturnValue:
    mine = next((m for m in memberships() if m.organization_id == organization_id), None)
    if mine is None:
        raise NotFound("organisation", organization_id)
    use_organization(organization_id)
    flash(f"You are now working in {mine.organization.name}.", "success")
    return redirect(url_for("assessments.index"))


@bp.route("/org/settings", methods=["GET", "POST"])
@permission_required("manage")
def settings() -> ResponseReturnValue:
    membership = current_membership()
    assert membership is not None
    org = membership.organization
    form = SettingsForm(data={"name": org.name, **(org.settings or {})})
    status = 200
    if form.validate_on_submit():
        values = {key: getattr(form, key).data or "" for key in orgs.SETTING_KEYS}
        values[orgs.BANDS_KEY] = form.risk_bands.data or ""
        try:
            orgs.update_settings(org.id, form.name.data or "", values)
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
            status = 422
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("org.settings"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "org/settings.html", form=form, setting_keys=orgs.SETTING_KEYS, org=org
    ), status


def _members_page(
    add_form: AddMemberForm, status: int = 200, new_link: str = "", invited: str = ""
) -> ResponseReturnValue:
    membership = current_membership()
    assert membership is not None
    rows = orgs.members(membership.organization_id)
    manager = can(membership.role, "manage")
    pending = orgs.open_invitations(membership.organization_id) if manager else []
    role_forms = {m.id: RoleForm(formdata=None, role=m.role, prefix=f"m{m.id}") for m in rows}
    return render_template(
        "org/members.html",
        members=rows,
        me=membership,
        add_form=add_form,
        role_forms=role_forms,
        role_descriptions=ROLE_DESCRIPTIONS,
        invitations=pending,
        new_link=new_link,
        invited=invited,
    ), status


@bp.get("/org/members")
@permission_required("read")
def members() -> ResponseReturnValue:
    return _members_page(AddMemberForm(formdata=None))


@bp.post("/org/members")
@permission_required("manage")
def add_member() -> ResponseReturnValue:
    form = AddMemberForm()
    if not form.validate():
        return _members_page(form, 422)
    try:
        added = orgs.add_member(
            current_org_id(), form.email.data or "", form.role.data or "", signed_in_user()
        )
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _members_page(form, 422)
    if added.member is not None:
        flash(f"{added.member.user.email} is now a member as {added.member.role}.", "success")
        return redirect(url_for("org.members"))
    # the link is shown on this response only: its token is stored nowhere but in the link
    assert added.invitation is not None
    link = url_for("auth.invitation", token=added.token, _external=True)
    return _members_page(
        AddMemberForm(formdata=None), new_link=link, invited=added.invitation.email
    )


@bp.post("/org/invitations/<int:invitation_id>/withdraw")
@permission_required("manage")
def withdraw_invitation(invitation_id: int) -> ResponseReturnValue:
    invitation = orgs.withdraw_invitation(current_org_id(), invitation_id)
    flash(
        f"The invitation for {invitation.email} is withdrawn; its link no longer works.", "success"
    )
    return redirect(url_for("org.members"))


@bp.post("/org/members/<int:membership_id>/role")
@permission_required("manage")
def change_role(membership_id: int) -> ResponseReturnValue:
    org_id = current_org_id()
    orgs.get_member(org_id, membership_id)  # another organisation's member: 404
    form = RoleForm(prefix=f"m{membership_id}")
    if not form.validate():
        flash("Choose one of the roles.", "error")
        return redirect(url_for("org.members"))
    try:
        member = orgs.change_role(org_id, membership_id, form.role.data or "")
    except RuleViolation as exc:
        flash(str(exc), "error")
    else:
        flash(f"{member.user.email} is now {member.role}.", "success")
    return redirect(url_for("org.members"))


@bp.post("/org/members/<int:membership_id>/remove")
@permission_required("manage")
def remove_member(membership_id: int) -> ResponseReturnValue:
    org_id = current_org_id()
    try:
        user = orgs.remove_member(org_id, membership_id)
    except RuleViolation as exc:
        flash(str(exc), "error")
        return redirect(url_for("org.members"))
    flash(f"{user.email} is no longer a member.", "success")
    if user.id == signed_in_user().id:
        use_organization(0)
        return redirect(url_for("main.index"))
    return redirect(url_for("org.members"))


@bp.post("/org/leave")
@permission_required("read")
def leave() -> ResponseReturnValue:
    membership = current_membership()
    assert membership is not None
    name = membership.organization.name
    try:
        orgs.remove_member(membership.organization_id, membership.id)
    except RuleViolation as exc:
        flash(str(exc), "error")
        return redirect(url_for("org.members"))
    use_organization(0)
    flash(f"You have left {name}.", "success")
    return redirect(url_for("main.index"))
