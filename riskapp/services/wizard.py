"""Use cases of the guided path: each saves one step's answers, or says why it cannot.

Functions validate with the domain rules first and write nothing when there
is a problem (they raise `StepInvalid` with field-keyed messages); otherwise
they flush, and `commit` is called once by the caller at the request or
command boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ..domain.assessment.applicability import proposed_risks
from ..domain.assessment.model import PLANNED
from ..domain.assessment.wizard import (
    ScopeAnswers,
    control_problems,
    furthest,
    in_scope_categories,
    rating_problems,
    residual_override_problems,
    scope_problems,
)
from ..domain.errors import NotFound, RiskappError
from ..domain.library.model import CONTROL_TYPES, FREQUENCIES, NATURES, RISK_CATEGORIES
from ..domain.textsafety import clean_text
from ..extensions import db
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    ControlCriterion,
    ControlRisk,
    Criterion,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)
from ..repository import library as library_repo
from ..repository.assessments import applicable_ratings

MAX_OWNER = 200  # selected_control.owner


class StepInvalid(RiskappError):
    """A step's answers break a rule; `problems` maps field (or ref) to messages."""

    def __init__(self, problems: Mapping[str, object]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


def _framework(slug: str) -> Framework:
    row = db.session.scalar(sa.select(Framework).where(Framework.slug == slug, ~Framework.retired))
    if row is None:
        raise NotFound("framework", slug)
    return row


def _domain_framework(slug: str):  # -> domain Framework
    library = library_repo.read_library(db.session)
    if slug not in library.frameworks:
        raise NotFound("framework", slug)
    return library.frameworks[slug]


def _apply_scope(assessment: Assessment, answers: ScopeAnswers) -> None:
    framework = _domain_framework(assessment.framework.slug)
    assessment.name = answers.name.strip()
    assessment.categories = list(in_scope_categories(framework, answers.categories))
    assessment.report_type = answers.report_type
    assessment.as_of_date = answers.as_of if answers.report_type == "type1" else None
    assessment.period_start = answers.period_start if answers.report_type == "type2" else None
    assessment.period_end = answers.period_end if answers.report_type == "type2" else None
    assessment.risk_appetite = int(answers.appetite or 0)


def create_assessment(
    organization: Organization, answers: ScopeAnswers, framework_slug: str = "soc2-2017"
) -> Assessment:
    """Create an assessment from the scope step's answers."""
    problems = scope_problems(answers, _domain_framework(framework_slug))
    if problems:
        raise StepInvalid(problems)
    assessment = Assessment(
        organization_id=organization.id,
        framework_id=_framework(framework_slug).id,
        name=answers.name.strip(),
        step_reached="profile",
    )
    db.session.add(assessment)
    db.session.flush()
    _apply_scope(assessment, answers)
    db.session.flush()
    return assessment


def save_scope(assessment: Assessment, answers: ScopeAnswers) -> None:
    """Save the scope step of an existing assessment."""
    problems = scope_problems(answers, _domain_framework(assessment.framework.slug))
    if problems:
        raise StepInvalid(problems)
    _apply_scope(assessment, answers)
    assessment.step_reached = furthest(assessment.step_reached, "profile")
    db.session.flush()


def save_profile(assessment: Assessment, answers: Mapping[str, bool]) -> list[str]:
    """Save profile answers and add a rating row, at the library default, per newly proposed risk.

    Ratings of risks the answers no longer propose are kept (a user who
    switches an answer back finds their ratings again); the repository leaves
    them out of the assessment while they do not apply. Returns the refs of
    the risks now proposed.
    """
    library = library_repo.read_library(db.session)
    known = set(library.meta.tags)
    assessment.profile = {key: bool(answers.get(key, False)) for key in known}
    refs = proposed_risks(library, assessment.profile)
    existing = set(
        db.session.scalars(
            sa.select(Risk.ref)
            .join(AssessedRisk, AssessedRisk.risk_id == Risk.id)
            .where(AssessedRisk.assessment_id == assessment.id)
        )
    )
    rows = {
        r.ref: r
        for r in db.session.scalars(
            sa.select(Risk).where(Risk.ref.in_(refs), Risk.assessment_id.is_(None))
        )
    }
    for ref in refs:
        if ref not in existing:
            risk = rows[ref]
            db.session.add(
                AssessedRisk(
                    assessment_id=assessment.id,
                    risk_id=risk.id,
                    likelihood=risk.likelihood,
                    impact=risk.impact,
                )
            )
    assessment.step_reached = furthest(assessment.step_reached, "risks")
    db.session.flush()
    return refs


def rate_risk(
    rating: AssessedRisk, likelihood: object, impact: object, excluded: bool, reason: str
) -> None:
    """Save one risk's rating on the risks step."""
    problems = rating_problems(likelihood, impact, excluded, reason)
    if problems:
        raise StepInvalid(problems)
    rating.likelihood = int(likelihood)  # type: ignore[arg-type]
    rating.impact = int(impact)  # type: ignore[arg-type]
    rating.excluded = excluded
    rating.exclusion_reason = reason.strip() if excluded else ""
    db.session.flush()


def save_treatment(rating: AssessedRisk, treatment: str, owner: str, rationale: str) -> None:
    """Save one risk's treatment; completeness above appetite is checked for the whole step."""
    if treatment and treatment not in ("mitigate", "accept", "transfer", "avoid"):
        raise StepInvalid({"treatment": "Choose mitigate, accept, transfer or avoid."})
    rating.treatment = treatment or None
    rating.owner = owner.strip()
    rating.rationale = rationale.strip()
    db.session.flush()


def select_controls(
    assessment: Assessment, refs: Iterable[str], statements: Mapping[str, str]
) -> int:
    """Select library or custom controls by ref; `statements` gives each one's tailored text.

    A control without a statement in `statements` follows its library
    template, rendered live; a given statement is kept as the user's own
    wording. Controls already selected are left as they are. Returns how
    many were added.
    """
    wanted = list(dict.fromkeys(refs))
    controls = {
        c.ref: c
        for c in db.session.scalars(
            sa.select(Control).where(
                Control.ref.in_(wanted),
                sa.or_(Control.assessment_id.is_(None), Control.assessment_id == assessment.id),
                ~Control.retired,
            )
        )
    }
    missing = [ref for ref in wanted if ref not in controls]
    if missing:
        raise NotFound("control", ", ".join(missing))
    chosen = set(
        db.session.scalars(
            sa.select(SelectedControl.control_id).where(
                SelectedControl.assessment_id == assessment.id
            )
        )
    )
    added = 0
    for ref in wanted:
        control = controls[ref]
        if control.id in chosen:
            continue
        db.session.add(
            SelectedControl(
                assessment_id=assessment.id,
                control_id=control.id,
                statement=statements.get(ref) or None,
                statement_base=control.statement if statements.get(ref) else None,
                owner=control.owner_role,
                frequency=control.frequency,
                status=PLANNED,
            )
        )
        added += 1
    # with a control selected, the coverage step has something to show
    reached = "coverage" if added or chosen else "controls"
    assessment.step_reached = furthest(assessment.step_reached, reached)
    db.session.flush()
    return added


def tailor_control(
    selected: SelectedControl,
    statement: str | None,
    owner: str,
    frequency: str,
    status: str,
    na_reason: str,
    *,
    reviewed: bool = False,
) -> None:
    """Save a selected control's own wording (None: follow the template), owner, frequency
    and status; `reviewed` records the user's wording as checked against today's template."""
    statement = clean_text(statement, multiline=True) if statement else None
    owner, na_reason = clean_text(owner), clean_text(na_reason, multiline=True)
    problems = control_problems(status, frequency, na_reason, statement or "")
    if len(owner) > MAX_OWNER:
        problems["owner"] = f"Keep the owner to {MAX_OWNER} characters or fewer."
    if problems:
        raise StepInvalid(problems)
    if statement != selected.statement or reviewed:
        selected.statement_base = selected.control.statement if statement else None
    selected.statement = statement or None
    selected.owner = owner.strip()
    selected.frequency = frequency
    selected.status = status
    selected.na_reason = na_reason.strip() if status == "not-applicable" else ""
    db.session.flush()


def reach(assessment: Assessment, step: str) -> None:
    """Record that the user may now open `step` (never moves backwards)."""
    assessment.step_reached = furthest(assessment.step_reached, step)
    db.session.flush()


def override_residual(
    rating: AssessedRisk, likelihood: int | None, impact: int | None, reason: str
) -> None:
    """Keep a user's residual rating apart from the computed one; blanks clear it."""
    problems = residual_override_problems(likelihood, impact, reason)
    if problems:
        raise StepInvalid(problems)
    given = likelihood is not None and impact is not None
    rating.residual_likelihood_override = likelihood if given else None
    rating.residual_impact_override = impact if given else None
    rating.override_reason = reason.strip() if given else ""
    db.session.flush()


def _next_ref(assessment: Assessment, model: type, prefix: str) -> str:
    taken = set(
        db.session.scalars(sa.select(model.ref).where(model.assessment_id == assessment.id))
    )
    number = 1
    while f"{prefix}-{number:02d}" in taken:
        number += 1
    return f"{prefix}-{number:02d}"


def _text(form: Mapping[str, str], name: str, problems: dict[str, str], label: str) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        problems[name] = f"Enter the {label}."
    return value


def add_custom_risk(assessment: Assessment, form: Mapping[str, str]) -> str:
    """Add a risk of the organisation's own to the assessment, rated as entered."""
    problems: dict[str, str] = {}
    title = _text(form, "title", problems, "risk's title")
    threat = _text(form, "threat", problems, "threat")
    weakness = _text(form, "weakness", problems, "weakness")
    consequence = _text(form, "consequence", problems, "consequence")
    category = form.get("category") or "governance"
    if category not in RISK_CATEGORIES:
        problems["category"] = "Choose a category."
    likelihood, impact = _as_int(form.get("likelihood")), _as_int(form.get("impact"))
    problems.update(rating_problems(likelihood, impact, False, ""))
    if problems:
        raise StepInvalid(problems)
    ref = _next_ref(assessment, Risk, "CR")
    risk = Risk(
        assessment_id=assessment.id,
        ref=ref,
        title=title,
        category=category,
        threat=threat,
        weakness=weakness,
        consequence=consequence,
        likelihood=likelihood,
        impact=impact,
        tags=[],
    )
    db.session.add(risk)
    db.session.flush()
    db.session.add(
        AssessedRisk(
            assessment_id=assessment.id, risk_id=risk.id, likelihood=likelihood, impact=impact
        )
    )
    db.session.flush()
    return ref


EFFECTS = {"preventive": (1, 0), "corrective": (0, 1), "detective": (1, 1)}


def add_custom_control(assessment: Assessment, form: Mapping[str, Any]) -> str:
    """Add a control of the organisation's own, map it to criteria and risks, and select it."""
    problems: dict[str, str] = {}
    title = _text(form, "title", problems, "control's title")
    statement = _text(form, "statement", problems, "statement")
    owner = _text(form, "owner_role", problems, "owner role")
    kind = form.get("type", "")
    nature = form.get("nature", "")
    frequency = form.get("frequency", "")
    if kind not in CONTROL_TYPES:
        problems["type"] = "Choose preventive, detective or corrective."
    if nature not in NATURES:
        problems["nature"] = "Choose manual or automated."
    if frequency not in FREQUENCIES:
        problems["frequency"] = "Choose a frequency."
    getlist = getattr(form, "getlist", lambda name: [])
    criteria_refs, risk_refs = getlist("criteria"), getlist("risks")
    criteria = {
        c.ref: c
        for c in db.session.scalars(
            sa.select(Criterion).where(
                Criterion.framework_id == assessment.framework_id, Criterion.ref.in_(criteria_refs)
            )
        )
    }
    rated = {r.risk.ref: r.risk for r in applicable_ratings(db.session, assessment)}
    if not criteria_refs or set(criteria_refs) - set(criteria):
        problems["criteria"] = "Choose at least one criterion this control satisfies."
    if not risk_refs or set(risk_refs) - set(rated):
        problems["risks"] = "Choose at least one of the assessment's risks it mitigates."
    if problems:
        raise StepInvalid(problems)
    ref = _next_ref(assessment, Control, "CUS")
    control = Control(
        assessment_id=assessment.id,
        ref=ref,
        title=title,
        statement=statement,
        domain="governance",
        type=kind,
        nature=nature,
        frequency=frequency,
        owner_role=owner,
    )
    db.session.add(control)
    db.session.flush()
    for criterion in criteria.values():
        db.session.add(
            ControlCriterion(
                control_id=control.id,
                criterion_id=criterion.id,
                strength="primary",
                assessment_id=assessment.id,
            )
        )
    likelihood, impact = EFFECTS[kind]
    for risk_ref in risk_refs:
        db.session.add(
            ControlRisk(
                control_id=control.id,
                risk_id=rated[risk_ref].id,
                likelihood_effect=likelihood,
                impact_effect=impact,
                assessment_id=assessment.id,
            )
        )
    db.session.flush()
    select_controls(assessment, [ref], {})
    return ref


def _as_int(raw: object) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
