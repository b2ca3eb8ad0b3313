"""Factories for assessments over the small library (tests/factories.py), as domain data."""

from __future__ import annotations

from datetime import date
from typing import Any

from riskapp.domain.assessment.model import AssessmentData, ControlChoice, RiskRating, Scope

SETTINGS = {"system": "Acme Cloud", "ticketing_system": "Jira"}


def type2_scope(**extra: Any) -> Scope:
    """A Type 2 scope over the test framework for calendar year 2026."""
    values: dict[str, Any] = dict(
        framework="testfw",
        categories=("security",),
        report_type="type2",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    return Scope(**{**values, **extra})


def type1_scope(**extra: Any) -> Scope:
    """A Type 1 scope over the test framework as of 2026-06-30."""
    values: dict[str, Any] = dict(framework="testfw", report_type="type1", as_of=date(2026, 6, 30))
    return Scope(**{**values, **extra})


def make_assessment(
    *controls: ControlChoice,
    scope: Scope | None = None,
    risks: list[RiskRating] | None = None,
    settings: dict[str, str] | None = None,
    **extra: Any,
) -> AssessmentData:
    """An assessment of Acme Ltd over the small library; defaults select all three controls."""
    if not controls:
        controls = (
            ControlChoice("CTL-01", owner="Dana Smith", status="implemented"),
            ControlChoice("CTL-02", status="planned"),
            ControlChoice("CTL-03", frequency="monthly", status="partially-implemented"),
        )
    return AssessmentData(
        name=extra.pop("name", "SOC 2 2026"),
        organization=extra.pop("organization", "Acme Ltd"),
        scope=scope or type2_scope(),
        controls=list(controls),
        risks=risks
        if risks is not None
        else [
            RiskRating("R-TST-01", 4, 4, treatment="mitigate", owner="CTO", rationale="Key."),
            RiskRating("R-TST-02", 2, 2, treatment="accept"),
        ],
        settings=dict(SETTINGS if settings is None else settings),
        **extra,
    )
