"""What each wizard page shows, and how a page's many-row form is saved.

Page builders return plain dicts for the templates; savers take the submitted
form as a plain mapping, validate every row first and write only when all
rows are valid (the treatment step keeps complete rows, as the issue asks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from ..domain.assessment.applicability import risks_per_question
from ..domain.assessment.model import STATUSES, TREATMENTS, AssessmentData, with_custom_content
from ..domain.assessment.scoring import assessment_residuals, band_for, inherent_score
from ..domain.assessment.selection import selected_controls
from ..domain.assessment.suggest import suggest_controls
from ..domain.assessment.wizard import (
    rating_problems,
    residual_override_problems,
    treatment_problems,
)
from ..domain.errors import NotFound
from ..domain.inventory.model import ROLES
from ..domain.library.model import (
    FREQUENCIES,
    IMPACT_LEVELS,
    LIKELIHOOD_LEVELS,
    Library,
    Retirement,
)
from ..domain.statements.quality import summarise
from ..domain.statements.render import (
    is_user_edit,
    override_for,
    tailored_segments,
    template_changed,
)
from ..domain.statements.verdict import statement_verdict
from ..domain.textsafety import clean_text
from ..extensions import db
from ..figures.risk_matrix import risk_matrix_figure
from ..models import Assessment, Control, Organization, SelectedControl
from ..repository import library as library_repo
from ..repository.assessments import applicable_ratings, to_assessment_data
from . import wizard as steps
from .organizations import organisation_bands

Form = Mapping[str, Any]


def _library() -> Library:
    return library_repo.cached_library(db.session)


def tag_keys() -> list[str]:
    return list(_library().meta.tags)


def scope_page(row: Assessment) -> dict[str, Any]:
    library = _library()
    framework = library.frameworks[row.framework.slug]
    return {"categories": framework.categories}


def profile_page(row: Assessment) -> dict[str, Any]:
    library = _library()
    counts = risks_per_question(library)
    answers = row.profile or {}
    return {
        "questions": [
            {"tag": tag, "answer": answers.get(key, tag.default), "count": counts.get(key, 0)}
            for key, tag in library.meta.tags.items()
        ],
        "always": sum(1 for r in library.risks.values() if not r.tags),
    }


def _bands(row: Assessment) -> tuple:
    org = db.session.get(Organization, row.organization_id)
    return organisation_bands(org.settings if org else None)


def risks_page(row: Assessment) -> dict[str, Any]:
    library = _library()
    data = to_assessment_data(db.session, row)
    residuals = assessment_residuals(library, data)
    rows = []
    for rating in applicable_ratings(db.session, row):
        score = inherent_score(rating.likelihood, rating.impact)
        res = residuals.get(rating.risk.ref)
        rows.append(
            {
                "rating": rating,
                "risk": rating.risk,
                "score": score,
                "band": band_for(score, _bands(row)),
                "residual": res,
            }
        )
    live = [r for r in rows if not r["rating"].excluded]
    figure = risk_matrix_figure(
        [(r["rating"].likelihood, r["rating"].impact) for r in live],
        [_effective(r["rating"], r["residual"]) for r in live],
    )
    return {
        "rows": rows,
        "figure": figure.to_json(),
        "likelihood_levels": LIKELIHOOD_LEVELS,
        "impact_levels": IMPACT_LEVELS,
        "categories": sorted({r.category for r in library.risks.values()}),
    }


def _effective(rating: Any, res: Any) -> tuple[int, int]:
    if rating.residual_likelihood_override and rating.residual_impact_override:
        return rating.residual_likelihood_override, rating.residual_impact_override
    return (res.likelihood, res.impact) if res else (rating.likelihood, rating.impact)


def save_ratings(row: Assessment, form: Form) -> dict[str, dict[str, str]]:
    """Validate every rating row, then save them all; return problems by risk ref if any."""
    ratings = applicable_ratings(db.session, row)
    problems: dict[str, dict[str, str]] = {}
    parsed = []
    for r in ratings:
        likelihood = _int(form.get(f"l-{r.id}"))
        impact = _int(form.get(f"i-{r.id}"))
        excluded = form.get(f"x-{r.id}") == "on"
        reason = form.get(f"xr-{r.id}", "")
        over_l, over_i = _int(form.get(f"ol-{r.id}")), _int(form.get(f"oi-{r.id}"))
        over_reason = form.get(f"or-{r.id}", "")
        found = {
            **rating_problems(likelihood, impact, excluded, reason),
            **residual_override_problems(over_l, over_i, over_reason),
        }
        if found:
            problems[r.risk.ref] = found
        parsed.append((r, likelihood, impact, excluded, reason, over_l, over_i, over_reason))
    if problems:
        return problems
    for r, likelihood, impact, excluded, reason, over_l, over_i, over_reason in parsed:
        steps.rate_risk(r, likelihood, impact, excluded, reason)
        steps.override_residual(r, over_l, over_i, over_reason)
    return {}


def _int(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _above_appetite(row: Assessment) -> list[Any]:
    return [
        r
        for r in applicable_ratings(db.session, row)
        if not r.excluded and inherent_score(r.likelihood, r.impact) > row.risk_appetite
    ]


def treatment_page(row: Assessment) -> dict[str, Any]:
    data = to_assessment_data(db.session, row)
    return {
        "rows": [
            {"rating": r, "score": inherent_score(r.likelihood, r.impact)}
            for r in _above_appetite(row)
        ],
        "treatments": TREATMENTS,
        "missing": treatment_problems(data.risks, row.risk_appetite),
    }


def save_treatments(row: Assessment, form: Form) -> dict[str, list[str]]:
    """Save every treatment row; return what is still missing, by risk ref."""
    for r in _above_appetite(row):
        steps.save_treatment(
            r, form.get(f"t-{r.id}", ""), form.get(f"o-{r.id}", ""), form.get(f"r-{r.id}", "")
        )
    data = to_assessment_data(db.session, row)
    return treatment_problems(data.risks, row.risk_appetite)


def controls_page(row: Assessment) -> dict[str, Any]:
    library = _library()
    data = to_assessment_data(db.session, row)
    to_mitigate = [
        r.ref
        for r in data.risks
        if not r.excluded
        and r.treatment == "mitigate"
        and inherent_score(r.likelihood, r.impact) > row.risk_appetite
    ]
    suggestions = suggest_controls(library, data, to_mitigate)
    residuals = assessment_residuals(library, data)
    titles = {
        **{ref: c.title for ref, c in library.controls.items()},
        **{c.ref: c.title for c in data.custom.controls},
    }
    selected = db.session.scalars(
        sa.select(SelectedControl)
        .where(SelectedControl.assessment_id == row.id)
        .order_by(SelectedControl.id)
    ).all()
    risk_titles = {
        **{ref: r.title for ref, r in library.risks.items()},
        **{r.ref: r.title for r in data.custom.risks},
    }
    return {
        "suggestions": suggestions,
        "selected": [
            {
                "row": s,
                "ref": s.control.ref,
                "title": titles.get(s.control.ref, ""),
                "retirement": data.custom.retired.get(s.control.ref),
            }
            for s in selected
        ],
        "residuals": [
            {
                "ref": r.ref,
                "title": risk_titles.get(r.ref, r.ref),
                "inherent": inherent_score(r.likelihood, r.impact),
                "residual": residuals[r.ref],
                "override": r.residual_override,
                "treatment": r.treatment,
            }
            for r in data.risks
            if not r.excluded
        ],
        "cards": statement_cards(data),
        "statuses": STATUSES,
        "frequencies": FREQUENCIES,
        "to_mitigate": to_mitigate,
        "criteria": [
            c.ref
            for key, c in library.criteria.items()
            if c.framework == row.framework.slug and c.category in row.categories
        ],
        "risks": [r.ref for r in data.risks],
    }


def select(row: Assessment, refs: list[str]) -> int:
    """Select controls; each follows its library template, rendered whenever it is shown."""
    return steps.select_controls(row, refs, {})


def _selected(row: Assessment, ref: str) -> SelectedControl:
    found = db.session.scalar(
        sa.select(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == row.id, Control.ref == ref)
    )
    if found is None:
        raise NotFound("selected control", ref)
    return found


def tailor(row: Assessment, ref: str, form: Form) -> None:
    """Save a control card: wording equal to the template (or blank) follows the template."""
    selected = _selected(row, ref)
    data = to_assessment_data(db.session, row)
    control = _merged(data).controls.get(ref)
    submitted = clean_text(str(form.get("statement", "")), multiline=True)
    choice = data.control(ref)
    statement = override_for(submitted, data, control, choice) if control else submitted or None
    steps.tailor_control(
        selected,
        statement,
        str(form.get("owner", "")),
        str(form.get("frequency", "")),
        str(form.get("status", "")),
        str(form.get("na_reason", "")),
        reviewed=form.get("reviewed") == "on",
    )


def _merged(data: AssessmentData) -> Library:
    return with_custom_content(_library(), data.custom)


def statement_cards(data: AssessmentData) -> dict[str, dict[str, Any]]:
    """Return, by control ref, the statement as shown now and what the card says about it."""
    library = _merged(data)
    cards: dict[str, dict[str, Any]] = {}
    for choice in data.controls:
        control = library.controls.get(choice.ref)
        if control is None:
            continue
        cards[choice.ref] = {
            "segments": tailored_segments(data, control, choice),
            "wording": choice.statement or control.statement,
            "edited": is_user_edit(control, choice),
            "template": control.statement,
            "changed": template_changed(control, choice),
            "based_on": choice.statement_base,
        }
    return cards


def remove(row: Assessment, ref: str) -> None:
    db.session.delete(_selected(row, ref))
    db.session.flush()


def quality_page(row: Assessment) -> dict[str, Any]:
    """Return each applicable selected control's statement as rendered now, with its verdict."""
    data = to_assessment_data(db.session, row)
    library = _merged(data)
    reports = []
    for item in selected_controls(library, data, applicable_only=True):
        text, report = statement_verdict(data, item.control, item.choice)
        reports.append({"text": text, "report": report, "edited": bool(item.choice.statement)})
    retired: dict[str, Retirement] = {
        r["report"].ref: library.retired[r["report"].ref]
        for r in reports
        if r["report"].ref in library.retired
    }
    return {
        "reports": reports,
        "summary": summarise([r["report"] for r in reports]),
        "roles": set(ROLES),
        "retired": retired,
    }
