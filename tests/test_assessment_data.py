"""The domain view of an assessment read column by column equals the one read row by row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from riskapp.config import SEED_LIBRARY
from riskapp.domain.assessment.commands import CustomControlInput, CustomRiskInput
from riskapp.domain.assessment.model import (
    AssessmentData,
    ControlChoice,
    CustomContent,
    RiskRating,
    Scope,
)
from riskapp.domain.library import model as dom
from riskapp.extensions import db
from riskapp.models import (
    Assessment,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    EvidenceType,
    Organization,
    PolicyTemplate,
    Risk,
    SelectedControl,
)
from riskapp.repository.assessments import applicable_ratings, to_assessment_data
from riskapp.services import wizard
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library


def _row_by_row(session: Session, assessment: Assessment) -> AssessmentData:
    """The mapping as it was: whole ORM rows behind every rating, choice and custom edge."""
    org = session.get(Organization, assessment.organization_id)
    custom = CustomContent()
    for r in session.scalars(
        sa.select(Risk).where(Risk.assessment_id == assessment.id).order_by(Risk.id)
    ):
        custom.risks.append(
            dom.Risk(
                r.ref, r.title, r.category, r.threat, r.weakness, r.consequence, r.likelihood,
                r.likelihood_rationale, r.impact, r.impact_rationale, tuple(r.tags),
            )
        )  # fmt: skip
    for c in session.scalars(
        sa.select(Control).where(Control.assessment_id == assessment.id).order_by(Control.id)
    ):
        custom.controls.append(
            dom.Control(
                c.ref, c.title, c.statement, c.domain, c.type, c.nature, c.frequency, c.owner_role
            )
        )
    for e in session.scalars(
        sa.select(ControlCriterion)
        .where(ControlCriterion.assessment_id == assessment.id)
        .order_by(ControlCriterion.id)
    ):
        custom.satisfies.append(
            dom.Satisfies(e.control.ref, e.criterion.framework.slug, e.criterion.ref, e.strength)
        )
    for e in session.scalars(
        sa.select(ControlRisk)
        .where(ControlRisk.assessment_id == assessment.id)
        .order_by(ControlRisk.id)
    ):
        custom.mitigates.append(
            dom.Mitigates(e.control.ref, e.risk.ref, e.likelihood_effect, e.impact_effect)
        )
    for e in session.scalars(
        sa.select(ControlEvidence).where(ControlEvidence.assessment_id == assessment.id)
    ):
        custom.evidenced_by.append(dom.EvidencedBy(e.control.ref, e.evidence_type.ref))
    for e in session.scalars(
        sa.select(ControlPolicy).where(ControlPolicy.assessment_id == assessment.id)
    ):
        custom.documented_in.append(dom.DocumentedIn(e.control.ref, e.policy.ref, e.is_primary))
    choices = session.scalars(
        sa.select(SelectedControl)
        .where(SelectedControl.assessment_id == assessment.id)
        .options(selectinload(SelectedControl.control))
        .order_by(SelectedControl.id)
    )
    return AssessmentData(
        id=assessment.id,
        name=assessment.name,
        organization=org.name,
        scope=Scope(
            framework=assessment.framework.slug,
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
                r.risk.ref,
                r.likelihood,
                r.impact,
                r.excluded,
                r.exclusion_reason,
                r.treatment,
                r.owner,
                r.rationale,
                (r.residual_likelihood_override, r.residual_impact_override)
                if r.residual_likelihood_override and r.residual_impact_override
                else None,
                r.override_reason,
            )
            for r in applicable_ratings(session, assessment)
        ],  # fmt: skip
        controls=[
            ControlChoice(
                ref=c.control.ref,
                statement=c.statement or "",
                statement_base=c.statement_base or "",
                owner=c.owner,
                frequency=c.frequency,
                status=c.status,
                na_reason=c.na_reason,
            )
            for c in choices
        ],
        custom=custom,
    )


def test_the_demo_with_custom_content_reads_the_same_column_by_column(app) -> None:
    load_library(SEED_LIBRARY)
    _org_id, assessment_id = create_demo("Demo Co")
    assessment = db.session.get(Assessment, assessment_id)
    risk_ref = wizard.add_custom_risk(
        assessment,
        CustomRiskInput(title="Badge cloning", threat="A visitor", weakness="Old badges",
                        consequence="Office entry", category="physical", likelihood=3, impact=2),
    )  # fmt: skip
    rated = applicable_ratings(db.session, assessment)
    wizard.add_custom_control(
        assessment,
        CustomControlInput(title="Badge audit", statement="Each month the office manager audits.",
                           owner_role="Office Manager", type="detective", nature="manual",
                           frequency="monthly", criteria=("CC6.4",),
                           risks=(risk_ref, rated[0].risk.ref)),
    )  # fmt: skip
    control = db.session.scalar(sa.select(Control).where(Control.assessment_id == assessment_id))
    evidence = db.session.scalar(sa.select(EvidenceType).limit(1))
    policy = db.session.scalar(sa.select(PolicyTemplate).limit(1))
    db.session.add_all(
        [
            ControlEvidence(
                control_id=control.id, evidence_type_id=evidence.id, assessment_id=assessment_id
            ),
            ControlPolicy(
                control_id=control.id,
                policy_id=policy.id,
                is_primary=True,
                assessment_id=assessment_id,
            ),
        ]
    )
    db.session.flush()
    ratings = applicable_ratings(db.session, assessment)
    ratings[0].residual_likelihood_override, ratings[0].residual_impact_override = 1, 2
    db.session.flush()

    new = to_assessment_data(db.session, assessment)
    old = _row_by_row(db.session, assessment)
    # the fields both readings define; settings, systems and exclusions come from elsewhere
    for name in ("id", "name", "organization", "scope", "profile", "risks", "controls", "custom"):
        assert getattr(new, name) == getattr(old, name), name
    assert new.custom.risks and new.custom.controls and new.custom.satisfies
    assert new.custom.mitigates and new.custom.evidenced_by and new.custom.documented_in
    assert any(r.residual_override == (1, 2) for r in new.risks)
    assert len(new.controls) > 20


def test_the_library_read_column_by_column_is_the_library_loaded(app) -> None:
    from riskapp.domain.library.loader import parse_library
    from riskapp.repository.library import read_library

    load_library(SEED_LIBRARY)
    parsed = parse_library(SEED_LIBRARY)
    read = read_library(db.session)
    assert read.controls == parsed.controls and read.risks == parsed.risks
    assert read.criteria == parsed.criteria and read.evidence == parsed.evidence
    assert read.policies == parsed.policies and read.frameworks == parsed.frameworks
    for edges in ("satisfies", "mitigates", "evidenced_by", "documented_in"):
        assert sorted(getattr(read, edges), key=repr) == sorted(getattr(parsed, edges), key=repr)
    assert read.meta.tags == parsed.meta.tags


def test_a_new_process_reads_the_library_built_once_per_release(app, tmp_path) -> None:
    from riskapp.repository import library as library_repo

    load_library(SEED_LIBRARY)
    library_repo.share_built_libraries(tmp_path / "shared")
    try:
        library_repo._CACHE.clear()
        built = library_repo.cached_library(db.session)
        assert len(list((tmp_path / "shared").glob("library-*.pickle"))) == 1
        library_repo._CACHE.clear()  # as in a new worker process
        shared = library_repo.cached_library(db.session)
        assert shared == built and shared is not built
        (next((tmp_path / "shared").glob("library-*.pickle"))).write_bytes(b"torn")
        library_repo._CACHE.clear()
        assert library_repo.cached_library(db.session) == built  # rebuilt, not trusted
    finally:
        library_repo.share_built_libraries(None)
