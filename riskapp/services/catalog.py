"""Library browsing use cases: the read-only questions behind the library pages."""

from __future__ import annotations

from ..repository.catalog import (
    control,
    controls,
    controls_documented_in,
    controls_for_criterion,
    criteria_with_counts,
    criterion,
    evidence_type,
    framework,
    frameworks,
    policies,
    policy,
    risk,
    risks,
)

__all__ = [
    "control",
    "controls",
    "controls_documented_in",
    "controls_for_criterion",
    "criteria_with_counts",
    "criterion",
    "evidence_type",
    "framework",
    "frameworks",
    "policies",
    "policy",
    "risk",
    "risks",
]
