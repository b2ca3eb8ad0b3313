"""The deviation rule against the issue's worked cases, and readiness per criterion."""

from __future__ import annotations

from datetime import date, timedelta

from riskapp.domain.testing.conclusion import (
    DID_NOT_OCCUR,
    EFFECTIVE,
    EXCEPTIONS,
    INCOMPLETE,
    INEFFECTIVE,
    NOT_TESTED,
    ControlFacts,
    Deviation,
    Missing,
    check_override,
    conclude,
)
from riskapp.domain.testing.readiness import (
    CRITERION_NOT_OPERATING,
    CRITERION_NOT_YET,
    CRITERION_OPERATING,
    criterion_status,
    timeline,
)
from riskapp.domain.testing.results import DEVIATION, PASSED, ResultInput, check_result

START, END = date(2026, 1, 1), date(2026, 12, 31)


def _facts(frequency: str = "per-event", **kw: object) -> ControlFacts:
    return ControlFacts("CHG-01", frequency, START, END, **kw)  # type: ignore[arg-type]


def _dev(item: str, day: date, cause: str = "", **kw: object) -> Deviation:
    return Deviation(
        "CHG-01", item, day, day + timedelta(days=30), "merged without review", cause=cause, **kw
    )  # type: ignore[arg-type]


def test_no_deviation_over_a_tested_sample_is_effective() -> None:
    found = conclude(_facts(to_test=25, tested=25))
    assert found.conclusion == EFFECTIVE
    assert "25 item(s) tested, no deviation" in found.reason


def test_clustered_misses_with_a_cause_are_isolated_exceptions() -> None:
    cause = "change freeze week: the backup reviewer was not assigned"
    misses = tuple(
        _dev(f"PR-{i}", date(2026, 6, 8 + i), cause, involves=f"dev{i}") for i in range(3)
    )
    found = conclude(_facts(to_test=100, tested=100, deviations=misses))
    assert found.conclusion == EXCEPTIONS
    assert "3 isolated deviation(s)" in found.reason and "still effective" in found.reason


def test_a_nineteen_percent_rate_is_systematic() -> None:
    cause = "reviewer approvals not enforced"
    misses = tuple(_dev(f"PR-{i}", date(2026, 6, 1 + i % 5), cause) for i in range(19))
    found = conclude(_facts(to_test=100, tested=100, deviations=misses))
    assert found.conclusion == INEFFECTIVE
    assert "deviation rate of 19% (19 of 100 tested) above 5%" in found.reason


def test_the_rate_needs_a_population_of_twenty() -> None:
    miss = (_dev("#2", date(2026, 6, 30), "reviewer on leave", nature="late"),)
    found = conclude(_facts("quarterly", to_test=4, tested=4, deviations=miss))
    assert found.conclusion == EXCEPTIONS  # 25% of 4 is not a rate the rule reads


def test_one_late_quarterly_review_is_an_exception() -> None:
    late = (_dev("#2", date(2026, 6, 30), "reviewer on leave; done 9 days late", nature="late"),)
    found = conclude(_facts("quarterly", to_test=4, tested=4, deviations=late))
    assert found.conclusion == EXCEPTIONS


def test_one_missing_quarter_is_ineffective() -> None:
    missing = (Missing("CHG-01", 2, date(2026, 4, 1), date(2026, 6, 30)),)
    found = conclude(_facts("quarterly", to_test=3, tested=3, missing=missing))
    assert found.conclusion == INEFFECTIVE
    assert "occurrence #2 (2026-04-01 to 2026-06-30)" in found.reason
    assert "record a reason" in found.reason
    recorded = _dev("#3", date(2026, 9, 30), "nobody scheduled it", nature="missed")
    assert conclude(_facts("annual", to_test=1, tested=1, deviations=(recorded,))).conclusion == (
        INEFFECTIVE
    )


def test_an_empty_population_did_not_occur() -> None:
    found = conclude(_facts(population_empty=True))
    assert found.conclusion == DID_NOT_OCCUR
    assert not found.operating


def test_systematic_triggers_each_decide() -> None:
    one = date(2026, 3, 2)
    design = conclude(_facts(to_test=25, tested=25, deviations=(_dev("A", one, "x", design=True),)))
    assert design.conclusion == INEFFECTIVE and "design-level cause" in design.reason
    again = (_dev("A", one, "no backup"), _dev("B", one + timedelta(days=90), "No  backup"))
    recurring = conclude(_facts(to_test=100, tested=100, deviations=again))
    assert "recurring cause" in recurring.reason
    same = (_dev("A", one, "x", involves="alice"), _dev("B", one, "y", involves="Alice"))
    assert "concentration" in conclude(_facts(to_test=100, tested=100, deviations=same)).reason
    spread = (_dev("A", one, "x"), _dev("B", date(2026, 8, 3), "y"))
    assert "persistence" in conclude(_facts(to_test=100, tested=100, deviations=spread)).reason


