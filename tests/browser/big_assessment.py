"""A live server on the shipped library holding an assessment at its largest: 150 selected
controls, and every long text a user can store filled to its limit with unbroken text.

Used by the layout and accessibility browser tests; no test lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from riskapp.app import create_app
from riskapp.cli import upgrade_database
from riskapp.domain.accounts.passwords import hash_password
from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    Control,
    Membership,
    Organization,
    Risk,
    SelectedControl,
    User,
)
from riskapp.services import wizard
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD

SEED_LIBRARY = Path(__file__).resolve().parents[2] / "seed_library"
SELECTED = 150
LONG_TEXT = 10_000  # what a user may paste into a text box
OWNER_EMAIL = "layout@example.com"


def unbroken(length: int, word: str = "Longword") -> str:
    """Return `length` characters with no space to break a line at."""
    return (word * (length // len(word) + 1))[:length]


def column_full(column: sa.orm.InstrumentedAttribute) -> str:
    """Return unbroken text as long as the column holds (LONG_TEXT for a text column)."""
    length = getattr(column.property.columns[0].type, "length", None)
    return unbroken(length or LONG_TEXT)


@dataclass(frozen=True)
class BigAssessment:
    organization_id: int
    assessment_id: int
    custom_risk: str
    custom_control: str


def big_app(tmp_path: Path) -> Flask:
    """Return an app over a fresh SQLite database holding the shipped library."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'big.db'}",
            "SECRET_KEY": "browser-test",
            "RISKAPP_PASSWORD_HASH": FAST_PASSWORD_HASH,
            "RISKAPP_SIGNUP": True,
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        upgrade_database()
        load_library(SEED_LIBRARY)
        db.session.commit()
    return app


def seed_big_assessment(app: Flask) -> BigAssessment:
    """Create the demo organisation with an owner, 150 selected controls and long texts."""
    with app.app_context():
        org_id, assessment_id = create_demo()
        org = db.session.get(Organization, org_id)
        assert org is not None
        org.name = "Longname Ltd " + unbroken(60)
        user = User(
            email=OWNER_EMAIL,
            name="Layout Lead",
            password_hash=hash_password(PASSWORD, FAST_PASSWORD_HASH),
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(organization_id=org_id, user_id=user.id, role="owner"))
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        assessment.name = "SOC 2 " + column_full(Assessment.name)[:120]
        taken = set(
            db.session.scalars(
                sa.select(SelectedControl.control_id).where(
                    SelectedControl.assessment_id == assessment_id
                )
            )
        )
        more = db.session.scalars(
            sa.select(Control.ref)
            .where(Control.assessment_id.is_(None), Control.id.not_in(taken))
            .order_by(Control.ref)
            .limit(SELECTED - len(taken) - 1)
        )
        wizard.select_controls(assessment, list(more), {})
        custom_risk = _long_custom_risk(assessment)
        custom_control = _long_custom_control(assessment)
        _long_answers(assessment_id)
        count = db.session.scalar(
            sa.select(sa.func.count()).where(SelectedControl.assessment_id == assessment_id)
        )
        assert count == SELECTED, count
        db.session.commit()
        return BigAssessment(org_id, assessment_id, custom_risk, custom_control)


def _long_custom_risk(assessment: Assessment) -> str:
    risk = Risk(
        assessment_id=assessment.id,
        ref="CR-01",
        title=column_full(Risk.title),
        category="governance",
        threat=column_full(Risk.threat),
        weakness=column_full(Risk.weakness),
        consequence=column_full(Risk.consequence),
        likelihood=4,
        impact=4,
        tags=[],
    )
    db.session.add(risk)
    db.session.flush()
    db.session.add(
        AssessedRisk(
            assessment_id=assessment.id,
            risk_id=risk.id,
            likelihood=4,
            impact=4,
            treatment="mitigate",
            owner=column_full(AssessedRisk.owner),
            rationale=column_full(AssessedRisk.rationale),
        )
    )
    db.session.flush()
    return risk.ref


def _long_custom_control(assessment: Assessment) -> str:
    control = Control(
        assessment_id=assessment.id,
        ref="CUS-01",
        title=column_full(Control.title),
        statement=column_full(Control.statement),
        owner_role=column_full(Control.owner_role),
        domain="governance",
        type="preventive",
        nature="manual",
        frequency="annual",
    )
    db.session.add(control)
    db.session.flush()
    wizard.select_controls(assessment, [control.ref], {})
    return control.ref


def _long_answers(assessment_id: int) -> None:
    """Fill one selected control and one rating with the longest answers a user can give."""
    first = db.session.scalars(
        sa.select(SelectedControl)
        .where(SelectedControl.assessment_id == assessment_id)
        .order_by(SelectedControl.id)
    ).first()
    assert first is not None
    first.statement = column_full(SelectedControl.statement)
    first.owner = column_full(SelectedControl.owner)
    first.status = "not-applicable"
    first.na_reason = column_full(SelectedControl.na_reason)
    rating = db.session.scalars(
        sa.select(AssessedRisk)
        .where(AssessedRisk.assessment_id == assessment_id, AssessedRisk.treatment.is_not(None))
        .order_by(AssessedRisk.id)
    ).first()
    assert rating is not None
    rating.owner = column_full(AssessedRisk.owner)
    rating.rationale = column_full(AssessedRisk.rationale)
    db.session.flush()


__all__ = ["OWNER_EMAIL", "PASSWORD", "BigAssessment", "big_app", "seed_big_assessment"]
