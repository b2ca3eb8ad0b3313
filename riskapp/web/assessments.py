"""An organisation's assessments: list, create, rename and delete (the wizard builds on this)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..domain.assessment.wizard import reached_steps
from ..domain.errors import InvalidInput
from ..services import assessments
from ..services import coverage as coverage_service
from .access import current_org_id, permission_required
from .forms import AssessmentForm, RenameForm, apply_problems, choices

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


def _assessment_form(**kwargs: object) -> AssessmentForm:
    form = AssessmentForm(**kwargs)  # type: ignore[arg-type]
    form.framework.choices = choices((f.slug, f.name) for f in assessments.frameworks())
    return form


def _index(form: AssessmentForm, status: int = 200) -> ResponseReturnValue:
    rows = assessments.list_assessments(current_org_id())
    return render_template("assessments/index.html", assessments=rows, form=form), status


@bp.get("/")
@permission_required("read")
def index() -> ResponseReturnValue:
    return _index(_assessment_form(formdata=None))


@bp.post("/")
@permission_required("edit")
def create() -> ResponseReturnValue:
    form = _assessment_form()
    if not form.validate():
        return _index(form, 422)
    try:
        row = assessments.create(current_org_id(), form.name.data or "", form.framework.data or "")
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _index(form, 422)
    flash(f"Assessment {row.name} is created.", "success")
    return redirect(url_for("assessments.show", assessment_id=row.id))


def _show(assessment_id: int, form: RenameForm, status: int = 200) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    if form.name.data is None:
        form.name.data = row.name
    overview = coverage_service.overview(row)
    return render_template(
        "assessments/show.html",
        assessment=row,
        form=form,
        coverage=overview["coverage"],
        retired=overview["retired"],
        reached=reached_steps(row.step_reached),
    ), status


@bp.get("/<int:assessment_id>")
@permission_required("read")
def show(assessment_id: int) -> ResponseReturnValue:
    return _show(assessment_id, RenameForm(formdata=None))


@bp.post("/<int:assessment_id>/rename")
@permission_required("edit")
def rename(assessment_id: int) -> ResponseReturnValue:
    assessments.get(current_org_id(), assessment_id)  # another organisation's: 404
    form = RenameForm()
    if not form.validate():
        return _show(assessment_id, form, 422)
    try:
        row = assessments.rename(current_org_id(), assessment_id, form.name.data or "")
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _show(assessment_id, form, 422)
    flash(f"Renamed to {row.name}.", "success")
    return redirect(url_for("assessments.show", assessment_id=row.id))


@bp.get("/<int:assessment_id>/delete")
@permission_required("edit")
def confirm_delete(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    return render_template("assessments/delete.html", assessment=row)


@bp.post("/<int:assessment_id>/delete")
@permission_required("edit")
def delete(assessment_id: int) -> ResponseReturnValue:
    name = assessments.delete(current_org_id(), assessment_id)
    flash(f"Assessment {name} is deleted.", "success")
    return redirect(url_for("assessments.index"))
