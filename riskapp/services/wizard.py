"""Use cases of the guided path: each saves one step's answers, or says why it cannot.

Functions validate with the domain rules first and write nothing when there
is a problem (they raise `StepInvalid` with field-keyed messages); otherwise
they flush, and `commit` is called once by the caller at the request or
command boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from ..domain.assessment.applicability import proposed_risks
from ..domain.assessment.commands import (
    EFFECTS,
    CustomControlInput,
    CustomRiskInput,
    custom_control_problems,
    custom_risk_problems,
)
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
from ..domain.library.model import Framework as DomainFramework
from ..domain.textsafety import clean_text
from ..extensions import db
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    ControlCriterion,
    ControlRisk,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)
from ..models.limits import length_problem
from ..repository import library as library_repo
from ..repository import wizard as repo
from ..repository.assessments import applicable_ratings


class StepInvalid(RiskappError):
    """A step's answers break a rule; `problems` maps field (or ref) to messages."""

    def __init__(self, problems: Mapping[str, object]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


def _framework(slug: str) -> Framework:
    return repo.framework_row(db.session, slug)


def _domain_framework(slug: str) -> DomainFramework:
    library = library_repo.cached_library(db.session)
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
    library = library_repo.cached_library(db.session)
    known = set(library.meta.tags)
    assessment.profile = {key: bool(answers.get(key, False)) for key in known}
    refs = proposed_risks(library, assessment.profile)
    existing = repo.rated_risk_refs(db.session, assessment.id)
    new = [ref for ref in refs if ref not in existing]
    if new:
        db.session.flush()  # the assessment row first
        repo.add_default_ratings(db.session, assessment.id, new)
        db.session.expire(assessment, ["risks"])  # reloaded with the new rows when next read
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
    rating.likelihood = cast(int, likelihood)  # rating_problems made sure it is an int
    rating.impact = cast(int, impact)
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
    controls = repo.selectable_controls(db.session, assessment.id, wanted)
    missing = [ref for ref in wanted if ref not in controls]
    if missing:
        raise NotFound("control", ", ".join(missing))
    chosen = repo.selected_control_ids(db.session, assessment.id)
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
    if message := length_problem("owner", owner, SelectedControl.owner):
        problems["owner"] = message
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
    taken = repo.custom_refs(db.session, model, assessment.id)
    number = 1
    while f"{prefix}-{number:02d}" in taken:
        number += 1
    return f"{prefix}-{number:02d}"


def add_custom_risk(assessment: Assessment, entry: CustomRiskInput) -> str:
    """Add a risk of the organisation's own to the assessment, rated as entered."""
    if problems := custom_risk_problems(entry):
        raise StepInvalid(problems)
    ref = _next_ref(assessment, Risk, "CR")
    risk = Risk(assessment_id=assessment.id, ref=ref, tags=[])
    _apply_risk(risk, entry)
    db.session.add(risk)
    db.session.flush()
    db.session.add(
        AssessedRisk(
            assessment_id=assessment.id,
            risk_id=risk.id,
            likelihood=entry.likelihood,
            impact=entry.impact,
        )
    )
    db.session.flush()
    return ref


def _apply_risk(risk: Risk, entry: CustomRiskInput) -> None:
    risk.title = entry.title.strip()
    risk.category = entry.category
    risk.threat = entry.threat.strip()
    risk.weakness = entry.weakness.strip()
    risk.consequence = entry.consequence.strip()
    risk.likelihood = entry.likelihood  # type: ignore[assignment]
    risk.impact = entry.impact  # type: ignore[assignment]


def edit_custom_risk(assessment: Assessment, ref: str, entry: CustomRiskInput) -> None:
    """Change a custom risk's text, category and levels.

    Its rating row takes the new levels only when they differ from the ones
    entered before, so a rating changed on the risks table survives an edit
    of the risk's wording.
    """
    risk = repo.custom_risk(db.session, assessment.id, ref)
    if problems := custom_risk_problems(entry):
        raise StepInvalid(problems)
    levels_changed = (risk.likelihood, risk.impact) != (entry.likelihood, entry.impact)
    _apply_risk(risk, entry)
    rating = repo.rating_of(db.session, assessment.id, risk.id)
    if rating is not None and levels_changed:
        rating.likelihood = entry.likelihood  # type: ignore[assignment]
        rating.impact = entry.impact  # type: ignore[assignment]
    db.session.flush()


def delete_custom_risk(assessment: Assessment, ref: str) -> None:
    """Delete a custom risk, its rating and the controls' links to it."""
    repo.delete_custom_risk(db.session, repo.custom_risk(db.session, assessment.id, ref))


def _control_problems(assessment: Assessment, entry: CustomControlInput) -> tuple[dict, dict]:
    criteria = repo.criteria_of(db.session, assessment.framework_id, entry.criteria)
    rated = {r.risk.ref: r.risk for r in applicable_ratings(db.session, assessment)}
    if problems := custom_control_problems(entry, set(criteria), set(rated)):
        raise StepInvalid(problems)
    return criteria, rated


def _apply_control(control: Control, entry: CustomControlInput) -> None:
    control.title = entry.title.strip()
    control.statement = entry.statement.strip()
    control.owner_role = entry.owner_role.strip()
    control.type = entry.type
    control.nature = entry.nature
    control.frequency = entry.frequency


def _link(
    assessment: Assessment, control: Control, criteria: dict, rated: dict, entry: CustomControlInput
) -> None:
    """Make the control's criteria and risk links exactly those of `entry`."""
    have_criteria = {link.criterion_id: link for link in control.criteria_links}
    for criterion in criteria.values():
        if criterion.id not in have_criteria:
            db.session.add(
                ControlCriterion(
                    control_id=control.id,
                    criterion_id=criterion.id,
                    strength="primary",
                    assessment_id=assessment.id,
                )
            )
    wanted_criteria = {c.id for c in criteria.values()}
    for criterion_id, link in have_criteria.items():
        if criterion_id not in wanted_criteria:
            db.session.delete(link)
    likelihood, impact = EFFECTS[entry.type]
    have_risks = {link.risk_id: link for link in control.risk_links}
    wanted_risks = {rated[ref].id for ref in entry.risks}
    for risk_ref in dict.fromkeys(entry.risks):
        risk_id = rated[risk_ref].id
        mitigation = have_risks.get(risk_id)
        if mitigation is None:
            db.session.add(
                ControlRisk(
                    control_id=control.id,
                    risk_id=risk_id,
                    likelihood_effect=likelihood,
                    impact_effect=impact,
                    assessment_id=assessment.id,
                )
            )
        elif (mitigation.likelihood_effect, mitigation.impact_effect) != (likelihood, impact):
            mitigation.likelihood_effect, mitigation.impact_effect = likelihood, impact
    for risk_id, old in have_risks.items():
        if risk_id not in wanted_risks:
            db.session.delete(old)
    db.session.flush()


def add_custom_control(assessment: Assessment, entry: CustomControlInput) -> str:
    """Add a control of the organisation's own, map it to criteria and risks, and select it."""
    criteria, rated = _control_problems(assessment, entry)
    ref = _next_ref(assessment, Control, "CUS")
    control = Control(assessment_id=assessment.id, ref=ref, domain="governance")
    _apply_control(control, entry)
    db.session.add(control)
    db.session.flush()
    _link(assessment, control, criteria, rated, entry)
    select_controls(assessment, [ref], {})  # no wording of its own: it follows the control
    return ref


def edit_custom_control(assessment: Assessment, ref: str, entry: CustomControlInput) -> None:
    """Change a custom control and its mappings.

    A selection without wording of its own (statement NULL) follows the new
    text when next rendered; the user's own wording is kept, and its
    `statement_base` shows the card that the template changed under it.
    """
    control = repo.custom_control(db.session, assessment.id, ref)
    criteria, rated = _control_problems(assessment, entry)
    _apply_control(control, entry)
    _link(assessment, control, criteria, rated, entry)
    db.session.flush()
    db.session.expire(control, ["criteria_links", "risk_links"])


def delete_custom_control(assessment: Assessment, ref: str) -> None:
    """Delete a custom control, its selection and every mapping from it."""
    repo.delete_custom_control(db.session, repo.custom_control(db.session, assessment.id, ref))