def test_a_deviation_without_cause_is_not_isolated() -> None:
    found = conclude(_facts(to_test=100, tested=100, deviations=(_dev("PR-9", date(2026, 5, 5)),)))
    assert found.conclusion == INEFFECTIVE
    assert "no identified cause for PR-9" in found.reason


def test_untested_items_leave_the_conclusion_open() -> None:
    assert conclude(_facts(to_test=25, tested=0)).conclusion == NOT_TESTED
    found = conclude(_facts(to_test=25, tested=20))
    assert found.conclusion == INCOMPLETE and "5 of 25 items are untested" in found.reason


def test_a_missing_monthly_occurrence_counts_as_an_uncaused_deviation() -> None:
    missing = (Missing("CHG-01", 3, date(2026, 3, 1), date(2026, 3, 31)),)
    found = conclude(_facts("monthly", to_test=2, tested=2, missing=missing))
    assert found.conclusion == INEFFECTIVE and "no identified cause for #3" in found.reason


def test_concluding_softer_needs_a_reason() -> None:
    assert "reason" in check_override(EFFECTIVE, "  ", INEFFECTIVE)
    assert check_override(EFFECTIVE, "the quarter had no access changes", INEFFECTIVE) == {}
    assert check_override(INEFFECTIVE, "", EFFECTIVE) == {}  # harder needs none
    assert "conclusion" in check_override("great", "", EFFECTIVE)


def test_a_remediated_deviation_stays_a_deviation() -> None:
    problems = check_result(ResultInput(PASSED), previous_outcome=DEVIATION)
    assert "stays one" in problems["outcome"]
    assert (
        check_result(
            ResultInput(DEVIATION, "missed", date(2026, 7, 1), response="re-reviewed"),
            previous_outcome=DEVIATION,
        )
        == {}
    )
    assert "found_on" in check_result(ResultInput(DEVIATION, "missed"), previous_outcome=None)


def test_criterion_status_follows_its_primary_controls() -> None:
    assert criterion_status([EFFECTIVE, EXCEPTIONS]) == CRITERION_OPERATING
    assert criterion_status([EFFECTIVE, INEFFECTIVE]) == CRITERION_NOT_OPERATING
    assert criterion_status([EFFECTIVE, INCOMPLETE]) == CRITERION_NOT_YET
    assert criterion_status([EFFECTIVE, DID_NOT_OCCUR]) == CRITERION_OPERATING


def test_the_timeline_is_cumulative_per_month() -> None:
    months = [(2026, 1), (2026, 2), (2026, 3)]
    found = timeline(
        months,
        [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)],
        [date(2026, 2, 3), date(2026, 2, 4)],
    )
    assert found.months == ("2026-01", "2026-02", "2026-03")
    assert found.due == (1, 2, 3) and found.collected == (0, 2, 2)


def test_a_schedule_counts_due_evidenced_and_overdue() -> None:
    from riskapp.domain.period.occurrences import occurrences
    from riskapp.domain.testing.readiness import schedule

    planned = occurrences("quarterly", START, END)
    evidenced = {("instance", date(2026, 1, 1), date(2026, 3, 31)): date(2026, 4, 2)}
    found = schedule(planned, evidenced, today=date(2026, 7, 15))
    assert (found.due_now, found.due_total, found.evidenced) == (2, 4, 1)
    assert [o.number for o in found.overdue] == [2]
    assert found.collected_days == (date(2026, 4, 2),)


def test_the_readiness_figure_leaves_out_what_did_not_occur() -> None:
    from riskapp.domain.testing.conclusion import Conclusion
    from riskapp.domain.testing.readiness import ControlReadiness, readiness_figure

    def row(final: str) -> ControlReadiness:
        return ControlReadiness(
            "X", "x", "monthly", 0, 0, 0, 0, 0, 0, 0, Conclusion(final, ""), final
        )

    found = readiness_figure(
        [row(EFFECTIVE), row(EXCEPTIONS), row(INEFFECTIVE), row(DID_NOT_OCCUR)]
    )
    assert (found.operating, found.counted, found.percent) == (2, 3, 67)
