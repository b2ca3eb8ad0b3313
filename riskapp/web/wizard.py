"""The guided path: scope, profile, risks, treatment, controls, coverage, statement quality.

Each step reads its assessment through the organisation scope, saves on POST
through services/wizard, and on a failed rule re-renders with the user's
answers and the messages beside the fields (status 422).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..domain.assessment.exclusions import SetAsideInput
from ..domain.assessment.wizard import (
    STEP_TITLES,
    STEPS,
    next_step,
    period_warning,
    reached_steps,
)
from ..domain.errors import InvalidInput
from ..domain.textsafety import clean_text
from ..figures.coverage_heatmap import coverage_page_figures
from ..figures.risk_matrix import risk_matrix_figure
from ..models import Assessment
from ..models.limits import model_column_length
from ..services import assessments, carveouts
from ..services import coverage as coverage_service
from ..services import wizard as steps
from ..services import wizard_pages as pages
from . import wizard_forms as forms
from .access import current_org_id, permission_required
from .security import allow_chart_styles
from .throttling import rate_limited

bp = Blueprint("wizard", __name__, url_prefix="/assessments/<int:assessment_id>/steps")
# templates give a text field the length of its column: max_length("AssessedRisk.owner")
bp.add_app_template_global(model_column_length, "max_length")


def _render(
    step: str,
    assessment_id: int,
    status: int = 200,
    build: Callable[[Assessment], dict[str, Any]] | None = None,
    **context: object,
) -> ResponseReturnValue:
    """Render a step with what `build` (default: `pages.<step>_page`) says it shows."""
    row = assessments.get(current_org_id(), assessment_id)
    if step not in reached_steps(row.step_reached):
        flash(f"Complete the earlier steps before {STEP_TITLES[step].lower()}.", "warning")
        return redirect(url_for(f"wizard.{row.step_reached}", assessment_id=assessment_id))
    page = (build or getattr(pages, f"{step}_page"))(row)
    return (
        render_template(
            f"wizard/{step}.html",
            assessment=row,
            step=step,
            steps=STEPS,
            step_titles=STEP_TITLES,
            reached=reached_steps(row.step_reached),
            page=page,
            **context,
        ),
        status,
    )


def _saved(step: str, assessment_id: int, message: str) -> ResponseReturnValue:
    flash(message, "success")
    following = next_step(step) or step
    return redirect(url_for(f"wizard.{following}", assessment_id=assessment_id))


@bp.get("/scope")
@permission_required("read")
def scope(assessment_id: int) -> ResponseReturnValue:
    return _render("scope", assessment_id, form={}, problems={})


@bp.post("/scope")
@permission_required("edit")
def save_scope(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    answers, problems = forms.scope_answers(request.form)
    try:
        if problems:
            raise steps.StepInvalid(problems)
        steps.save_scope(row, answers)
    except steps.StepInvalid as exc:
        return _render("scope", assessment_id, 422, form=request.form, problems=exc.problems)
    if answers.report_type == "type2" and (
        warning := period_warning(answers.period_start, answers.period_end)
    ):
        flash(warning, "warning")
    return _saved("scope", assessment_id, "Scope saved.")


@bp.get("/profile")
@permission_required("read")
def profile(assessment_id: int) -> ResponseReturnValue:
    return _render("profile", assessment_id)


@bp.post("/profile")
@permission_required("edit")
def save_profile(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    answers = forms.profile_answers(request.form, pages.tag_keys())
    refs = steps.save_profile(row, answers)
    return _saved("profile", assessment_id, f"Profile saved: {len(refs)} risks proposed.")


@bp.get("/risks")
@permission_required("read")
def risks(assessment_id: int) -> ResponseReturnValue:
    return _risks_page(assessment_id, problems={}, form={})


def _risks_page(assessment_id: int, status: int = 200, **context: object) -> ResponseReturnValue:
    """Render the risks step with its heatmaps, built here from what the service returns."""

    def build(row: Assessment) -> dict[str, Any]:
        page = pages.risks_page(row)
        figure = risk_matrix_figure(page["inherent_points"], page["residual_points"])
        return {**page, "figure": figure.to_json()}

    page = _render("risks", assessment_id, status, build=build, **context)
    return allow_chart_styles(make_response(page))


@bp.post("/risks")
@permission_required("edit")
def save_risks(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    problems = pages.save_ratings(row, forms.rating_inputs(request.form))
    if problems:
        return _risks_page(assessment_id, 422, problems=problems, form=request.form)
    steps.reach(row, "treatment")
    return _saved("risks", assessment_id, "Ratings saved.")


@bp.post("/risks/custom")
@permission_required("edit")
def add_custom_risk(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    try:
        ref = steps.add_custom_risk(row, forms.custom_risk_input(request.form))
    except steps.StepInvalid as exc:
        return _risks_page(assessment_id, 422, problems={"custom": exc.problems}, form=request.form)
    flash(f"Custom risk {ref} added.", "success")
    return redirect(url_for("wizard.risks", assessment_id=assessment_id))


@bp.post("/risks/custom/edit")
@permission_required("edit")
def edit_custom_risk(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.form.get("ref", "")
    try:
        steps.edit_custom_risk(row, ref, forms.custom_risk_input(request.form))
    except steps.StepInvalid as exc:
        problems = {"edit": {ref: exc.problems}}
        return _risks_page(assessment_id, 422, problems=problems, form=request.form)
    flash(f"Custom risk {ref} saved.", "success")
    return redirect(url_for("wizard.risks", assessment_id=assessment_id, _anchor=f"cr-{ref}"))


@bp.post("/risks/custom/delete")
@permission_required("edit")
def delete_custom_risk(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = request.form.get("ref", "")
    steps.delete_custom_risk(row, ref)
    flash(f"Custom risk {ref} deleted, with its rating and the links to it.", "success")
    return redirect(url_for("wizard.risks", assessment_id=assessment_id))


@bp.get("/quality")
@permission_required("read")
def quality(assessment_id: int) -> ResponseReturnValue:
    return _render("quality", assessment_id)


def _url_prefix(endpoint: str, **values: object) -> str:
    """Return the URL of `endpoint` up to its final `ref` part (to append a quoted ref)."""
    return url_for(endpoint, **values, ref="ref")[: -len("ref")]


# how url_for quotes a path part and a query value (werkzeug's converters and urlencode):
# the page's links made from one url_for per kind are the very ones url_for would give
PATH_SAFE = "!$&'()*+,/:;=@"
QUERY_SAFE = "!$'()*,/:;?@"


def _path_link(prefix: str) -> Callable[[str], str]:
    return lambda ref: prefix + _quoted(ref, PATH_SAFE)


@lru_cache(maxsize=32768)
def _quoted(ref: str, safe: str = "") -> str:
    """Return `ref` percent-quoted, kept: the page's links quote the same refs on every view."""
    return quote(ref, safe=safe)


