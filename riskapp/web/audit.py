"""The audit trail page (filters: user, object kind, dates) and its CSV download."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from ..domain.audit import KIND_LABELS, AuditFilter, field_label, show_value
from ..exporters.filenames import slugify
from ..services import audit
from .access import current_membership, current_org_id, permission_required
from .forms import AuditFilterForm, choices

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filter_form() -> tuple[AuditFilterForm, AuditFilter | None]:
    """Return the filter form and its filter, or None when a filter is not valid."""
    form = AuditFilterForm(request.args)
    people = [(str(u.id), u.email) for u in audit.actors(current_org_id())]
    form.user.choices = choices([("", "Anyone"), *people])
    mine = [(str(i), name) for i, name in audit.assessments_in_trail(current_org_id())]
    form.assessment.choices = choices([("", "Any assessment"), *mine])
    if not form.validate():
        return form, None
    user, assessment = form.user.data, form.assessment.data
    return form, AuditFilter(
        assessment_id=int(assessment) if assessment and assessment.isdigit() else None,
        user_id=int(user) if user and user.isdigit() else None,
        object_kind=form.kind.data or None,
        start=form.start.data,
        end=form.end.data,
    )


@bp.get("/")
@permission_required("audit")
def index() -> ResponseReturnValue:
    form, chosen = _filter_form()
    page = request.args.get("page", 1, type=int) or 1
    result = audit.page_of_events(current_org_id(), chosen, page) if chosen else None
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/index.html",
        form=form,
        result=result,
        query=query,
        kind_labels=KIND_LABELS,
        show_value=show_value,
        field_label=field_label,
    )


@bp.get("/export.csv")
@permission_required("audit")
def export_csv() -> ResponseReturnValue:
    _form, chosen = _filter_form()
    if chosen is None:
        abort(400, description="The filters are not valid; correct them on the audit page.")
    membership = current_membership()
    assert membership is not None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    name = f"{slugify(membership.organization.name, 'organisation')}-audit-trail-{stamp}.csv"
    body = stream_with_context(audit.audit_csv(current_org_id(), chosen))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
