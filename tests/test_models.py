"""Database rules the models promise: foreign keys, unique refs, custom rows per assessment."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from riskapp.extensions import db
from riskapp.models import Assessment, Control, Criterion, Framework, Organization


def control_row(**overrides) -> Control:
    values = dict(
        ref="CTL-01",
        title="t",
        statement="s",
        domain="operations",
        type="preventive",
        nature="manual",
        frequency="annual",
        owner_role="CTO",
    )
    values.update(overrides)
    return Control(**values)


def test_foreign_keys_are_enforced(app) -> None:
    db.session.add(
        Criterion(
            framework_id=9999, ref="X1", series="X", category="security", title="t", description="d"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_library_refs_are_unique(loaded: Path) -> None:
    db.session.add(control_row())
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_custom_control_may_reuse_a_ref_inside_its_own_assessment_only(loaded: Path) -> None:
    org = Organization(name="Acme")
    db.session.add(org)
    db.session.flush()
    framework_id = db.session.scalar(sa.select(Framework.id))
    first, second = (
        Assessment(organization_id=org.id, framework_id=framework_id, name=n) for n in ("A", "B")
    )
    db.session.add_all([first, second])
    db.session.flush()
    db.session.add_all(
        [
            control_row(ref="C-CUSTOM", assessment_id=first.id),
            control_row(ref="C-CUSTOM", assessment_id=second.id),
        ]
    )
    db.session.flush()
    db.session.add(control_row(ref="C-CUSTOM", assessment_id=first.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_an_assessment_removes_its_custom_rows(loaded: Path) -> None:
    org = Organization(name="Acme")
    db.session.add(org)
    db.session.flush()
    assessment = Assessment(
        organization_id=org.id, name="A", framework_id=db.session.scalar(sa.select(Framework.id))
    )
    db.session.add(assessment)
    db.session.flush()
    db.session.add(control_row(ref="C-CUSTOM", assessment_id=assessment.id))
    db.session.commit()
    db.session.delete(assessment)
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Control).where(Control.ref == "C-CUSTOM")
        )
        == 0
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Control)) == 3
