"""What each wizard page shows, and how a page's many-row form is saved.

Page builders return plain dicts for the templates (the views build the
figures from them); savers take typed commands (one per row, keyed by the
rating id), validate every row first and write only when all rows are valid
(the treatment step keeps complete rows, as the issue asks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..domain.assessment.applicability import risks_per_question
from ..domain.assessment.commands import RatingInput, TailorInput, TreatmentInput
from ..domain.assessment.model import STATUSES, TREATMENTS, AssessmentData, with_custom_content
from ..domain.assessment.scoring import assessment_residuals, band_for, inherent_score
from ..domain.assessment.selection import selected_controls
from ..domain.assessment.suggest import suggest_controls
from ..domain.assessment.wizard import (
    rating_problems,
    residual_override_problems,
    treatment_problems,
)
from ..domain.inventory.model import ROLES
from ..domain.library.model import (
    CONTROL_TYPES,
    FREQUENCIES,
    IMPACT_LEVELS,
    LIKELIHOOD_LEVELS,
    NATURES,
    RISK_CATEGORIES,
    Library,
    Retirement,
)
from ..domain.statements.quality import summarise
from ..domain.statements.render import (
    override_for,
)
from ..domain.statements.verdict import statement_verdict
from ..extensions import db
from ..models import AssessedRisk, Assessment
from ..models.limits import length_problem
from ..repository import library as library_repo
from ..repository import wizard as repo
from ..repository.assessments import applicable_ratings, to_assessment_data
from . import wizard as steps
from .organizations import organisation_bands


def _library() -> Library:
    return library_repo.cached_library(db.session)


def tag_keys() -> list[str]:
    """Return the keys of the profile questions, in library order."""
    return list(_library().meta.tags)


def scope_page(row: Assessment) -> dict[str, Any]:
    """Return what the scope step shows: the framework's categories."""
    library = _library()
    framework = library.frameworks[row.framework.slug]
    return {"categories": framework.categories}


def profile_page(row: Assessment) -> dict[str, Any]:
    """Return the profile questions with their answers and how many risks each proposes."""
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
    return organisation_bands(repo.organization_settings(db.session, row.organization_id))


def risks_page(row: Assessment) -> dict[str, Any]:
    """Return the rating rows, the heatmap points, the levels and the custom risks."""
    library = _library()
    data = to_assessment_data(db.session, row)
    residuals = assessment_residuals(library, data)
    bands = _bands(row)
    rows: list[dict[str, Any]] = []
    for rating in applicable_ratings(db.session, row):
        score = inherent_score(rating.likelihood, rating.impact)
        res = residuals.get(rating.risk.ref)
        rows.append(
            {
                "rating": rating,
                "risk": rating.risk,
                "score": score,
                "band": band_for(score, bands),
                "residual": res,
                "override_score": _override_score(rating),
                "custom": rating.risk.assessment_id is not None,
            }
        )
    live = [r for r in rows if not r["rating"].excluded]
    return {
        "rows": rows,
        "inherent_points": [(r["rating"].likelihood, r["rating"].impact) for r in live],
        "residual_points": [_effective(r["rating"], r["residual"]) for r in live],
        "likelihood_levels": LIKELIHOOD_LEVELS,
        "impact_levels": IMPACT_LEVELS,
        "categories": RISK_CATEGORIES,
        "custom_risks": [r["risk"] for r in rows if r["custom"]],
        # the page's script re-scores a row as it is rated, with the organisation's bands
        "bands_json": json.dumps([{"name": b.name, "low": b.low, "high": b.high} for b in bands]),
    }


def _override_score(rating: Any) -> int | None:
    if rating.residual_likelihood_override and rating.residual_impact_override:
        return inherent_score(rating.residual_likelihood_override, rating.residual_impact_override)
    return None


def _effective(rating: Any, res: Any) -> tuple[int, int]:
    if rating.residual_likelihood_override and rating.residual_impact_override:
        return rating.residual_likelihood_override, rating.residual_impact_override
    return (res.likelihood, res.impact) if res else (rating.likelihood, rating.impact)


def save_ratings(row: Assessment, entries: Mapping[int, RatingInput]) -> dict[str, dict[str, str]]:
    """Validate every rating row (by rating id), then save them all; return problems by ref."""
    ratings = applicable_ratings(db.session, row)
    problems: dict[str, dict[str, str]] = {}
    parsed = []
    for r in ratings:
        e = entries.get(r.id, RatingInput())
        found = {
            **rating_problems(e.likelihood, e.impact, e.excluded, e.exclusion_reason),
            **residual_override_problems(
                e.residual_likelihood, e.residual_impact, e.override_reason
            ),
        }
        if found:
            problems[r.risk.ref] = found
        parsed.append((r, e))
    if problems:
        return problems
    for r, e in parsed:
        steps.rate_risk(r, e.likelihood, e.impact, e.excluded, e.exclusion_reason)
        steps.override_residual(r, e.residual_likelihood, e.residual_impact, e.override_reason)
    return {}


