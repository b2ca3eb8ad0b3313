"""The controls and treatment steps: a filterable table of the selection, one control's
editor, bulk changes, and the treatment rows with a bulk action.

Progressive enhancement: every action is a plain form (an "Edit" link opens
the editor inside the table on a reload, a save redirects back); with
static/js/controls.js the editor opens in place and saves that one control
with `fetch`, answering JSON with the editor and the table row redrawn, so
nothing typed elsewhere on the page is touched. Routes live on the wizard
blueprint (this module is imported at the end of web/wizard.py).
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from ..domain.assessment.commands import TreatmentInput
from ..domain.assessment.control_table import SORTS, BulkControlInput, TableFilter
from ..domain.textsafety import clean_text
from ..models import Assessment
from ..services import assessments
from ..services import wizard as steps
from ..services import wizard_controls as service
from ..services import wizard_pages as pages
from . import wizard_forms as forms
from .access import current_org_id, permission_required
from .transactions import keep_changes
from .wizard import _render, _saved, bp

FILTERS = ("domain", "status", "owner", "criterion", "sort", "order")


def table_filter(args: MultiDict[str, str]) -> TableFilter:
    """Return the table's filters from the query string (unknown sorts fall back to ref)."""
    sort = args.get("sort", "ref")
    return TableFilter(
        domain=clean_text(args.get("domain", ""))[:100],
        status=clean_text(args.get("status", ""))[:40],
        owner=clean_text(args.get("owner", ""))[:200],
        criterion=clean_text(args.get("criterion", ""))[:40],
        sort=sort if sort in SORTS else "ref",
        descending=args.get("order") == "desc",
    )


def filter_args(args: MultiDict[str, str]) -> dict[str, str]:
    """Return the filter arguments worth keeping in a link (blanks dropped)."""
    return {k: clean_text(args.get(k, ""))[:200] for k in FILTERS if args.get(k)}


