"""The Type 2 period pages: Calendar → Populations → Samples (Evidence: period_evidence.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from ..domain.errors import InvalidInput
from ..domain.period.population_file import PopulationInvalid
from ..models import Assessment
from ..services import assessments
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


def assessment_for(assessment_id: int) -> Assessment:
    """Return the current organisation's assessment, or raise NotFound."""
    return assessments.get(current_org_id(), assessment_id)  # another organisation's: 404


def evidence_dir() -> Path:
    """Return the folder evidence files (and previewed population files) are kept in."""
    return Path(current_app.config["RISKAPP_EVIDENCE_DIR"])


@bp.get("/calendar")
@permission_required("read")
def calendar(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
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
    row = assessment_for(assessment_id)
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
    row = assessment_for(assessment_id)
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
    row = assessment_for(assessment_id)
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
    token = population_service.stash(evidence_dir(), row, stream, filename)
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
    row = assessment_for(assessment_id)
    form = ConfirmPopulationForm()
    try:
        path = population_service.stashed(evidence_dir(), row, form.token.data or "")
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
    row = assessment_for(assessment_id)
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
    return _samples_page(assessment_for(assessment_id))


@bp.post("/samples/table")
@permission_required("edit")
def set_table(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
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
    row = assessment_for(assessment_id)
    table = period_service.set_table(row, None)
    flash(f"Samples are now sized by {table.name}.", "success")
    return redirect(url_for("period.samples", assessment_id=row.id))


@bp.post("/samples/options")
@permission_required("edit")
def control_options(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
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
    row = assessment_for(assessment_id)
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
