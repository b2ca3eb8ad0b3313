"""Occurrences per frequency over a Type 2 period, with their due windows."""

from __future__ import annotations

from datetime import date

import pytest

from riskapp.domain.period.evidence import outside_window
from riskapp.domain.period.occurrences import (
    EVERY_DAY,
    POPULATION,
    SNAPSHOT,
    Occurrence,
    occurrences,
)

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("frequency", "count"),
    [("annual", 1), ("semi-annual", 2), ("quarterly", 4), ("monthly", 12), ("weekly", 53)],
)
def test_periodic_frequencies_over_a_calendar_year(frequency: str, count: int) -> None:
    found = occurrences(frequency, *YEAR)
    assert len(found) == count
    assert found[0].window_start == YEAR[0]
    assert found[-1].window_end == YEAR[1]
    for before, after in zip(found, found[1:], strict=False):
        assert (after.window_start - before.window_end).days == 1


def test_quarterly_windows_are_the_calendar_quarters() -> None:
    found = occurrences("quarterly", *YEAR)
    assert [(o.window_start, o.due) for o in found] == [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
    ]


def test_weekly_has_a_short_last_week_cut_at_the_period_end() -> None:
    last = occurrences("weekly", *YEAR)[-1]
    assert (last.window_start, last.window_end) == (date(2026, 12, 31), date(2026, 12, 31))


def test_an_annual_control_over_six_months_owes_one_occurrence() -> None:
    found = occurrences("annual", date(2026, 1, 1), date(2026, 6, 30))
    assert found == [Occurrence(1, "instance", date(2026, 1, 1), date(2026, 6, 30))]


def test_monthly_from_the_31st_uses_each_months_last_day() -> None:
    found = occurrences("monthly", date(2026, 1, 31), date(2026, 4, 29))
    assert [(o.window_start, o.window_end) for o in found] == [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 30)),
        (date(2026, 3, 31), date(2026, 4, 29)),
    ]


def test_daily_counts_business_days_by_default_or_every_day() -> None:
    assert len(occurrences("daily", *YEAR)) == 261  # 2026: 365 days, 104 weekend days
    assert len(occurrences("daily", *YEAR, daily_mode=EVERY_DAY)) == 365
    saturday = date(2026, 1, 3)
    assert all(o.window_start != saturday for o in occurrences("daily", *YEAR))


def test_continuous_controls_owe_a_quarterly_configuration_snapshot() -> None:
    found = occurrences("continuous", *YEAR)
    assert [o.kind for o in found] == [SNAPSHOT] * 4


def test_per_event_controls_owe_one_population_over_the_whole_period() -> None:
    assert occurrences("per-event", *YEAR) == [Occurrence(1, POPULATION, *YEAR)]


def test_unknown_frequency_and_backwards_period_are_refused() -> None:
    with pytest.raises(ValueError, match="fortnightly"):
        occurrences("fortnightly", *YEAR)
    with pytest.raises(ValueError, match="before"):
        occurrences("monthly", YEAR[1], YEAR[0])


def test_evidence_effective_outside_its_window_is_flagged() -> None:
    q2 = occurrences("quarterly", *YEAR)[1]
    assert not outside_window(date(2026, 4, 1), q2)
    assert not outside_window(date(2026, 6, 30), q2)
    assert outside_window(date(2026, 3, 31), q2)
    assert outside_window(date(2026, 7, 1), q2)
    assert not outside_window(None, q2)
