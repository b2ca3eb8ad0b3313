"""The Type 2 period pages: Calendar → Populations → Samples → Evidence, and the package."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
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
from ..domain.period.population_file import PopulationInvalid
from ..models import Assessment
from ..services import assessments
from ..services import evidence as evidence_service
from ..services import period as period_service
from ..services import populations as population_service
from ..services.populations import Source
from .access import current_org_id, permission_required
from .forms import apply_problems, choices
from .period_forms import (
    ConfirmPopulationForm,
    ControlOptionsForm,
    DailyModeForm,
    DrawForm,
    EmptyPopulationForm,
    EvidenceForm,
    PopulationForm,
    TableForm,
)

bp = Blueprint("period", __name__, url_prefix="/assessments/<int:assessment_id>/period")
# uploads that may be larger than other forms allow: up to the evidence limit
UPLOAD_ENDPOINTS = frozenset({"period.add_evidence", "period.preview_population"})
FORM_OVERHEAD = 64 * 1024
MAX_PROBLEMS_SHOWN = 200


def init_period(app: Flask) -> None:
    """Let evidence and population uploads be as large as the evidence limit.

    The limit is set before CSRF protection reads the form; other forms keep
    MAX_CONTENT_LENGTH.
    """

    def _evidence_upload_limit() -> None:
        if request.endpoint in UPLOAD_ENDPOINTS:
            limit = int(current_app.config["RISKAPP_EVIDENCE_MAX_BYTES"]) + FORM_OVERHEAD
            request.max_content_length = limit

    app.before_request_funcs.setdefault(None, []).insert(0, _evidence_upload_limit)


def _assessment(assessment_id: int) -> Assessment:
    return assessments.get(current_org_id(), assessment_id)  # another organisation's: 404


def _evidence_dir() -> Path:
    return Path(current_app.config["RISKAPP_EVIDENCE_DIR"])


@bp.get("/calendar")
@permission_required("read")
def calendar(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    found = period_service.calendar(row)
    wanted = request.args.get("control", "")
    detail = next((r for r in found.rows if r.control.ref == wanted), None)
    return render_template(
        "period/calendar.html",
        assessment=row,
        calendar=found,
        detail=detail,
        daily_mode=period_service.daily_mode(row),
        daily_form=DailyModeForm(formdata=None, daily_mode=period_service.daily_mode(row)),
        today=date.today(),
    )


@bp.post("/calendar/daily-mode")
@permission_required("edit")
def set_daily_mode(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = DailyModeForm()
    period_service.set_daily_mode(row, form.daily_mode.data or "")
    flash("Daily controls are counted again.", "success")
    return redirect(url_for("period.calendar", assessment_id=row.id))


# --- populations ----------------------------------------------------------------------------


def _population_form(row: Assessment, **kwargs: object) -> PopulationForm:
    form = PopulationForm(**kwargs)  # type: ignore[arg-type]
    form.control.choices = choices(
        (ref, f"{ref} {title}") for ref, title in population_service.per_event_controls(row)
    )
    return form


def _populations_page(
    row: Assessment, form: PopulationForm, status: int = 200, problems: list[str] | None = None
) -> ResponseReturnValue:
    shown = (problems or [])[:MAX_PROBLEMS_SHOWN]
    return render_template(
        "period/populations.html",
        assessment=row,
        form=form,
        empty_form=EmptyPopulationForm(formdata=None),
        populations=population_service.populations(row),
        controls=population_service.per_event_controls(row),
        problems=shown,
        more_problems=len(problems or []) - len(shown),
    ), status


@bp.get("/populations")
@permission_required("read")
def populations(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    period_service.period_of(row)
    return _populations_page(row, _population_form(row, formdata=None))


def _source(form: PopulationForm | ConfirmPopulationForm) -> Source:
    pulled = form.pulled_at.data
    if isinstance(pulled, str):
        pulled = date.fromisoformat(pulled) if pulled else None
    return Source(
        form.source_system.data or "", form.query.data or "", form.pulled_by.data or "", pulled
    )


@bp.post("/populations/preview")
@permission_required("edit")
def preview_population(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = _population_form(row)
    if not form.validate():
        return _populations_page(row, form, 422)
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        stream, filename = upload.stream, upload.filename
    elif (form.pasted.data or "").strip():
        stream, filename = io.BytesIO(form.pasted.data.encode("utf-8")), "typed-rows.csv"
    else:
        form.file.errors = ["Choose a .csv or .xlsx file, or type the rows below."]
        return _populations_page(row, form, 422)
    try:
        population_service.clean_source(_source(form))
        preview = population_service.preview(row, form.control.data, stream, filename)
    except PopulationInvalid as exc:
        form.file.errors = [str(exc)]
        return _populations_page(row, form, 422, exc.problems)
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _populations_page(row, form, 422)
    token = population_service.stash(_evidence_dir(), row, stream, filename)
    confirm = ConfirmPopulationForm(
        formdata=None,
        control=form.control.data,
        token=token,
        fingerprint=preview.fingerprint,
        filename=filename,
        source_system=form.source_system.data,
        query=form.query.data,
        pulled_by=form.pulled_by.data,
        pulled_at=form.pulled_at.data.isoformat() if form.pulled_at.data else "",
    )
    return render_template(
        "period/population_preview.html", assessment=row, preview=preview, form=confirm
    )


@bp.post("/populations/confirm")
@permission_required("edit")
def confirm_population(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = ConfirmPopulationForm()
    try:
        path = population_service.stashed(_evidence_dir(), row, form.token.data or "")
        with path.open("rb") as handle:
            preview = population_service.preview(
                row, form.control.data or "", handle, form.filename.data or path.name
            )
        population = population_service.replace(
            row,
            form.control.data or "",
            preview.parsed,
            _source(form),
            filename=form.filename.data or "",
            expected_fingerprint=form.fingerprint.data or "",
        )
    except (InvalidInput, PopulationInvalid) as exc:
        message = "; ".join(exc.problems.values()) if isinstance(exc, InvalidInput) else str(exc)
        flash(f"Nothing was imported: {message}", "error")
        return redirect(url_for("period.populations", assessment_id=row.id))
    path.unlink(missing_ok=True)
    flash(
        f"{form.control.data}: {population.item_count} items imported ({preview.diff.summary()}).",
        "success",
    )
    return redirect(url_for("period.populations", assessment_id=row.id))


@bp.post("/populations/empty")
@permission_required("edit")
def empty_population(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = EmptyPopulationForm()
    if not form.validate():
        flash("Name the source system to record an empty population.", "error")
        return redirect(url_for("period.populations", assessment_id=row.id))
    population_service.record_empty(
        row, form.control.data or "", Source(form.source_system.data or "")
    )
    flash(f"{form.control.data}: recorded as pulled today with zero rows.", "success")
    return redirect(url_for("period.populations", assessment_id=row.id))


# --- samples --------------------------------------------------------------------------------


def _samples_page(
    row: Assessment, table_form: TableForm | None = None, status: int = 200
) -> ResponseReturnValue:
    period_service.period_of(row)
    if table_form is None:
        table_form = TableForm(formdata=None, table=period_service.table_text(row))
    return render_template(
        "period/samples.html",
        assessment=row,
        overview=period_service.samples_overview(row),
        table=period_service.table_for(row),
        shipped=period_service.uses_shipped_table(row),
        form=DrawForm(formdata=None),
        table_form=table_form,
        options_form=ControlOptionsForm(formdata=None),
    ), status


@bp.get("/samples")
@permission_required("read")
def samples(assessment_id: int) -> ResponseReturnValue:
    return _samples_page(_assessment(assessment_id))


@bp.post("/samples/table")
@permission_required("edit")
def set_table(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = TableForm()
    if not form.validate():
        return _samples_page(row, form, 422)
    try:
        table = period_service.set_table_from_text(row, form.table.data or "")
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _samples_page(row, form, 422)
    flash(f"Samples are now sized by {table.name}; earlier draws are kept.", "success")
    return redirect(url_for("period.samples", assessment_id=row.id))


@bp.post("/samples/table/shipped")
@permission_required("edit")
def use_shipped_table(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    table = period_service.set_table(row, None)
    flash(f"Samples are now sized by {table.name}.", "success")
    return redirect(url_for("period.samples", assessment_id=row.id))


@bp.post("/samples/options")
@permission_required("edit")
def control_options(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = ControlOptionsForm()
    if not form.validate():
        flash("Choose a control.", "error")
        return redirect(url_for("period.samples", assessment_id=row.id))
    ref = form.control.data or ""
    period_service.set_control_options(
        row, ref, census=bool(form.census.data), deviation=bool(form.deviation.data)
    )
    flash(f"{ref}: options saved; draw again to apply them.", "success")
    return redirect(url_for("period.samples", assessment_id=row.id, _anchor=ref))


@bp.post("/samples/draw")
@permission_required("edit")
def draw(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    form = DrawForm()
    if not form.validate():
        flash("Choose a control to draw.", "error")
        return redirect(url_for("period.samples", assessment_id=row.id))
    sample, new = period_service.draw_sample(row, form.control.data or "")
    if new:
        flash(f"{form.control.data}: {sample.size} of {sample.population_size} drawn.", "success")
    else:
        flash(f"{form.control.data}: the inputs are unchanged; the current draw stands.", "success")
    return redirect(url_for("period.samples", assessment_id=row.id, _anchor=form.control.data))


# --- evidence -------------------------------------------------------------------------------


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
    row = _assessment(assessment_id)
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
    row = _assessment(assessment_id)
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
                root=_evidence_dir(),
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
    row = _assessment(assessment_id)
    found = evidence_service.get(current_org_id(), row.id, evidence_id)
    path = evidence_service.file_path(found, _evidence_dir())
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
    row = _assessment(assessment_id)
    found = evidence_service.get(current_org_id(), row.id, evidence_id)
    evidence_service.hide(found)
    flash(f"Evidence {found.id} is deleted from view; it is kept in the audit trail.", "success")
    return redirect(url_for("period.evidence", assessment_id=row.id))


@bp.get("/package")
@permission_required("export")
def package(assessment_id: int) -> ResponseReturnValue:
    row = _assessment(assessment_id)
    period_service.period_of(row)
    plan = evidence_service.package_plan(row)  # read now: the stream touches only files
    response = Response(
        evidence_service.stream_package(plan, _evidence_dir()), mimetype="application/zip"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{evidence_service.package_name(row)}"'
    )
    return response