def kept_filters(form: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return the table's filters a POST form carried along (as `keep_<name>` fields)."""
    return MultiDict({k: form.get(f"keep_{k}", "") for k in FILTERS if form.get(f"keep_{k}")})


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _controls_page(
    assessment_id: int,
    status: int = 200,
    edit: str = "",
    source: MultiDict[str, str] | None = None,
    **context: object,
) -> ResponseReturnValue:
    """Render the controls step; `edit` opens that control's editor in the table."""
    args = source if source is not None else request.args
    chosen = table_filter(args)
    edit = edit or clean_text(request.args.get("edit", ""))[:40]

    def build(row: Assessment) -> dict[str, Any]:
        page = service.controls_step(row, chosen, edit)
        page["keep"] = filter_args(args)
        return page

    context.setdefault("problems", {})
    context.setdefault("form", {})
    return _render("controls", assessment_id, status, build=build, **context)


@bp.get("/controls")
@permission_required("read")
def controls(assessment_id: int) -> ResponseReturnValue:
    return _controls_page(assessment_id)


@bp.get("/controls/editor")
@permission_required("read")
def control_editor(assessment_id: int) -> ResponseReturnValue:
    """Return one control's editor as a table row (the page's script puts it in place)."""
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.args.get("control", "")
    editor = service.editor(row, ref)
    return render_template(
        "wizard/_control_editor.html",
        assessment=row,
        editor=editor,
        problems={},
        form={},
        keep=filter_args(request.args),
    )


def _fragments(row: Assessment, ref: str, problems: dict, form: object) -> dict[str, str]:
    editor = service.editor(row, ref)
    common = {"assessment": row, "editor": editor, "keep": filter_args(kept_filters(request.form))}
    return {
        "editor": render_template(
            "wizard/_control_editor.html", problems=problems, form=form, **common
        ),
        "row": render_template("wizard/_control_row.html", r=editor["row"], **common),
    }


@bp.post("/controls/tailor")
@permission_required("edit")
def tailor_control(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    entry = forms.tailor_input(request.form)
    ref = entry.ref
    try:
        pages.tailor(row, entry)
    except steps.StepInvalid as exc:
        if _wants_json():
            parts = _fragments(row, ref, {ref: exc.problems}, request.form)
            message = f"{ref} was not saved: correct the fields marked."
            return jsonify(message=message, saved=False, **parts), 422
        return _controls_page(
            assessment_id,
            422,
            edit=ref,
            source=kept_filters(request.form),
            problems={ref: exc.problems},
            form=request.form,
        )
    steps.reach(row, "quality")
    if _wants_json():
        parts = _fragments(row, ref, {}, {})
        return jsonify(message=f"{ref} saved.", saved=True, **parts)
    flash(f"{ref} saved.", "success")
    keep = filter_args(kept_filters(request.form))
    return redirect(
        url_for("wizard.controls", assessment_id=assessment_id, _anchor=f"row-{ref}", **keep)
    )


def bulk_input(form: MultiDict[str, str]) -> BulkControlInput:
    """Return the bulk change as submitted: the ticked refs and the fields to set."""
    return BulkControlInput(
        refs=tuple(dict.fromkeys(clean_text(r)[:40] for r in form.getlist("control") if r)),
        status=form.get("bulk_status", ""),
        owner=clean_text(form.get("bulk_owner", "")),
        frequency=form.get("bulk_frequency", ""),
        na_reason=clean_text(form.get("bulk_na_reason", ""), multiline=True),
    )


@bp.post("/controls/bulk")
@permission_required("edit")
def bulk_controls(assessment_id: int) -> ResponseReturnValue:
    """Set status, owner or frequency of every ticked control at once."""
    row = assessments.get(current_org_id(), assessment_id)
    entry = bulk_input(request.form)
    try:
        changed = service.bulk_update(row, entry)
    except steps.StepInvalid as exc:
        return _controls_page(
            assessment_id,
            422,
            source=kept_filters(request.form),
            bulk_problems=exc.problems,
            form=request.form,
        )
    what = ", ".join(
        part
        for part in (
            f"status {entry.status.replace('-', ' ')}" if entry.status else "",
            f"owner {entry.owner.strip()}" if entry.owner.strip() else "",
            f"frequency {entry.frequency}" if entry.frequency else "",
        )
        if part
    )
    ticked = len(entry.refs)
    flash(
        f"{changed} of {ticked} ticked control{'s' if ticked != 1 else ''} changed: {what}.",
        "success",
    )
    keep = filter_args(kept_filters(request.form))
    return redirect(url_for("wizard.controls", assessment_id=assessment_id, **keep))


@bp.post("/controls/select")
@permission_required("edit")
def select_controls(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    refs = request.form.getlist("control")
    added = pages.select(row, refs)
    flash(f"{added} control{'s' if added != 1 else ''} added to the selection.", "success")
    return redirect(url_for("wizard.controls", assessment_id=assessment_id))


@bp.post("/controls/remove")
@permission_required("edit")
def remove_control(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.form.get("control", "")
    pages.remove(row, ref)
    flash(f"{ref} removed from the selection.", "success")
    return redirect(url_for("wizard.controls", assessment_id=assessment_id))


@bp.post("/controls/custom")
@permission_required("edit")
def add_custom_control(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    try:
        ref = steps.add_custom_control(row, forms.custom_control_input(request.form))
    except steps.StepInvalid as exc:
        return _controls_page(
            assessment_id, 422, problems={"custom": exc.problems}, form=request.form
        )
    flash(f"Custom control {ref} added and selected.", "success")
    return redirect(url_for("wizard.controls", assessment_id=assessment_id))


@bp.post("/controls/custom/edit")
@permission_required("edit")
def edit_custom_control(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.form.get("ref", "")
    try:
        steps.edit_custom_control(row, ref, forms.custom_control_input(request.form))
    except steps.StepInvalid as exc:
        problems = {"edit": {ref: exc.problems}}
        return _controls_page(assessment_id, 422, problems=problems, form=request.form)
    flash(f"Custom control {ref} saved.", "success")
    return redirect(url_for("wizard.controls", assessment_id=assessment_id, _anchor=f"cc-{ref}"))


@bp.post("/controls/custom/delete")
@permission_required("edit")
def delete_custom_control(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.form.get("ref", "")
    steps.delete_custom_control(row, ref)
    flash(f"Custom control {ref} deleted, with its selection and mappings.", "success")
    return redirect(url_for("wizard.controls", assessment_id=assessment_id))


# --- treatment ---------------------------------------------------------------------------


def _treatment_page(
    assessment_id: int, status: int = 200, **context: object
) -> ResponseReturnValue:
    context.setdefault("problems", {})
    context.setdefault("form", {})
    return _render("treatment", assessment_id, status, build=service.treatment_page, **context)


@bp.get("/treatment")
@permission_required("read")
def treatment(assessment_id: int) -> ResponseReturnValue:
    return _treatment_page(assessment_id)


def with_bulk(form: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return the treatment form with the bulk treatment and owner written into ticked rows.

    Rows not ticked keep what was typed in them; a blank bulk field changes nothing.
    """
    merged = MultiDict(form)
    if form.get("action") != "bulk":
        return merged
    treatment, owner = form.get("bulk_treatment", ""), form.get("bulk_owner", "")
    for rating_id in form.getlist("pick"):
        if not rating_id.isdigit() or len(rating_id) > 18:
            continue
        if treatment:
            merged.setlist(f"t-{rating_id}", [treatment])
        if owner.strip():
            merged.setlist(f"o-{rating_id}", [owner])
    return merged


@bp.post("/treatment")
@permission_required("edit")
def save_treatment(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    form = with_bulk(request.form)
    bulk = form.get("action") == "bulk"
    chose = form.get("bulk_treatment") or form.get("bulk_owner", "").strip()
    if bulk and not chose and not form.getlist("pick"):
        bulk = False  # Enter pressed in a row (the bulk button is the form's first): a plain save
    elif bulk and not form.getlist("pick"):
        problems = {"bulk": "Tick the risks the bulk treatment or owner applies to."}
        return _treatment_page(assessment_id, 422, bulk_problems=problems, form=form)
    entries: dict[int, TreatmentInput] = forms.treatment_inputs(form)
    changed, problems = service.save_treatments(row, entries)
    saved = f"{changed} treatment{'s' if changed != 1 else ''} saved"
    if problems:
        keep_changes()  # what is complete is kept; the page says what is missing
        return _treatment_page(assessment_id, 422, problems=problems, form=form, saved=saved)
    steps.reach(row, "controls")
    if bulk:
        flash(f"{saved}; every risk above the appetite is treated.", "success")
        return redirect(url_for("wizard.treatment", assessment_id=assessment_id))
    return _saved("treatment", assessment_id, f"{saved}; every risk above the appetite is treated.")
