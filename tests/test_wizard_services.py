"""The guided path's use cases on the shipped library, and the demo they build."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from riskapp.config import SEED_LIBRARY
from riskapp.domain.assessment.wizard import ScopeAnswers
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.statements.render import tailored_statement
from riskapp.extensions import db
from riskapp.models import AssessedRisk, Assessment, Organization, Risk, SelectedControl
from riskapp.repository import library as library_repo
from riskapp.repository.assessments import applicable_ratings, to_assessment_data
from riskapp.services import wizard
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library


@pytest.fixture
def seeded(app):
    load_library(SEED_LIBRARY)
    return app


def scope(**overrides) -> ScopeAnswers:
    values = dict(
        name="SOC 2 2027",
        categories=("availability",),
        report_type="type1",
        as_of=date(2027, 6, 30),
        period_start=None,
        period_end=None,
        appetite=9,
    )
    values.update(overrides)
    return ScopeAnswers(**values)


def new_assessment() -> Assessment:
    org = Organization(name="Acme")
    db.session.add(org)
    db.session.flush()
    return wizard.create_assessment(org, scope())


def test_invalid_scope_writes_nothing(seeded) -> None:
    org = Organization(name="Acme")
    db.session.add(org)
    db.session.flush()
    with pytest.raises(wizard.StepInvalid) as caught:
        wizard.create_assessment(org, scope(name="", appetite=30))
    assert caught.value.problems == {
        "name": "Give the assessment a name.",
        "appetite": "Risk appetite is a score from 1 to 24.",
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0


def test_scope_keeps_security_in_and_profile_proposes_risks(seeded) -> None:
    assessment = new_assessment()
    assert assessment.categories == ["security", "availability"]
    library = library_repo.read_library(db.session)
    untagged = [ref for ref, r in library.risks.items() if not r.tags]
    refs = wizard.save_profile(assessment, {})
    assert refs == untagged
    cloud = wizard.save_profile(assessment, {"cloud-hosted": True})
    assert set(untagged) < set(cloud)
    assert "R-IAM-03" in cloud
    assert assessment.step_reached == "risks"
    # one rating per proposed risk, at the library's default, in the library's order
    rows = db.session.execute(
        sa.select(
            AssessedRisk.risk_id,
            AssessedRisk.likelihood,
            AssessedRisk.impact,
            AssessedRisk.excluded,
            AssessedRisk.exclusion_reason,
            AssessedRisk.treatment,
        )
        .where(AssessedRisk.assessment_id == assessment.id)
        .order_by(AssessedRisk.id)
    ).all()
    ids = dict(
        db.session.execute(sa.select(Risk.ref, Risk.id).where(Risk.assessment_id.is_(None))).all()
    )
    first = [ref for ref in library.risks if ref in untagged]
    later = [ref for ref in library.risks if ref in cloud and ref not in untagged]
    assert [r.risk_id for r in rows] == [ids[ref] for ref in first + later]
    assert {
        ref: (r.likelihood, r.impact, r.excluded, r.exclusion_reason, r.treatment)
        for ref, r in zip(first + later, rows, strict=True)
    } == {
        ref: (library.risks[ref].likelihood, library.risks[ref].impact, False, "", None)
        for ref in first + later
    }


def test_switching_an_answer_off_hides_but_keeps_a_rating(seeded) -> None:
    assessment = new_assessment()
    wizard.save_profile(assessment, {"cloud-hosted": True})
    rating = next(r for r in applicable_ratings(db.session, assessment) if r.risk.ref == "R-IAM-03")
    wizard.rate_risk(rating, 5, 2, False, "")
    wizard.save_profile(assessment, {"cloud-hosted": False})
    assert "R-IAM-03" not in [r.risk.ref for r in applicable_ratings(db.session, assessment)]
    wizard.save_profile(assessment, {"cloud-hosted": True})
    again = next(r for r in applicable_ratings(db.session, assessment) if r.risk.ref == "R-IAM-03")
    assert (again.id, again.likelihood, again.impact) == (rating.id, 5, 2)


def test_bad_rating_is_rejected_and_leaves_the_row_unchanged(seeded) -> None:
    assessment = new_assessment()
    wizard.save_profile(assessment, {})
    rating = applicable_ratings(db.session, assessment)[0]
    before = (rating.likelihood, rating.impact, rating.excluded)
    with pytest.raises(wizard.StepInvalid) as caught:
        wizard.rate_risk(rating, 9, 2, True, "")
    assert caught.value.problems == {
        "likelihood": "Rate likelihood from 1 to 5.",
        "exclusion_reason": "Say why this risk does not apply.",
    }
    assert (rating.likelihood, rating.impact, rating.excluded) == before


def test_tailoring_rules_are_enforced(seeded) -> None:
    assessment = new_assessment()
    wizard.select_controls(assessment, ["IAM-05"], {"IAM-05": "Each quarter the IT Manager …"})
    selected = db.session.scalar(sa.select(SelectedControl))
    with pytest.raises(wizard.StepInvalid):
        wizard.tailor_control(selected, "x", "Jo", "quarterly", "not-applicable", "")
    wizard.tailor_control(selected, "Reviewed by Jo", "Jo", "monthly", "implemented", "")
    assert (selected.owner, selected.frequency, selected.status) == ("Jo", "monthly", "implemented")


def test_demo_builds_a_covered_type_2_assessment(seeded) -> None:
    org_id, assessment_id = create_demo("Demo Co", today=date(2027, 3, 1))
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.organization_id == org_id
    assert (assessment.report_type, assessment.period_start, assessment.period_end) == (
        "type2",
        date(2027, 1, 1),
        date(2027, 12, 31),
    )
    assert assessment.categories == ["security", "availability"]
    data = to_assessment_data(db.session, assessment)
    coverage = compute_coverage(library_repo.read_library(db.session), data)
    assert coverage.overall.total == 36
    assert coverage.overall.gap == 0
    assert coverage.unmitigated_risks == []
    # Every seventh chosen control stays planned (demo.PLANNED_EVERY), so some criteria
    # are partial by design; the rest are covered. How many depends on the library.
    assert coverage.overall.partial > 0
    assert coverage.overall.covered >= 0.75 * coverage.overall.total
    library = library_repo.read_library(db.session)
    statements = [
        tailored_statement(data, library.controls[c.ref], c)
        for c in data.controls
        if c.ref in library.controls
    ]
    assert all("{" not in s and "[" not in s for s in statements)
    assert any("Okta" in s for s in statements)
    mitigated = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AssessedRisk)
        .where(AssessedRisk.assessment_id == assessment_id, AssessedRisk.treatment == "mitigate")
    )
    assert mitigated > 0


def test_demo_command_prints_ids_as_json(seeded, runner) -> None:
    import json

    result = runner.invoke(args=["demo", "--org", "Json Co", "--json"])
    assert result.exit_code == 0, result.output
    ids = json.loads(result.output)
    assessment = db.session.get(Assessment, ids["assessment_id"])
    assert assessment.organization_id == ids["organization_id"]
    assert db.session.get(Organization, ids["organization_id"]).name == "Json Co"
