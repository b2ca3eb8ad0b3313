"""The period's Testing, Deviations and Readiness pages (views on the period blueprint).

Editors and owners record internal (readiness) results and conclusions;
auditors record the auditor's results, and nothing else.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..domain.accounts.roles import PERMISSION_NAMES, can, roles_allowed
from ..domain.errors import InvalidInput, PermissionDenied
from ..domain.testing.results import AUDITOR, INTERNAL, SIDE_LABELS, ResultInput
from ..figures.readiness_timeline import timeline_figure
from ..models import Assessment
from ..services import period as period_service
from ..services import readiness as readiness_service
from ..services import results as results_service
from ..services import testing_items
from .access import current_membership, permission_required
from .forms import apply_problems
from .period import assessment_for, bp
from .results_forms import ConclusionForm, ResultForm
from .security import allow_chart_styles

PERMISSION = {INTERNAL: "edit", AUDITOR: "auditor_results"}


def _testing_control_page(
    row: Assessment,
    ref: str,
    forms: dict[str, ResultForm] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    chosen = period_service.selected_one(row, ref)
    forms = forms or {}
    for side in (INTERNAL, AUDITOR):
        forms.setdefault(side, ResultForm(formdata=None, prefix=side))
    return render_template(
        "period/testing_control.html",
        assessment=row,
        chosen=chosen,
        lines=testing_items.control_items(row, ref),
        conclusion=readiness_service.rule_conclusion(row, ref),
        forms=forms,
        side_labels=SIDE_LABELS,
    ), status


@bp.get("/testing")
@permission_required("read")
def testing(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = readiness_service.readiness(row)
    return render_template("period/testing.html", assessment=row, readiness=found)


@bp.get("/testing/<ref>")
@permission_required("read")
def testing_control(assessment_id: int, ref: str) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    return _testing_control_page(row, ref)


def _require(permission: str) -> None:
    """Refuse (403) a member whose role lacks `permission`, once the assessment is known theirs.

    The recording views look the assessment up first, so another organisation's
    member gets 404 whatever their role, as on every other route of the period.
    """
    membership = current_membership()
    assert membership is not None
    if not can(membership.role, permission):
        raise PermissionDenied(
            f"As {membership.role} of {membership.organization.name} you cannot "
            f"{PERMISSION_NAMES[permission]}; that takes the role "
            f"{', '.join(roles_allowed(permission))}."
        )


def _record(assessment_id: int, ref: str, side: str) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    _require(PERMISSION[side])
    period_service.selected_one(row, ref)  # another assessment's or unknown control: 404
    form = ResultForm(prefix=side)
    if not form.validate():
        return _testing_control_page(row, ref, {side: form}, 422)
    entry = ResultInput(
        outcome=form.outcome.data or "",
        what=form.what.data or "",
        found_on=form.found_on.data,
        nature=form.nature.data or "other",
        cause=form.cause.data or "",
        recurring=bool(form.recurring.data),
        design=bool(form.design.data),
        involves=form.involves.data or "",
        response=form.response.data or "",
        responded_on=form.responded_on.data,
    )
    try:
        result = results_service.record(row, ref, form.item.data or "", side, entry)
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _testing_control_page(row, ref, {side: form}, 422)
    flash(
        f"{ref} {result.item_id}: {SIDE_LABELS[side]} result “{result.outcome}” recorded.",
        "success",
    )
    return redirect(url_for("period.testing_control", assessment_id=row.id, ref=ref))


@bp.post("/testing/<ref>/internal")
@permission_required("read")  # then `_require`: the side's permission
def record_internal(assessment_id: int, ref: str) -> ResponseReturnValue:
    return _record(assessment_id, ref, INTERNAL)


@bp.post("/testing/<ref>/auditor")
@permission_required("read")  # then `_require`: the side's permission
def record_auditor(assessment_id: int, ref: str) -> ResponseReturnValue:
    return _record(assessment_id, ref, AUDITOR)


def _deviations_page(
    row: Assessment, form: ConclusionForm | None = None, status: int = 200
) -> ResponseReturnValue:
    found = readiness_service.readiness(row)
    return render_template(
        "period/deviations.html",
        assessment=row,
        readiness=found,
        form=form,
        blank=ConclusionForm(formdata=None),
        side_labels=SIDE_LABELS,
    ), status


@bp.get("/deviations")
@permission_required("read")
def deviations(assessment_id: int) -> ResponseReturnValue:
    return _deviations_page(assessment_for(assessment_id))


@bp.post("/deviations/conclusion")
@permission_required("edit")
def set_conclusion(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = ConclusionForm()
    if not form.validate():
        return _deviations_page(row, form, 422)
    ref = form.control.data or ""
    period_service.selected_one(row, ref)
    try:
        rule = results_service.set_conclusion(
            row, ref, form.conclusion.data or "", form.reason.data or ""
        )
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _deviations_page(row, form, 422)
    chosen = form.conclusion.data or rule
    flash(f"{ref}: concluded “{chosen}” (the rule: “{rule}”).", "success")
    return redirect(url_for("period.deviations", assessment_id=row.id, _anchor=f"conclusion-{ref}"))


@bp.get("/readiness")
@permission_required("read")
def readiness(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = readiness_service.readiness(row)
    today = f"{found.today.year:04d}-{found.today.month:02d}"
    page = render_template(
        "period/readiness.html",
        assessment=row,
        readiness=found,
        figure=timeline_figure(found.timeline, today),
    )
    return allow_chart_styles(make_response(page))


def register_views() -> None:
    """Make sure this module's views are on the period blueprint (importing it adds them)."""