def _coverage_page(
    assessment_id: int, include_risks: bool, status: int = 200, **context: object
) -> ResponseReturnValue:
    def build(row: Assessment) -> dict[str, Any]:
        slug = row.framework.slug
        # one url_for per kind of link, not per column: 5,000 calls were a tenth of the page
        criteria = _url_prefix("library.criterion", slug=slug)
        controls = _url_prefix("library.control")
        cards = url_for("wizard.controls", assessment_id=row.id)
        domains = url_for(
            "wizard.coverage", assessment_id=row.id, domain="KEY", _anchor="heatmap-heading"
        ).split("KEY")
        page = coverage_service.coverage_page(
            row,
            include_risks=include_risks,
            criterion_link=lambda ref: criteria + _quoted(ref),
            control_link=lambda ref: controls + _quoted(ref),
            card_link=lambda ref: f"{cards}?edit={_quoted(ref)}#c-{ref}",
            domain=request.args.get("domain"),
            domain_link=lambda key: quote_plus(key, safe=QUERY_SAFE).join(domains),
        )
        # the figures depend on the assessment's state and on the links they embed
        # (named here: the prefixes, the domain drilled into): made once per state
        figures = coverage_service.cached_for_state(
            page["state"],
            ("figures", criteria, controls, cards, tuple(domains), page["domain"], page["grouped"]),
            lambda: coverage_page_figures(
                page["coverage"],
                page["columns"],
                page["criterion_links"],
                page["series_titles"],
                page["domains"] if page["grouped"] else None,
            ),
        )
        return {
            **page,
            **figures,
            "columns": len(page["columns"]),
            # the template's links to the library, without a url_for per link
            "control_href": _path_link(controls),
            "criterion_href": _path_link(criteria),
            "set_aside_url": url_for("wizard.set_aside", assessment_id=row.id),
        }

    page = _render("coverage", assessment_id, status, build=build, **context)
    return allow_chart_styles(make_response(page))


