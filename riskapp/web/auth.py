"""Sign up, sign in, sign out, and the user's own account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from ..domain.errors import InvalidInput, InvitationInvalid, SignInRejected, TooManyAttempts
from ..models import User
from ..services import accounts
from .access import SESSION_TOKEN_KEY, client_address, safe_next, signed_in_user, use_organization
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    SignInForm,
    SignUpForm,
    apply_problems,
)
from .throttling import rate_limited
from .transactions import keep_changes

bp = Blueprint("auth", __name__)


def _start_session(user: User) -> None:
    """Sign the user in on a fresh session (no state carried over from before)."""
    session.clear()
    login_user(user)
    session[SESSION_TOKEN_KEY] = accounts.open_session(user)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data or "", form.password.data or "", client_address()
            )
        except TooManyAttempts as exc:
            keep_changes()  # the failure that started the pause is counted
            form.form_errors.append(str(exc))
            status = 429
        except SignInRejected as exc:
            keep_changes()  # the failure is counted
            form.form_errors.append(str(exc))
            status = 422
        else:
            target = safe_next(form.next.data) or url_for("main.index")
            _start_session(user)
            return redirect(target)
    elif form.is_submitted():
        status = 422
    return render_template(
        "auth/sign_in.html", form=form, signup=current_app.config["RISKAPP_SIGNUP"]
    ), status


@bp.route("/sign-up", methods=["GET", "POST"])
@rate_limited("sign-up")
def sign_up() -> ResponseReturnValue:
    if not current_app.config["RISKAPP_SIGNUP"]:
        abort(
            403,
            description="Public sign-up is turned off on this server. Ask an owner of your "
            "organisation to add you.",
        )
    if current_user.is_authenticated:
        return redirect(url_for("org.new"))
    form = SignUpForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.sign_up(
                form.email.data or "",
                form.password.data or "",
                form.name.data or "",
                form.organization.data or "",
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
            status = 422
        else:
            # the same answer whether or not the address already had an account
            flash(
                "Sign in with the email address and password you chose. If this address "
                "already had an account, nothing new was created: sign in with its password.",
                "success",
            )
            return redirect(url_for("auth.sign_in"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/sign_up.html", form=form), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    """Open an invitation: set a password (new person) or join (signed in with that email)."""
    try:
        invite = accounts.open_invitation(token)
    except InvitationInvalid as exc:
        return render_template("auth/invitation.html", invalid=str(exc)), 410
    form = AcceptInvitationForm()
    existing = accounts.account_exists(invite.email)
    status = 200
    if request.method == "POST" and current_user.is_authenticated:
        try:
            member = accounts.join_by_invitation(token, signed_in_user())
        except InvalidInput as exc:
            form.form_errors.extend(exc.problems.values())
            status = 422
        else:
            use_organization(member.organization_id)
            flash(f"You joined {invite.organization.name} as {member.role}.", "success")
            return redirect(url_for("assessments.index"))
    elif request.method == "POST" and not existing:
        if form.validate_on_submit():
            try:
                user = accounts.accept_invitation(
                    token, form.name.data or "", form.password.data or ""
                )
            except InvalidInput as exc:
                apply_problems(form, exc.problems)
                status = 422
            else:
                _start_session(user)
                use_organization(invite.organization_id)
                flash(
                    f"Welcome! You joined {invite.organization.name} as {invite.role}.", "success"
                )
                return redirect(url_for("assessments.index"))
        else:
            status = 422
    return render_template(
        "auth/invitation.html", invite=invite, form=form, existing=existing, token=token
    ), status


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    accounts.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@rate_limited("password")
def account() -> ResponseReturnValue:
    user = signed_in_user()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
            status = 422
        else:
            org = session.get("org_id")
            _start_session(user)  # the session now carries the new epoch
            if org is not None:
                use_organization(org)
            flash("Your password is changed; your other sessions are signed out.", "success")
            return redirect(url_for("auth.account"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/account.html", form=form, user=user), status
