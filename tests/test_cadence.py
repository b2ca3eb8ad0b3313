"""Stated cadence: the words of a statement against the control's frequency."""

from __future__ import annotations

import pytest

from riskapp.domain.statements.cadence import cadence_conflicts, stated_cadences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The owner reviews the report quarterly.", {"quarterly"}),
        ("Each quarter, the owner reviews the report.", {"quarterly"}),
        ("At the end of each quarter the owner exports the policy.", {"quarterly"}),
        ("The owner checks it every month.", {"monthly"}),
        ("A monthly review of the report.", {"monthly"}),
        ("The plan is approved annually.", {"annual"}),
        ("Each year the plan is approved.", {"annual"}),
        ("At least once a year the owner confirms it.", {"annual"}),
        ("The owner reviews overdue tickets every week.", {"weekly"}),
        ("A weekly review.", {"weekly"}),
        ("Backups run daily.", {"daily"}),
        ("A rule scans the logs every day.", {"daily"}),
        ("The owner checks it each business day.", {"daily"}),
        ("A semi-annual review.", {"semi-annual"}),
        ("The owner reviews it every six months.", {"semi-annual"}),
        ("Each half-year the owner reviews it.", {"semi-annual"}),
        ("The owner reviews it every 3 months.", {"quarterly"}),
        ("The owner reviews it every twelve months.", {"annual"}),
        ("Monthly reports feed the quarterly review.", {"monthly", "quarterly"}),
    ],
)
def test_named_cadences_are_recognised(text: str, expected: set[str]) -> None:
    assert stated_cadences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Access is removed within one business day of termination.",
        "The secret is rotated within 24 hours.",
        "Requests are completed within 30 days.",
        "Any key older than 90 days is rotated.",
        "Keys are rotated every 90 days.",
        "Logs are kept for at least 12 months.",
        "The status page is updated at least every hour.",
        "External checks probe the API every minute.",
        "Drift detection runs at least once every 24 hours.",
        "Scans run on every push and on each build.",
        "Each {frequency}, the owner reviews the report.",
        "Staff complete training on the first day of work.",
    ],
)
def test_deadlines_ages_and_triggers_are_not_cadences(text: str) -> None:
    assert stated_cadences(text) == set()


def test_semi_annual_is_not_also_read_as_annual() -> None:
    assert stated_cadences("A semi-annual review; half-yearly sign-off.") == {"semi-annual"}


def test_every_six_months_is_not_read_as_monthly() -> None:
    assert stated_cadences("every six months") == {"semi-annual"}


def test_matching_frequency_has_no_conflict() -> None:
    assert cadence_conflicts("Each quarter, the owner reviews the log.", "quarterly") == []


def test_the_frequency_placeholder_is_the_controls_own_cadence() -> None:
    text = "Each {frequency}, the owner reviews the log."
    for frequency in ("daily", "monthly", "annual", "continuous", "per-event"):
        assert cadence_conflicts(text, frequency) == []


def test_a_hard_coded_cadence_conflicts_with_a_tailored_frequency() -> None:
    conflicts = cadence_conflicts("Each {frequency}, x; at the end of each quarter, y.", "monthly")
    assert conflicts == ["'each quarter' reads as quarterly, but the frequency is monthly"]


def test_a_continuous_control_with_a_periodic_step_conflicts() -> None:
    text = "MFA is enforced at every sign-in; the owner exports the report each quarter."
    [message] = cadence_conflicts(text, "continuous")
    assert "'each quarter' reads as quarterly" in message
    assert "continuous" in message


def test_a_per_event_control_with_a_weekly_review_conflicts() -> None:
    text = "Each finding is logged on receipt; the owner reviews overdue tickets every week."
    assert len(cadence_conflicts(text, "per-event")) == 1


def test_a_deadline_never_conflicts() -> None:
    text = "Within 30 days of a request, and within 24 hours of a withdrawal, the owner acts."
    assert cadence_conflicts(text, "per-event") == []


def test_each_phrase_is_reported_once() -> None:
    text = "Each quarter x; each quarter y; monthly z."
    assert len(cadence_conflicts(text, "annual")) == 2


def test_case_and_line_breaks_do_not_matter() -> None:
    assert stated_cadences("EVERY\n  Quarter the owner checks.") == {"quarterly"}