@bp.get("/coverage")
@permission_required("read")
def coverage(assessment_id: int) -> ResponseReturnValue:
    return _coverage_page(assessment_id, request.args.get("risks") == "1")


@bp.post("/coverage/set-aside")
@permission_required("edit")
def set_aside(assessment_id: int) -> ResponseReturnValue:
    """Mark a criterion not applicable or carve it out to a vendor."""
    row = assessments.get(current_org_id(), assessment_id)
    typed = {key: clean_text(value) for key, value in request.form.items() if key != "csrf_token"}
    vendor = typed.get("vendor", "")
    command = SetAsideInput(
        criterion=typed.get("criterion", ""),
        kind=typed.get("kind", ""),
        reason=typed.get("reason", ""),
        vendor_id=int(vendor) if vendor.isdigit() and len(vendor) < 10 else None,
        vendor_controls=typed.get("vendor_controls", ""),
    )
    try:
        found = carveouts.set_aside(row, command)
    except InvalidInput as exc:
        return _coverage_page(
            assessment_id, False, 422, aside_form=typed, aside_problems=exc.problems
        )
    what = (
        f"carved out to {found.vendor.name}"
        if found.vendor is not None
        else "marked not applicable"
    )
    flash(f"{found.criterion.ref} {what}; it no longer counts as a gap.", "success")
    return redirect(url_for("wizard.coverage", assessment_id=assessment_id, _anchor="set-aside"))


@bp.post("/coverage/set-aside/<int:exclusion_id>/undo")
@permission_required("edit")
def undo_set_aside(assessment_id: int, exclusion_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    ref = carveouts.undo(row, exclusion_id)
    flash(f"{ref} counts towards coverage again.", "success")
    return redirect(url_for("wizard.coverage", assessment_id=assessment_id, _anchor="set-aside"))


@bp.post("/coverage/close")
@permission_required("edit")
@rate_limited("closing-set")
def close_gaps(assessment_id: int) -> ResponseReturnValue:
    """Add the closing set the user saw (its refs are posted back) to the selection."""
    row = assessments.get(current_org_id(), assessment_id)
    refs = list(dict.fromkeys(request.form.getlist("control")))
    include_risks = request.form.get("risks") == "1"
    if not refs:
        flash("No control was sent to add; nothing was changed.", "warning")
    else:
        added = pages.select(row, refs)  # an unknown ref is a 404, and nothing is added
        flash(
            f"{added} control{'s' if added != 1 else ''} added to the selection: "
            f"{', '.join(refs)}. Each is planned until you record it as implemented.",
            "success",
        )
    args = {"risks": "1"} if include_risks else {}
    return redirect(url_for("wizard.coverage", assessment_id=assessment_id, **args))


@bp.post("/coverage/continue")
@permission_required("edit")
def leave_coverage(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    steps.reach(row, "quality")
    return redirect(url_for("wizard.quality", assessment_id=assessment_id))


# the controls and treatment steps (table, editor, bulk changes) register their routes here
from . import wizard_controls  # noqa: E402, F401