def _above_appetite(row: Assessment) -> list[Any]:
    return [
        r
        for r in applicable_ratings(db.session, row)
        if not r.excluded and inherent_score(r.likelihood, r.impact) > row.risk_appetite
    ]


def treatment_page(row: Assessment) -> dict[str, Any]:
    """Return the risks above appetite and what each still lacks."""
    data = to_assessment_data(db.session, row)
    return {
        "rows": [
            {"rating": r, "score": inherent_score(r.likelihood, r.impact)}
            for r in _above_appetite(row)
        ],
        "treatments": TREATMENTS,
        "missing": treatment_problems(data.risks, row.risk_appetite),
    }


def treatment_entry_problems(
    ratings: Any, entries: Mapping[int, TreatmentInput]
) -> dict[str, list[str]]:
    """Return, by risk ref, what no row may hold: an unknown treatment, an owner too long."""
    problems: dict[str, list[str]] = {}
    for r in ratings:
        e = entries.get(r.id, TreatmentInput())
        found = []
        if e.treatment and e.treatment not in TREATMENTS:
            found.append(f"Choose a treatment: {', '.join(TREATMENTS)}.")
        if message := length_problem("owner", e.owner.strip(), AssessedRisk.owner):
            found.append(message)
        if found:
            problems[r.risk.ref] = found
    return problems


def save_treatments(row: Assessment, entries: Mapping[int, TreatmentInput]) -> dict[str, list[str]]:
    """Save every treatment row (by rating id); return what is still missing, by risk ref.

    A row no treatment can hold (an unknown treatment, an owner too long) saves nothing.
    """
    ratings = _above_appetite(row)
    if problems := treatment_entry_problems(ratings, entries):
        return problems
    for r in ratings:
        e = entries.get(r.id, TreatmentInput())
        steps.save_treatment(r, e.treatment, e.owner, e.rationale)
    data = to_assessment_data(db.session, row)
    return treatment_problems(data.risks, row.risk_appetite)


def controls_page(row: Assessment, data: AssessmentData | None = None) -> dict[str, Any]:
    """Return suggestions, residuals and the custom controls' choices (the selection's table
    and editor come from services/wizard_controls)."""
    library = _library()
    data = data or to_assessment_data(db.session, row)
    to_mitigate = [
        r.ref
        for r in data.risks
        if not r.excluded
        and r.treatment == "mitigate"
        and inherent_score(r.likelihood, r.impact) > row.risk_appetite
    ]
    suggestions = suggest_controls(library, data, to_mitigate)
    residuals = assessment_residuals(library, data)
    risk_titles = {
        **{ref: r.title for ref, r in library.risks.items()},
        **{r.ref: r.title for r in data.custom.risks},
    }
    return {
        "suggestions": suggestions,
        "residuals": [
            {
                "ref": r.ref,
                "title": risk_titles.get(r.ref, r.ref),
                "inherent": inherent_score(r.likelihood, r.impact),
                "residual": residuals[r.ref],
                "override_score": inherent_score(*r.residual_override)
                if r.residual_override
                else None,
                "treatment": r.treatment,
            }
            for r in data.risks
            if not r.excluded
        ],
        "statuses": STATUSES,
        "frequencies": FREQUENCIES,
        "control_types": CONTROL_TYPES,
        "natures": NATURES,
        "custom_controls": [
            {
                "control": c,
                "criteria": [s.criterion for s in data.custom.satisfies if s.control == c.ref],
                "risks": [m.risk for m in data.custom.mitigates if m.control == c.ref],
            }
            for c in data.custom.controls
        ],
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


def tailor(row: Assessment, entry: TailorInput) -> None:
    """Save a control card: wording equal to the template (or blank) follows the template."""
    selected = repo.selected_control(db.session, row.id, entry.ref)
    data = to_assessment_data(db.session, row)
    control = _merged(data).controls.get(entry.ref)
    choice = data.control(entry.ref)
    submitted = entry.statement
    statement = override_for(submitted, data, control, choice) if control else submitted or None
    steps.tailor_control(
        selected,
        statement,
        entry.owner,
        entry.frequency,
        entry.status,
        entry.na_reason,
        reviewed=entry.reviewed,
    )


def _merged(data: AssessmentData) -> Library:
    return with_custom_content(_library(), data.custom)


def remove(row: Assessment, ref: str) -> None:
    """Take a control out of the selection."""
    db.session.delete(repo.selected_control(db.session, row.id, ref))
    db.session.flush()


def quality_page(row: Assessment) -> dict[str, Any]:
    """Return each applicable selected control's statement as rendered now, with its verdict."""
    data = to_assessment_data(db.session, row)
    library = _merged(data)
    reports: list[dict[str, Any]] = []
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
