"""The evidence plan: due dates per frequency, sample sizes, rows per control and evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from riskapp.domain.assessment.model import ControlChoice, CustomContent
from riskapp.domain.evidence.plan import (
    due_dates,
    evidence_plan,
    planning_frequency,
    sample_size,
)
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Control, Library
from tests.assessment_factories import make_assessment, type1_scope, type2_scope
from tests.factories import Files, make_library

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def library(mini_library: Path) -> Library:
    return parse_library(mini_library)


def test_quarterly_over_a_calendar_year_is_due_at_each_quarter_end() -> None:
    assert due_dates("quarterly", *YEAR) == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]


@pytest.mark.parametrize(
    ("frequency", "count", "first", "last"),
    [
        ("annual", 1, date(2026, 12, 31), date(2026, 12, 31)),
        ("semi-annual", 2, date(2026, 6, 30), date(2026, 12, 31)),
        ("monthly", 12, date(2026, 1, 31), date(2026, 12, 31)),
        ("weekly", 52, date(2026, 1, 7), date(2026, 12, 30)),
        ("daily", 365, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_one_instance_per_whole_sub_period(
    frequency: str, count: int, first: date, last: date
) -> None:
    dates = due_dates(frequency, *YEAR)
    assert (len(dates), dates[0], dates[-1]) == (count, first, last)


def test_a_partial_sub_period_at_the_end_owes_nothing() -> None:
    assert due_dates("quarterly", date(2026, 1, 1), date(2026, 12, 30))[-1] == date(2026, 9, 30)
    assert due_dates("annual", date(2026, 1, 1), date(2026, 6, 30)) == []
    assert due_dates("monthly", date(2026, 5, 1), date(2026, 4, 1)) == []


def test_periods_starting_on_a_late_day_end_on_short_months_last_day() -> None:
    assert due_dates("monthly", date(2026, 1, 31), date(2026, 4, 30)) == [
        date(2026, 2, 28),
        date(2026, 3, 30),
        date(2026, 4, 30),
    ]
    assert due_dates("quarterly", date(2026, 4, 1), date(2027, 3, 31))[-1] == date(2027, 3, 31)


@pytest.mark.parametrize("frequency", ["continuous", "per-event", "hourly"])
def test_due_dates_refuses_non_periodic_frequencies(frequency: str) -> None:
    with pytest.raises(ValueError, match="not a periodic frequency"):
        due_dates(frequency, *YEAR)


@pytest.mark.parametrize(
    ("population", "sample"),
    [(0, 0), (1, 1), (5, 5), (6, 5), (50, 5), (51, 6), (100, 10), (250, 25), (251, 25), (9000, 25)],
)
def test_sample_size_follows_the_usual_rule(population: int, sample: int) -> None:
    assert sample_size(population) == sample


def test_sample_size_refuses_a_negative_population() -> None:
    with pytest.raises(ValueError):
        sample_size(-1)


def test_type2_quarterly_control_gives_four_dated_rows(library: Library) -> None:
    plan = evidence_plan(library, make_assessment(ControlChoice("CTL-01", owner="Dana")))
    assert [(r.control, r.evidence, r.instance_label, r.due) for r in plan] == [
        ("CTL-01", "EV-ONE", "1 of 4", date(2026, 3, 31)),
        ("CTL-01", "EV-ONE", "2 of 4", date(2026, 6, 30)),
        ("CTL-01", "EV-ONE", "3 of 4", date(2026, 9, 30)),
        ("CTL-01", "EV-ONE", "4 of 4", date(2026, 12, 31)),
    ]
    assert {(r.owner, r.population, r.sample, r.kind) for r in plan} == {("Dana", 4, 4, "instance")}
    assert plan[0].evidence_title == "Access review record"
    assert plan[0].collection == "Exported by the IT Manager."


def test_tailored_frequency_wins_and_each_evidence_type_gets_rows(library: Library) -> None:
    plan = evidence_plan(library, make_assessment(ControlChoice("CTL-03", frequency="semi-annual")))
    assert [(r.evidence, r.due) for r in plan] == [
        ("EV-ONE", date(2026, 6, 30)),
        ("EV-ONE", date(2026, 12, 31)),
        ("EV-TWO", date(2026, 6, 30)),
        ("EV-TWO", date(2026, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("frequency", "population", "sample"), [("per-event", 52, 6), ("continuous", 365, 25)]
)
def test_trigger_controls_give_one_population_row_with_its_sample(
    library: Library, frequency: str, population: int, sample: int
) -> None:
    (row,) = evidence_plan(library, make_assessment(ControlChoice("CTL-02", frequency=frequency)))
    assert (row.kind, row.population, row.sample, row.due) == (
        "population",
        population,
        sample,
        date(2026, 12, 31),
    )
    assert "Estimated population" in row.note


def test_a_frequency_longer_than_the_period_still_owes_one_instance(library: Library) -> None:
    scope = type2_scope(period_end=date(2026, 6, 30))
    (row,) = evidence_plan(
        library, make_assessment(ControlChoice("CTL-01", frequency="annual"), scope=scope)
    )
    assert (row.instance_label, row.due) == ("1 of 1", date(2026, 6, 30))


def test_not_applicable_and_unknown_controls_are_left_out(library: Library) -> None:
    plan = evidence_plan(
        library,
        make_assessment(
            ControlChoice("CTL-01", status="not-applicable", na_reason="No staff."),
            ControlChoice("CTL-GONE"),
        ),
    )
    assert plan == []


def test_type1_gives_one_row_per_control_and_evidence_as_of_the_date(library: Library) -> None:
    plan = evidence_plan(library, make_assessment(scope=type1_scope()))
    assert [(r.control, r.evidence, r.kind, r.due, r.sample) for r in plan] == [
        ("CTL-01", "EV-ONE", "point-in-time", date(2026, 6, 30), 1),
        ("CTL-02", "EV-ONE", "point-in-time", date(2026, 6, 30), 1),
        ("CTL-03", "EV-ONE", "point-in-time", date(2026, 6, 30), 1),
        ("CTL-03", "EV-TWO", "point-in-time", date(2026, 6, 30), 1),
    ]


def test_a_custom_control_without_evidence_gets_a_row_asking_for_one(library: Library) -> None:
    custom = Control(
        "C-01", "Custom", "The {owner} does it.", "operations", "preventive", "manual",
        "weekly", "COO",
    )  # fmt: skip
    assessment = make_assessment(
        ControlChoice("C-01"), scope=type1_scope(), custom=CustomContent(controls=[custom])
    )
    (row,) = evidence_plan(library, assessment)
    assert (row.control, row.evidence, row.owner) == ("C-01", "", "COO")
    assert "No evidence type" in row.note


@pytest.mark.parametrize(
    ("default", "tailored", "evidence", "planned"),
    [
        ("quarterly", "quarterly", "quarterly", "quarterly"),
        ("quarterly", "monthly", "quarterly", "monthly"),  # tailoring wins for its own artefact
        ("continuous", "continuous", "quarterly", "quarterly"),  # export of an always-on setting
        ("per-event", "per-event", "monthly", "monthly"),
        ("quarterly", "quarterly", "per-event", "quarterly"),  # items inspected by each check
        ("monthly", "monthly", "quarterly", "quarterly"),  # board minutes of a monthly review
        ("annual", "annual", "quarterly", "annual"),
        ("continuous", "continuous", "per-event", "per-event"),
        ("continuous", "continuous", "", "continuous"),
    ],
)
def test_planning_frequency_keeps_an_artefacts_own_cadence(
    default: str, tailored: str, evidence: str, planned: str
) -> None:
    assert planning_frequency(default, tailored, evidence) == planned


def test_continuous_control_with_a_quarterly_export_owes_four_exports(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        files["controls/controls.yaml"]["controls"][0]["frequency"] = "continuous"

    library = parse_library(make_library(tmp_path / "lib", mutate))
    plan = evidence_plan(library, make_assessment(ControlChoice("CTL-01")))
    assert [(r.instance_label, r.frequency) for r in plan] == [
        ("1 of 4", "quarterly"),
        ("2 of 4", "quarterly"),
        ("3 of 4", "quarterly"),
        ("4 of 4", "quarterly"),
    ]
    assert plan[0].note.startswith("Planned at the evidence's own cadence (quarterly)")
