"""Rules of the guided path: scope, ratings, treatment, control tailoring, steps."""

from __future__ import annotations

from datetime import date

import pytest

from riskapp.domain.assessment.model import RiskRating
from riskapp.domain.assessment.wizard import (
    ScopeAnswers,
    add_months,
    control_problems,
    furthest,
    in_scope_categories,
    next_step,
    period_months_ok,
    rating_problems,
    reached_steps,
    residual_override_problems,
    scope_problems,
    treatment_problems,
)
from riskapp.domain.library.model import Category, Framework

SOC2 = Framework(
    "soc2-2017",
    "SOC 2",
    "2017",
    categories=(
        Category("security", "Security", True),
        Category("availability", "Availability"),
        Category("privacy", "Privacy"),
    ),
    series=(),
)


def scope(**overrides) -> ScopeAnswers:
    values = dict(
        name="SOC 2 2027",
        categories=("availability",),
        report_type="type2",
        as_of=None,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        appetite=9,
    )
    values.update(overrides)
    return ScopeAnswers(**values)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (date(2027, 1, 1), date(2027, 3, 31), True),
        (date(2027, 1, 1), date(2027, 3, 30), False),
        (date(2027, 1, 1), date(2027, 12, 31), True),
        (date(2027, 1, 1), date(2028, 1, 1), False),
        (date(2027, 7, 15), date(2028, 7, 14), True),
    ],
)
def test_type_2_period_is_three_to_twelve_months(start: date, end: date, ok: bool) -> None:
    assert period_months_ok(start, end) is ok


def test_valid_scope_has_no_problems() -> None:
    assert scope_problems(scope(), SOC2) == {}
    assert scope_problems(scope(report_type="type1", as_of=date(2027, 3, 1)), SOC2) == {}


def test_scope_problems_name_each_field() -> None:
    problems = scope_problems(
        scope(name=" ", categories=("moon",), period_end=date(2027, 2, 1), appetite=25), SOC2
    )
    assert problems == {
        "name": "Give the assessment a name.",
        "categories": "Unknown categories: moon.",
        "period_end": "A Type 2 period runs from 3 to 12 months.",
        "appetite": "Risk appetite is a score from 1 to 24.",
    }
    assert scope_problems(scope(report_type="type1"), SOC2) == {
        "as_of": "A Type 1 report needs the date it is as of."
    }
    assert scope_problems(scope(period_end=date(2026, 1, 1)), SOC2)["period_end"] == (
        "The period must end after it starts."
    )


def test_security_is_always_in_scope() -> None:
    assert in_scope_categories(SOC2, ["privacy"]) == ("security", "privacy")


def test_rating_and_exclusion_rules() -> None:
    assert rating_problems(3, 4, False, "") == {}
    assert rating_problems(0, "x", True, " ") == {
        "likelihood": "Rate likelihood from 1 to 5.",
        "impact": "Rate impact from 1 to 5.",
        "exclusion_reason": "Say why this risk does not apply.",
    }


def test_treatment_is_required_above_appetite_only() -> None:
    ratings = [
        RiskRating("R-1", 4, 4),
        RiskRating("R-2", 3, 3),
        RiskRating("R-3", 5, 5, treatment="accept", owner="CEO"),
        RiskRating("R-4", 5, 5, treatment="mitigate", owner="CTO"),
        RiskRating("R-5", 5, 5, excluded=True, exclusion_reason="no office"),
    ]
    assert treatment_problems(ratings, appetite=9) == {
        "R-1": ["Choose a treatment: mitigate, accept, transfer or avoid.", "Name the risk owner."],
        "R-3": ["Explain why the risk is accepted."],
    }


def test_control_tailoring_rules() -> None:
    assert control_problems("implemented", "quarterly", "", "The CTO reviews.") == {}
    assert control_problems("not-applicable", "hourly", "", " ") == {
        "na_reason": "Say why the control does not apply.",
        "frequency": "Choose a frequency: continuous, per-event, daily, weekly, monthly, "
        "quarterly, semi-annual, annual.",
    }
    assert "statement" in control_problems("planned", "", "", "x" * 4001)


def test_residual_override_needs_both_levels_and_a_reason() -> None:
    assert residual_override_problems(None, None, "") == {}
    assert residual_override_problems(2, None, "") == {
        "residual_impact": "Rate impact from 1 to 5.",
        "override_reason": "Say why you override the computed residual rating.",
    }


def test_steps_open_up_to_the_furthest_reached() -> None:
    assert reached_steps("risks") == ("scope", "profile", "risks")
    assert next_step("controls") == "coverage" and next_step("coverage") == "quality"
    assert next_step("quality") is None
    assert furthest("treatment", "profile") == "treatment"
