"""Use cases of the guided path: each saves one step's answers, or says why it cannot.

Functions validate with the domain rules first and write nothing when there
is a problem (they raise `StepInvalid` with field-keyed messages); otherwise
they flush, and `commit` is called once by the caller at the request or
command boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from ..domain.applicability import proposed_risks
from ..domain.assessment import PLANNED
from ..domain.errors import NotFound, RiskappError
from ..domain.wizard import (
    ScopeAnswers,
    control_problems,
    furthest,
    in_scope_categories,
    rating_problems,
    scope_problems,
)
from ..extensions import db
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)
from ..repository import library as library_repo


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

    Controls already selected are left as they are. Returns how many were added.
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
                statement=statements.get(ref, control.statement),
                owner=control.owner_role,
                frequency=control.frequency,
                status=PLANNED,
            )
        )
        added += 1
    assessment.step_reached = furthest(assessment.step_reached, "controls")
    db.session.flush()
    return added


def tailor_control(
    selected: SelectedControl,
    statement: str,
    owner: str,
    frequency: str,
    status: str,
    na_reason: str,
) -> None:
    """Save a selected control's tailored statement, owner, frequency and status."""
    problems = control_problems(status, frequency, na_reason, statement)
    if problems:
        raise StepInvalid(problems)
    selected.statement = statement.strip()
    selected.owner = owner.strip()
    selected.frequency = frequency
    selected.status = status
    selected.na_reason = na_reason.strip() if status == "not-applicable" else ""
    db.session.flush()
