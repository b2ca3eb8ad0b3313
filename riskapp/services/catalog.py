"""Library browsing use cases: the read-only questions behind the library pages."""

from __future__ import annotations

from ..domain.assessment.scoring import MAX_SCORE, inherent_score
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


def risk_scores(likelihood: int, impact: int) -> tuple[int, int]:
    """Return a risk's inherent score and the highest score there is."""
    return inherent_score(likelihood, impact), MAX_SCORE


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
    "risk_scores",
]
