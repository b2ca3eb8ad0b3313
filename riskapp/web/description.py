"""The system description: preview and completeness, the organisation's answers,
the incident log, user-entity controls and the significant changes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..domain.description import model
from ..domain.errors import InvalidInput
from ..models import Assessment
from ..services import assessments
from ..services import description as service
from .access import current_org_id, permission_required
from .description_forms import AnswersForm, ChangesForm, CuecForm, IncidentForm
from .forms import apply_problems

bp = Blueprint("description", __name__)

# where a missing item is filled → (endpoint, takes the assessment id, link label)
WHERE: dict[str, tuple[str, bool, str]] = {
    model.WHERE_ORGANISATION: ("description.answers", False, "Organisation description"),
    model.WHERE_INVENTORY: ("inventory.index", False, "System inventory"),
    model.WHERE_INCIDENTS: ("description.incidents", False, "Incident log"),
    model.WHERE_CUECS: ("description.cuecs", True, "User-entity controls"),
    model.WHERE_CHANGES: ("description.preview", True, "Significant changes below"),
    model.WHERE_EXCLUSIONS: ("wizard.coverage", True, "Coverage step"),
    model.WHERE_CONTROLS: ("wizard.controls", True, "Controls step"),
    model.WHERE_PERIOD: ("assessments.show", True, "Assessment"),
}


def link_for(where: str, assessment_id: int) -> tuple[str, str]:
    """Return (url, label) of the page where a missing item is filled."""
    endpoint, scoped, label = WHERE[where]
    args: dict[str, object] = {"assessment_id": assessment_id} if scoped else {}
    return url_for(endpoint, **args), label


@bp.get("/assessments/<int:assessment_id>/description")
@permission_required("read")
def preview(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)  # another organisation's: 404
    sections = service.sections(row.id)
    return render_template(
        "description/preview.html",
        assessment=row,
        sections=sections,
        missing=sum(len(s.missing) for s in sections),
        link_for=link_for,
        candidates=service.change_candidates(row) if row.report_type == "type2" else [],
        changes_form=ChangesForm(),
    )


@bp.post("/assessments/<int:assessment_id>/description/changes")
@permission_required("edit")
def changes(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    form = ChangesForm()
    if not form.validate():
        return redirect(url_for("description.preview", assessment_id=row.id))
    service.choose_changes(row, request.form.getlist("event"))
    flash("The significant changes are saved; DC9 lists them.", "success")
    return redirect(url_for("description.preview", assessment_id=row.id) + "#DC9")


@bp.route("/org/description", methods=["GET", "POST"])
@permission_required("read")
def answers() -> ResponseReturnValue:
    org_id = current_org_id()
    if request.method == "GET":
        saved = service.answers(org_id)
        form = AnswersForm(formdata=None, data=vars(saved))
        return render_template("description/answers.html", form=form), 200
    return _save_answers(org_id)


@permission_required("edit")
def _save_answers(org_id: int) -> ResponseReturnValue:
    form = AnswersForm()
    if form.validate():
        try:
            service.save_answers(
                org_id, {k: v or "" for k, v in form.data.items() if k != "csrf_token"}
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash("The organisation description is saved.", "success")
            return redirect(url_for("description.answers"))
    return render_template("description/answers.html", form=form), 422


def _incident_data(form: IncidentForm) -> dict[str, str]:
    return {
        "occurred_on": request.form.get("occurred_on", ""),
        "nature": form.nature.data or "",
        "timing": form.timing.data or "",
        "extent": form.extent.data or "",
        "disposition": form.disposition.data or "",
        "significant": "y" if form.significant.data else "",
    }


@bp.get("/org/incidents")
@permission_required("read")
def incidents() -> ResponseReturnValue:
    return render_template(
        "description/incidents.html", incidents=service.incidents(current_org_id())
    )


@bp.route("/org/incidents/new", methods=["GET", "POST"])
@permission_required("edit")
def new_incident() -> ResponseReturnValue:
    return _incident_page(None)


@bp.route("/org/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@permission_required("edit")
def edit_incident(incident_id: int) -> ResponseReturnValue:
    return _incident_page(incident_id)


def _incident_page(incident_id: int | None) -> ResponseReturnValue:
    org_id = current_org_id()
    current = service.incident(org_id, incident_id) if incident_id is not None else None  # 404
    if request.method == "GET":
        data = vars(current) if current else {}
        form = IncidentForm(formdata=None, data=data)
        return render_template("description/incident.html", form=form, incident_id=incident_id)
    form = IncidentForm()
    if form.validate():
        try:
            service.save_incident(org_id, _incident_data(form), incident_id)
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash("The incident is recorded.", "success")
            return redirect(url_for("description.incidents"))
    page = render_template("description/incident.html", form=form, incident_id=incident_id)
    return page, 422


@bp.post("/org/incidents/<int:incident_id>/delete")
@permission_required("edit")
def delete_incident(incident_id: int) -> ResponseReturnValue:
    if ChangesForm().validate():
        service.delete_incident(current_org_id(), incident_id)
        flash("The incident is removed from the log.", "success")
    return redirect(url_for("description.incidents"))


def _cuec_page(row: Assessment, form: CuecForm, status: int) -> ResponseReturnValue:
    return render_template(
        "description/cuecs.html",
        assessment=row,
        form=form,
        cuecs=service.cuecs(row),
        suggestions=service.cuec_suggestions(row),
        delete_form=ChangesForm(),
    ), status


@bp.route("/assessments/<int:assessment_id>/description/cuecs", methods=["GET", "POST"])
@permission_required("read")
def cuecs(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    if request.method == "GET":
        return _cuec_page(row, CuecForm(formdata=None), 200)
    return _add_cuec(row)


@permission_required("edit")
def _add_cuec(row: Assessment) -> ResponseReturnValue:
    form = CuecForm()
    if form.validate():
        try:
            service.add_cuec(
                row, {"text": form.text.data or "", "control_ref": form.control_ref.data or ""}
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems)
        else:
            flash("The user-entity control is added.", "success")
            return redirect(url_for("description.cuecs", assessment_id=row.id))
    return _cuec_page(row, form, 422)


@bp.post("/assessments/<int:assessment_id>/description/cuecs/<int:cuec_id>/delete")
@permission_required("edit")
def delete_cuec(assessment_id: int, cuec_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    if ChangesForm().validate():
        service.delete_cuec(current_org_id(), cuec_id)
        flash("The user-entity control is removed.", "success")
    return redirect(url_for("description.cuecs", assessment_id=row.id))
