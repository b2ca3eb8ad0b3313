"""Scoring rules: inherent score, bands, residual from control effects."""

from __future__ import annotations

import pytest

from riskapp.domain.assessment.scoring import (
    DEFAULT_BANDS,
    Band,
    Effect,
    band_for,
    band_problems,
    inherent_score,
    needs_treatment,
    residual,
)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (16, "high"),
        (17, "critical"),
        (25, "critical"),
    ],
)
def test_default_bands_cover_the_boundaries(score: int, band: str) -> None:
    assert band_for(score) == band


def test_inherent_score_is_likelihood_times_impact() -> None:
    assert inherent_score(4, 5) == 20
    with pytest.raises(ValueError, match="likelihood must be from 1 to 5, got 0"):
        inherent_score(0, 3)


def test_band_table_must_tile_one_to_twenty_five() -> None:
    assert band_problems(DEFAULT_BANDS) == []
    gap = (Band("low", 1, 4), Band("high", 6, 25))
    assert band_problems(gap) == ["band 'high' must start at 5, not 6"]
    short = (Band("low", 1, 4), Band("high", 5, 20))
    assert band_problems(short) == ["the last band must end at 25"]
    custom = (Band("green", 1, 6), Band("amber", 7, 14), Band("red", 15, 25))
    assert band_for(6, custom) == "green" and band_for(15, custom) == "red"


def test_preventive_lowers_likelihood_and_corrective_lowers_impact() -> None:
    result = residual(
        4, 4, [Effect("preventive", 2, 2, "implemented"), Effect("corrective", 1, 1, "implemented")]
    )
    assert (result.likelihood, result.impact) == (2, 3)


def test_detective_lowers_what_the_library_gives_and_levels_stop_at_one() -> None:
    result = residual(
        3, 2, [Effect("detective", 1, 1, "implemented"), Effect("preventive", 3, 0, "implemented")]
    )
    assert (result.likelihood, result.impact) == (1, 1)
    assert result.score == 1


def test_planned_controls_only_move_the_target() -> None:
    result = residual(
        5,
        4,
        [
            Effect("preventive", 2, 0, "implemented"),
            Effect("preventive", 1, 0, "planned"),
            Effect("corrective", 0, 2, "partially-implemented"),
            Effect("corrective", 0, 3, "not-applicable"),
        ],
    )
    assert (result.likelihood, result.impact, result.score) == (3, 4, 12)
    assert (result.target_likelihood, result.target_impact, result.target_score) == (2, 2, 4)


def test_risks_above_appetite_need_treatment() -> None:
    assert needs_treatment(10, 9) is True
    assert needs_treatment(9, 9) is False


def test_assessment_residuals_follow_selected_controls(mini_library) -> None:
    from riskapp.domain.assessment.model import AssessmentData, ControlChoice, RiskRating, Scope
    from riskapp.domain.assessment.scoring import assessment_residuals
    from riskapp.domain.library.loader import parse_library

    library = parse_library(mini_library)
    # CTL-01 and CTL-02 are detective: R-TST-01 -1 likelihood each, R-TST-02 -1 impact each
    data = AssessmentData(
        name="A",
        organization="Acme",
        scope=Scope("testfw"),
        risks=[RiskRating("R-TST-01", 4, 4), RiskRating("R-TST-02", 3, 3)],
        controls=[
            ControlChoice("CTL-01", status="implemented"),
            ControlChoice("CTL-02", status="planned"),
        ],
    )
    result = assessment_residuals(library, data)
    assert (result["R-TST-01"].likelihood, result["R-TST-01"].target_likelihood) == (3, 2)
    assert (result["R-TST-02"].impact, result["R-TST-02"].target_impact) == (2, 1)


def test_bands_round_trip_as_text() -> None:
    from riskapp.domain.assessment.scoring import format_bands, parse_bands

    assert format_bands(DEFAULT_BANDS) == "low 1-4, medium 5-9, high 10-16, critical 17-25"
    bands, problems = parse_bands("green 1-6, amber 7-14, red 15-25")
    assert problems == [] and band_for(15, bands) == "red"
    assert parse_bands("green 1-6, red 8-25")[1] == ["band 'red' must start at 7, not 8"]
    assert parse_bands("green one-six")[1][0].startswith("Write each band as 'name low-high'")
