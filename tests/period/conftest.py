"""Fixtures for the Type 2 period: a 2026 assessment with per-event, monthly, daily controls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from riskapp.extensions import db
from riskapp.models import Assessment, Control, Organization, SelectedControl


@dataclass
class PeriodWorld:
    org: Organization
    assessment: Assessment
    evidence_dir: Path


def population_csv(n: int, *, start_day: int = 0, changed: int | None = None) -> bytes:
    """Return a CSV population of n new hires over 2026 (item `changed` gets a new text)."""
    lines = ["id,date,description,manager"]
    for i in range(start_day, start_day + n):
        month, day = 1 + i % 12, 1 + i % 28
        text = "edited" if i == changed else f"New hire {i}"
        lines.append(f"HR-{i:04d},2026-{month:02d}-{day:02d},{text},Mgr {i % 5}")
    return ("\n".join(lines) + "\n").encode()


def make_period_assessment(org: Organization, name: str = "Type 2 2026") -> Assessment:
    """Return a Type 2 assessment over 2026: CTL-01 per-event, CTL-02 monthly, CTL-03 daily."""
    from riskapp.models import Framework

    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.slug == "testfw"))
    row = Assessment(
        organization_id=org.id,
        framework_id=framework_id,
        name=name,
        report_type="type2",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        categories=["security"],
    )
    db.session.add(row)
    db.session.flush()
    for ref, frequency in (("CTL-01", "per-event"), ("CTL-02", "monthly"), ("CTL-03", "daily")):
        control_id = db.session.scalar(
            sa.select(Control.id).where(Control.ref == ref, Control.assessment_id.is_(None))
        )
        db.session.add(
            SelectedControl(
                assessment_id=row.id,
                control_id=control_id,
                frequency=frequency,
                status="implemented",
            )
        )
    db.session.commit()
    return row


@pytest.fixture
def period_world(
    app: Flask, loaded: Path, make_org: Callable[..., Organization], tmp_path: Path
) -> PeriodWorld:
    app.config["RISKAPP_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    org = make_org("Gamma Ltd")
    return PeriodWorld(org, make_period_assessment(org), tmp_path / "evidence")
