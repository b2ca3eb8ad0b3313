"""The period's Checks page: computed checks over each population, and reconciliation.

Its views hang on the period blueprint (`web/period.py`), so their endpoints
are `period.*` like the other steps'.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..domain.errors import InvalidInput
from ..domain.period.population_file import PopulationInvalid
from ..domain.testing.results import NATURE_LABELS
from ..models import Assessment
from ..services import checks as checks_service
from ..services import period as period_service
from ..services import reconciliation as reconciliation_service
from ..services.populations import Source
from .access import permission_required
from .forms import apply_problems
from .period import assessment_for, bp
from .period_checks_forms import DecisionForm, ExplainForm, SecondSourceForm
from .results_forms import DESIGN_LABEL, NATURE_CHOICES, RECURRING_LABEL

SHOWN_PER_POPULATION = 200


def _ids_for(form: SecondSourceForm, ref: str) -> SecondSourceForm:
    """Give the form's fields ids of their own: the page has one form per reconciled control."""
    for f in form:
        f.id = f"{ref}-{f.name}"
        f.label.field_id = f.id
    return form


def _blank_second_source(ref: str) -> SecondSourceForm:
    return _ids_for(SecondSourceForm(formdata=None, control=ref), ref)


def _page(
    row: Assessment,
    status: int = 200,
    *,
    errors: dict[tuple[Any, ...], str] | None = None,
    typed: dict[tuple[Any, ...], Any] | None = None,
    decision_errors: dict[tuple[Any, ...], dict[str, str]] | None = None,
    upload: SecondSourceForm | None = None,
    problems: list[str] | None = None,
) -> ResponseReturnValue:
    return render_template(
        "period/checks.html",
        assessment=row,
        checked=checks_service.checks_for(row),
        awaiting=checks_service.awaiting(row),
        statuses=reconciliation_service.statuses(row),
        shown=SHOWN_PER_POPULATION,
        errors=errors or {},
        typed=typed or {},
        decision_errors=decision_errors or {},
        natures=NATURE_CHOICES,
        nature_labels=NATURE_LABELS,
        recurring_label=RECURRING_LABEL,
        design_label=DESIGN_LABEL,
        upload=_ids_for(upload, upload.control.data or "") if upload else None,
        blank_second_source=_blank_second_source,
        problems=(problems or [])[:SHOWN_PER_POPULATION],
    ), status


@bp.get("/checks")
@permission_required("read")
def checks(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    period_service.period_of(row)
    return _page(row)


@bp.post("/checks/decide")
@permission_required("edit")
def decide_check(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = DecisionForm()
    key = (form.population.data, form.item.data, form.check.data)
    if not form.validate():
        if len(form.problems()) < len(form.errors):  # a hidden field: a stale page
            return _page(row, 422, errors={("form",): "Reload the page and try again."})
        return _page(row, 422, decision_errors={key: form.problems()}, typed={key: form.typed()})
    try:
        checks_service.decide(
            row,
            form.population.data or 0,
            form.item.data or "",
            form.check.data or "",
            form.decision.data or "",
            form.reason.data or "",
            form.facts(),
        )
    except InvalidInput as exc:
        return _page(row, 422, decision_errors={key: exc.problems}, typed={key: form.typed()})
    word = "confirmed" if form.decision.data == "confirmed" else "dismissed"
    flash(f"{form.item.data}: {form.check.data} {word}.", "success")
    return redirect(url_for("period.checks", assessment_id=row.id) + f"#pop-{form.population.data}")


@bp.post("/checks/second-source")
@permission_required("edit")
def import_second_source(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = SecondSourceForm()
    if not form.validate():
        return _page(row, 422, upload=form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Choose a .csv or .xlsx file."]
        return _page(row, 422, upload=form)
    source = Source(
        form.source_system.data or "",
        form.query.data or "",
        form.pulled_by.data or "",
        form.pulled_at.data,
    )
    try:
        second = reconciliation_service.import_second(
            row, form.control.data or "", upload.stream, upload.filename, source
        )
    except PopulationInvalid as exc:
        form.file.errors = [str(exc)]
        return _page(row, 422, upload=form, problems=exc.problems)
    except InvalidInput as exc:
        apply_problems(form, exc.problems)
        return _page(row, 422, upload=form)
    flash(f"Second source of {form.control.data} imported: {second.item_count} rows.", "success")
    return redirect(url_for("period.checks", assessment_id=row.id) + "#reconciliation")


@bp.post("/checks/explain")
@permission_required("edit")
def explain_mismatch(assessment_id: int) -> ResponseReturnValue:
    row = assessment_for(assessment_id)
    form = ExplainForm()
    if not form.validate():
        return _page(row, 422, errors={("form",): "Reload the page and try again."})
    key = (form.control.data, form.side.data, form.key.data)
    try:
        reconciliation_service.explain(
            row, form.control.data or "", form.side.data or "", form.key.data or "",
            form.reason.data or "",
        )  # fmt: skip
    except InvalidInput as exc:
        message = "; ".join(exc.problems.values())
        return _page(row, 422, errors={key: message}, typed={key: form.reason.data or ""})
    flash(f"{form.control.data}: {form.key.data} explained.", "success")
    return redirect(url_for("period.checks", assessment_id=row.id) + "#reconciliation")


def register_views() -> None:
    """Make sure this module's views are on the period blueprint (importing it adds them)."""
