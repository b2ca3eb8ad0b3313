"""Map an assessment's rows to the domain's AssessmentData (and custom content)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.assessment.applicability import active_tags, is_applicable
from ..domain.assessment.model import (
    AssessmentData,
    ControlChoice,
    CustomContent,
    RiskRating,
    Scope,
)
from ..domain.errors import NotFound
from ..domain.library import model as dom
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    Organization,
    PolicyTemplate,
    Risk,
    SelectedControl,
)


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """Return an assessment by id, whatever its organisation (CLI and services only)."""
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFound("assessment", assessment_id)
    return row


def _custom_content(session: Session, assessment_id: int) -> CustomContent:
    """Return the assessment's own risks, controls and edges, reading only the columns used."""
    custom = CustomContent()
    risk_columns = (
        Risk.ref, Risk.title, Risk.category, Risk.threat, Risk.weakness, Risk.consequence,
        Risk.likelihood, Risk.likelihood_rationale, Risk.impact, Risk.impact_rationale, Risk.tags,
    )  # fmt: skip
    for r in session.execute(
        sa.select(*risk_columns).where(Risk.assessment_id == assessment_id).order_by(Risk.id)
    ):
        custom.risks.append(dom.Risk(*r[:-1], tags=tuple(r.tags or ())))
    control_columns = (
        Control.ref, Control.title, Control.statement, Control.domain, Control.type,
        Control.nature, Control.frequency, Control.owner_role,
    )  # fmt: skip
    for c in session.execute(
        sa.select(*control_columns)
        .where(Control.assessment_id == assessment_id)
        .order_by(Control.id)
    ):
        custom.controls.append(dom.Control(*c))
    for e in session.execute(
        sa.select(Control.ref, Framework.slug, Criterion.ref, ControlCriterion.strength)
        .select_from(ControlCriterion)
        .join(Control, Control.id == ControlCriterion.control_id)
        .join(Criterion, Criterion.id == ControlCriterion.criterion_id)
        .join(Framework, Framework.id == Criterion.framework_id)
        .where(ControlCriterion.assessment_id == assessment_id)
        .order_by(ControlCriterion.id)
    ):
        custom.satisfies.append(dom.Satisfies(*e))
    for e in session.execute(
        sa.select(Control.ref, Risk.ref, ControlRisk.likelihood_effect, ControlRisk.impact_effect)
        .select_from(ControlRisk)
        .join(Control, Control.id == ControlRisk.control_id)
        .join(Risk, Risk.id == ControlRisk.risk_id)
        .where(ControlRisk.assessment_id == assessment_id)
        .order_by(ControlRisk.id)
    ):
        custom.mitigates.append(dom.Mitigates(*e))
    for e in session.execute(
        sa.select(Control.ref, EvidenceType.ref)
        .select_from(ControlEvidence)
        .join(Control, Control.id == ControlEvidence.control_id)
        .join(EvidenceType, EvidenceType.id == ControlEvidence.evidence_type_id)
        .where(ControlEvidence.assessment_id == assessment_id)
        .order_by(ControlEvidence.id)
    ):
        custom.evidenced_by.append(dom.EvidencedBy(*e))
    for e in session.execute(
        sa.select(Control.ref, PolicyTemplate.ref, ControlPolicy.is_primary)
        .select_from(ControlPolicy)
        .join(Control, Control.id == ControlPolicy.control_id)
        .join(PolicyTemplate, PolicyTemplate.id == ControlPolicy.policy_id)
        .where(ControlPolicy.assessment_id == assessment_id)
        .order_by(ControlPolicy.id)
    ):
        custom.documented_in.append(dom.DocumentedIn(*e))
    return custom


def applicable_ratings(session: Session, assessment: Assessment) -> list[AssessedRisk]:
    """Return the assessment's rating rows for risks that apply under its profile.

    Custom risks always apply; a library risk applies when it has no tags or a
    profile answer switched one of its tags on.
    """
    active = active_tags(assessment.profile or {})
    rows = session.scalars(
        sa.select(AssessedRisk)
        .join(Risk, Risk.id == AssessedRisk.risk_id)
        .where(AssessedRisk.assessment_id == assessment.id)
        .options(selectinload(AssessedRisk.risk))
        .order_by(Risk.assessment_id.is_not(None), Risk.position, AssessedRisk.id)
    )
    return [
        r
        for r in rows
        if r.risk.assessment_id is not None or is_applicable(tuple(r.risk.tags), active)
    ]


def _rating_rows(session: Session, assessment: Assessment) -> list[sa.Row]:
    """Return the columns of the applicable ratings, in `applicable_ratings`' order."""
    active = active_tags(assessment.profile or {})
    rows = session.execute(
        sa.select(
            Risk.ref,
            Risk.tags,
            Risk.assessment_id.is_not(None).label("custom"),
            AssessedRisk.likelihood,
            AssessedRisk.impact,
            AssessedRisk.excluded,
            AssessedRisk.exclusion_reason,
            AssessedRisk.treatment,
            AssessedRisk.owner,
            AssessedRisk.rationale,
            AssessedRisk.residual_likelihood_override,
            AssessedRisk.residual_impact_override,
            AssessedRisk.override_reason,
        )
        .select_from(AssessedRisk)
        .join(Risk, Risk.id == AssessedRisk.risk_id)
        .where(AssessedRisk.assessment_id == assessment.id)
        .order_by(Risk.assessment_id.is_not(None), Risk.position, AssessedRisk.id)
    )
    return [r for r in rows if r.custom or is_applicable(tuple(r.tags or ()), active)]


def to_assessment_data(session: Session, assessment: Assessment) -> AssessmentData:
    """Return the domain view of an assessment: scope, ratings, choices, custom content.

    Only the columns the domain needs are read (no library row is loaded whole):
    at 5,000 selected controls, loading each selection's full `Control` row
    took most of the coverage page's time.
    """
    org = session.get(Organization, assessment.organization_id)
    framework = session.scalar(
        sa.select(Framework.slug).where(Framework.id == assessment.framework_id)
    )
    choices = session.execute(
        sa.select(
            Control.ref,
            SelectedControl.statement,
            SelectedControl.owner,
            SelectedControl.frequency,
            SelectedControl.status,
            SelectedControl.na_reason,
        )
        .select_from(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == assessment.id)
        .order_by(SelectedControl.id)
    )
    return AssessmentData(
        id=assessment.id,
        name=assessment.name,
        organization=org.name if org else "",
        scope=Scope(
            framework=framework or "",
            categories=tuple(assessment.categories or ()),
            report_type=assessment.report_type,
            as_of=assessment.as_of_date,
            period_start=assessment.period_start,
            period_end=assessment.period_end,
            appetite=assessment.risk_appetite,
        ),
        profile=dict(assessment.profile or {}),
        risks=[
            RiskRating(
                ref=r.ref,
                likelihood=r.likelihood,
                impact=r.impact,
                excluded=r.excluded,
                exclusion_reason=r.exclusion_reason,
                treatment=r.treatment,
                owner=r.owner,
                rationale=r.rationale,
                residual_override=(
                    (r.residual_likelihood_override, r.residual_impact_override)
                    if r.residual_likelihood_override and r.residual_impact_override
                    else None
                ),
                override_reason=r.override_reason,
            )
            for r in _rating_rows(session, assessment)
        ],
        controls=[ControlChoice(*c) for c in choices],
        custom=_custom_content(session, assessment.id),
        settings={k: str(v) for k, v in (org.settings or {}).items() if isinstance(v, str)}
        if org
        else {},
    )
