"""The period's Auditor requests page: generate, import, assign, export; what a failure affects.

Its views hang on the period blueprint (`web/period.py`), so their endpoints
are `period.*` like the other steps'. It also gives templates
`control_failure(assessment, ref)`, used by the control cards of the wizard,
the calendar's per-control view and each request.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from ..domain.errors import InvalidInput, RiskappError
from ..domain.graph.impact import BatchImpact
from ..domain.testing.requests import RequestListInvalid
from ..exporters.filenames import slugify
from ..models import Assessment, Evidence
from ..services import impact as impact_service
from ..services import period as period_service
from ..services import populations as population_service
from ..services import requests as request_service
from .access import current_org_id, permission_required
from .forms import apply_problems, choices
from .period import assessment_for, bp, evidence_dir
from .request_forms import AssignForm, GenerateForm, ImportForm, MappingForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global("control_failure")
def control_failure(assessment: Any, ref: str) -> BatchImpact | None:
    """Return what the selected control `ref` affects if it fails (one computation per page)."""
    if not isinstance(assessment, Assessment):
        return None
    cache: dict[int, dict[str, BatchImpact]] = g.setdefault("control_failures", {})
    if assessment.id not in cache:
        try:
            cache[assessment.id] = impact_service.impact_per_control(assessment)
        except RiskappError:
            cache[assessment.id] = {}
    return cache[assessment.id].get(ref)


def _requests_page(
    row: Assessment, import_form: ImportForm | None = None, status: int = 200
) -> ResponseReturnValue:
    period_service.period_of(row)
    return render_template(
        "period/requests.html",
        assessment=row,
        requests=request_service.listing(row),
        generate_form=GenerateForm(formdata=None),
        import_form=import_form or ImportForm(formdata=None),
    ), status


@bp.get("/requests")
@permission_required("read")
def requests(assessment_id: int) -> ResponseReturnValue:
    return _requests_page(assessment_for(assessment_id))


@bp.post("/requests/generate")
@permission_required("edit")
def generate_requests(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    GenerateForm().validate()
    added = request_service.generate(row)
    flash(f"{len(added)} requests added from the plan; the others were already listed.", "success")
    return redirect(url_for("period.requests", assessment_id=row.id))


def _evidence_link(row: Assessment) -> Any:
    def link(e: Evidence) -> str:
        if e.kind == "link":
            return e.url
        return url_for(
            "period.download_evidence", assessment_id=row.id, evidence_id=e.id, _external=True
        )

    return link


@bp.get("/requests/export.<any(xlsx, csv):kind>")
@permission_required("export")
def export_requests(assessment_id: int, kind: str) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    rows = request_service.export_rows(row, _evidence_link(row))
    stem = slugify(f"{row.name} auditor requests", f"assessment-{row.id}-requests")
    if kind == "csv":
        content, mimetype = request_service.csv_bytes(rows), "text/csv"
    else:
        from ..exporters.request_list import build_request_list  # openpyxl: only when exporting

        content, mimetype = build_request_list(rows), XLSX
    return send_file(
        BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{stem}.{kind}",
        max_age=0,
    )


def _mapping_page(
    row: Assessment, form: MappingForm, headers: tuple[str, ...], preview: Any, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "period/request_import.html",
        assessment=row,
        form=form,
        headers=headers,
        preview=preview,
        fields=request_service.field_labels(),
    ), status


@bp.post("/requests/import/preview")
@permission_required("edit")
def preview_requests(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    form = ImportForm()
    form.validate()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Choose the audit firm's .csv or .xlsx file."]
        return _requests_page(row, form, 422)
    try:
        table = request_service.read_firm_list(upload.stream, upload.filename)
    except RequestListInvalid as exc:
        form.file.errors = [f"{upload.filename}: {'; '.join(exc.problems)}"]
        return _requests_page(row, form, 422)
    token = population_service.stash(evidence_dir(), row, upload.stream, upload.filename)
    preview = request_service.preview_import(row, table)
    mapping = MappingForm(formdata=None, token=token, filename=upload.filename)
    mapping.set_headers(table.headers)
    mapping.fill(preview.mapping)
    return _mapping_page(row, mapping, table.headers, preview)


@bp.post("/requests/import/confirm")
@permission_required("edit")
def confirm_requests(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = MappingForm()
    form.validate()
    try:
        path = population_service.stashed(evidence_dir(), row, form.token.data or "")
        with path.open("rb") as handle:
            table = request_service.read_firm_list(handle, form.filename.data or path.name)
    except (InvalidInput, RequestListInvalid) as exc:
        message = "; ".join(
            exc.problems.values() if isinstance(exc, InvalidInput) else exc.problems
        )
        flash(f"Nothing was imported: {message}", "error")
        return redirect(url_for("period.requests", assessment_id=row.id))
    form.set_headers(table.headers)
    preview = request_service.preview_import(row, table, form.mapping())
    if preview.problems:
        return _mapping_page(row, form, table.headers, preview, 422)
    added, updated = request_service.import_list(row, preview)
    path.unlink(missing_ok=True)
    unmatched = (
        f" {len(preview.unmatched)} control codes matched none of ours."
        if preview.unmatched
        else ""
    )
    flash(f"{added} requests imported, {updated} updated.{unmatched}", "success")
    return redirect(url_for("period.requests", assessment_id=row.id))


def _assign_form(row: Assessment, **kwargs: object) -> AssignForm:
    form = AssignForm(**kwargs)  # type: ignore[arg-type]
    form.assignee.choices = choices(
        [("", "(nobody)"), *((str(u.id), u.label) for u in request_service.members(row))]
    )
    return form


def _request_page(
    row: Assessment, found: Any, form: AssignForm, status: int = 200
) -> ResponseReturnValue:
    shown = request_service.view(row, found)
    return render_template(
        "period/request.html",
        assessment=row,
        item=shown,
        form=form,
        failure=control_failure(row, shown.control_ref) if shown.control_ref else None,
    ), status


@bp.get("/requests/<int:request_id>")
@permission_required("read")
def audit_request(assessment_id: int, request_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = request_service.get(current_org_id(), row.id, request_id)
    form = _assign_form(
        row,
        formdata=None,
        assignee=str(found.assignee_id or ""),
        due_on=found.due_on,
        status=found.status,
    )
    return _request_page(row, found, form)


@bp.post("/requests/<int:request_id>")
@permission_required("edit")
def update_request(assessment_id: int, request_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = request_service.get(current_org_id(), row.id, request_id)
    form = _assign_form(row)
    if not form.validate():
        return _request_page(row, found, form, 422)
    assignee = form.assignee.data or ""
    try:
        request_service.update(
            row,
            found,
            assignee_id=int(assignee) if assignee.isdigit() else None,
            due_on=form.due_on.data,
            status=form.status.data or "",
        )
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _request_page(row, found, form, 422)
    flash(f"{found.code} is saved.", "success")
    return redirect(url_for("period.audit_request", assessment_id=row.id, request_id=found.id))


def register_views() -> None:
    """Make sure this module's views are on the period blueprint (importing it adds them)."""
