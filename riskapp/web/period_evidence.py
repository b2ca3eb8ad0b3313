"""The period's Evidence step: attach, list, download and delete evidence; the package.

Its views hang on the period blueprint (`web/period.py`), so their endpoints
are `period.*` like the other steps'.
"""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from ..domain.errors import InvalidInput, UploadRejected
from ..models import Assessment
from ..services import evidence as evidence_service
from ..services import period as period_service
from .access import current_org_id, permission_required
from .forms import apply_problems, choices
from .period import assessment_for, bp, evidence_dir
from .period_forms import EvidenceForm


def _evidence_form(row: Assessment, **kwargs: object) -> EvidenceForm:
    form = EvidenceForm(**kwargs)  # type: ignore[arg-type]
    form.control.choices = choices(
        (s.ref, f"{s.ref} {s.control.title} ({s.frequency})") for s in period_service.selected(row)
    )
    return form


def _evidence_page(row: Assessment, form: EvidenceForm, status: int = 200) -> ResponseReturnValue:
    rows = evidence_service.listing(row)
    return render_template(
        "period/evidence.html",
        assessment=row,
        form=form,
        evidence=rows,
        outside={e.id for e in rows if evidence_service.outside_window(e)},
        label=evidence_service.target_label,
        max_mb=current_app.config["RISKAPP_EVIDENCE_MAX_BYTES"] // (1024 * 1024),
    ), status


@bp.get("/evidence")
@permission_required("read")
def evidence(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    prefill = {k: request.args.get(k) for k in ("control", "item") if request.args.get(k)}
    occurrence = request.args.get("occurrence", "")
    form = _evidence_form(row, formdata=None, **prefill)
    if occurrence.isdigit():
        form.occurrence.data = int(occurrence)
    return _evidence_page(row, form)


@bp.post("/evidence")
@permission_required("edit")
def add_evidence(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = _evidence_form(row)
    if not form.validate():
        return _evidence_page(row, form, 422)
    upload = request.files.get("file")
    has_file = upload is not None and bool(upload.filename)
    if has_file == bool(form.url.data):
        form.file.errors = ["Choose a file, or give a link (one of the two)."]
        return _evidence_page(row, form, 422)
    if (form.occurrence.data is None) == (not form.item.data):
        form.occurrence.errors = [
            "Give an occurrence number or a sampled item id (one of the two)."
        ]
        return _evidence_page(row, form, 422)
    target = evidence_service.Target(form.control.data, form.occurrence.data, form.item.data or "")
    details = evidence_service.Details(
        form.effective_date.data, form.collected_by.data or "", form.note.data or ""
    )
    try:
        if has_file:
            assert upload is not None
            added = evidence_service.attach_file(
                row,
                target,
                upload.stream,
                upload.filename or "evidence",
                details,
                root=evidence_dir(),
                max_bytes=current_app.config["RISKAPP_EVIDENCE_MAX_BYTES"],
            )
        else:
            added = evidence_service.attach_link(row, target, form.url.data or "", details)
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _evidence_page(row, form, 422)
    except UploadRejected as exc:
        form.file.errors = [str(exc)]
        return _evidence_page(row, form, 413 if exc.too_large else 422)
    note = (
        " Its effective date is outside the window it proves."
        if (evidence_service.outside_window(added))
        else ""
    )
    flash(f"Evidence {added.id} is attached to {added.control.ref}.{note}", "success")
    return redirect(url_for("period.evidence", assessment_id=row.id))


@bp.get("/evidence/<int:evidence_id>/download")
@permission_required("read")
def download_evidence(assessment_id: int, evidence_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = evidence_service.get(current_org_id(), row.id, evidence_id)
    path = evidence_service.file_path(found, evidence_dir())
    response = send_file(
        path,
        mimetype=found.media_type or "application/octet-stream",
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/evidence/<int:evidence_id>/delete")
@permission_required("edit")
def delete_evidence(assessment_id: int, evidence_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    found = evidence_service.get(current_org_id(), row.id, evidence_id)
    evidence_service.hide(found)
    flash(f"Evidence {found.id} is deleted from view; it is kept in the audit trail.", "success")
    return redirect(url_for("period.evidence", assessment_id=row.id))


@bp.get("/package")
@permission_required("export")
def package(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    plan = evidence_service.package_plan(row)  # read now: the stream touches only files
    response = Response(
        evidence_service.stream_package(plan, evidence_dir()), mimetype="application/zip"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{evidence_service.package_name(row)}"'
    )
    return response


def register_views() -> None:
    """Make sure this module's views are on the period blueprint (importing it adds them)."""
