"""Who may see what: sign-in for every page but a few, the current organisation, role checks.

Every page requires a signed-in user except those in PUBLIC_ENDPOINTS (deny
by default: a new blueprint is private without doing anything). Org-scoped
views get the organisation through `current_membership` / `current_org_id`
and check roles through `permission_required`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..domain.accounts.roles import PERMISSION_NAMES, can, roles_allowed
from ..domain.errors import PermissionDenied
from ..extensions import login_manager
from ..models import Membership, User
from ..services import accounts as account_service
from .transactions import roll_back

PUBLIC_ENDPOINTS = frozenset(
    {"auth.sign_in", "auth.sign_up", "auth.invitation", "main.healthz", "static"}
)
ORG_KEY = "org_id"

F = TypeVar("F", bound=Callable[..., Any])


def signed_in_user() -> User:
    """Return the signed-in user (every private view has one)."""
    return cast(User, current_user._get_current_object())  # type: ignore[attr-defined]


def memberships() -> list[Membership]:
    """Return the signed-in user's memberships, by organisation name (once per request)."""
    if "memberships" not in g:
        signed_in = current_user.is_authenticated  # loading the user reads the memberships too
        if "memberships" not in g:
            g.memberships = account_service.memberships_of(current_user.id) if signed_in else []
    return cast(list[Membership], g.memberships)


def current_membership() -> Membership | None:
    """Return the membership of the organisation the user works in now, or None.

    That is the organisation chosen in the session when the user still
    belongs to it, else the first of their organisations by name.
    """
    if "membership" not in g:
        mine = memberships()
        chosen = session.get(ORG_KEY)
        found = next((m for m in mine if m.organization_id == chosen), None)
        found = found or (mine[0] if mine else None)
        if found is not None and chosen != found.organization_id:
            session[ORG_KEY] = found.organization_id
        g.membership = found
        g.organization_id = found.organization_id if found is not None else None
    return cast(Membership | None, g.membership)


def use_organization(organization_id: int) -> None:
    """Make the organisation the current one for the rest of the session."""
    session[ORG_KEY] = organization_id
    g.pop("membership", None)
    g.pop("memberships", None)
    g.pop("organization_id", None)


def current_org_id() -> int:
    """Return the current organisation's id (inside a `permission_required` view)."""
    membership = current_membership()
    assert membership is not None, "use inside a permission_required view"
    return membership.organization_id


def permission_required(permission: str) -> Callable[[F], F]:
    """Let the view run only for a member whose role holds `permission` in the current org.

    A user without any organisation is sent to create one; a member whose role
    lacks the permission gets the 403 page saying which roles have it.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            membership = current_membership()
            if membership is None:
                flash("You do not belong to an organisation yet: create one.", "warning")
                return redirect(url_for("org.new"))
            if not can(membership.role, permission):
                allowed = ", ".join(roles_allowed(permission))
                raise PermissionDenied(
                    f"As {membership.role} of {membership.organization.name} you cannot "
                    f"{PERMISSION_NAMES.get(permission, permission)}; that takes the role "
                    f"{allowed}."
                )
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def client_address() -> str:
    """Return the client's address (the proxy's view of it behind RISKAPP_BEHIND_PROXY)."""
    return request.remote_addr or ""


def _require_sign_in() -> ResponseReturnValue | None:
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    account_service.act_as(current_user.id, current_user.email)
    return None


# What belongs to one request: the signed-in user (Flask-Login), the CSRF token (Flask-WTF)
# and the memberships cached here.
REQUEST_STATE = (
    "_login_user",
    "csrf_token",
    "csrf_valid",
    "membership",
    "memberships",
    "organization_id",
    "request_id",
    "request_started",
)


def _end_request(_exc: BaseException | None) -> None:
    """Forget the request's user, token and audit actor.

    `g` lives as long as the application context, which outlives the request
    when the caller pushed it (a test, a script); a later request must not
    inherit this one's user.
    """
    for name in REQUEST_STATE:
        g.pop(name, None)
    account_service.stop_acting()


def _template_helpers() -> dict[str, Any]:
    def safely(fn: Callable[[], Any], default: Any) -> Any:
        try:
            return fn()
        except SQLAlchemyError:  # an error page must render even when the database fails
            roll_back()
            return default

    def may(permission: str) -> bool:
        membership = safely(current_membership, None)
        return membership is not None and can(membership.role, permission)

    return {
        "current_membership": lambda: safely(current_membership, None),
        "my_memberships": lambda: safely(memberships, []),
        "can": may,
    }


SESSION_TOKEN_KEY = "sid"


def _load_user(key: str) -> User | None:
    """Return the session's user while its sign-in session is open on the server."""
    user, mine = account_service.signed_in(key, session.get(SESSION_TOKEN_KEY))
    if user is not None:
        g.memberships = mine  # read with the user: `memberships()` needs no query of its own
    return user


def init_access(app: Flask) -> None:
    """Bind Flask-Login and install the sign-in gate, the audit actor and template helpers."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "warning"
    login_manager.user_loader(_load_user)
    app.before_request(_require_sign_in)
    app.teardown_request(_end_request)
    app.context_processor(_template_helpers)
