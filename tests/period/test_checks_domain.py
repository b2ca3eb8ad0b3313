"""The check vocabulary against hand-made populations, boundaries included; the loader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from riskapp.domain.library.loader import read_library
from riskapp.domain.period.fingerprint import Item
from riskapp.domain.testing.checks import CheckSpec, business_days_between, run_checks
from riskapp.domain.testing.reconcile import reconcile
from tests.factories import Files, make_library

FRI, SAT, SUN, MON, TUE = (date(2026, 3, d) for d in (6, 7, 8, 9, 10))


def _item(ident: str, day: date = MON, **extra: str) -> Item:
    return Item(ident, day, f"item {ident}", extra)


def _failures(spec: CheckSpec, items: list[Item], columns=None) -> dict[str, str]:
    cols = columns if columns is not None else sorted({k for i in items for k in i.extra})
    run = run_checks([spec], items, cols)
    return {f.item_id: f.message for f in run.failures}


# --- date_not_after ---------------------------------------------------------------------------

NOT_AFTER = CheckSpec("approved-before-merge", "date_not_after", a="approved_at", b="merged_at")


def test_date_not_after_passes_on_equal_dates_and_fails_a_day_late() -> None:
    items = [
        _item("PR-1", approved_at="2026-03-09", merged_at="2026-03-09"),
        _item("PR-2", approved_at="2026-03-08", merged_at="2026-03-09"),
        _item("PR-3", approved_at="2026-03-10", merged_at="2026-03-09"),
    ]
    assert _failures(NOT_AFTER, items) == {
        "PR-3": "approved_at 2026-03-10 is after merged_at 2026-03-09"
    }


def test_date_not_after_compares_times_when_both_cells_have_them() -> None:
    items = [
        _item("PR-1", approved_at="2026-03-09T10:00:00", merged_at="2026-03-09T10:00:00"),
        _item("PR-2", approved_at="2026-03-09T14:05:00", merged_at="2026-03-09T13:00:00"),
        _item("PR-3", approved_at="2026-03-09T14:05:00", merged_at="2026-03-09"),
    ]
    failed = _failures(NOT_AFTER, items)
    assert list(failed) == ["PR-2"]  # PR-3: one side has no time, so days are compared


def test_missing_and_unreadable_cells_fail_with_the_reason() -> None:
    items = [
        _item("PR-1", approved_at="", merged_at="2026-03-09"),
        _item("PR-2", approved_at="09/03/2026", merged_at="2026-03-09"),
        _item("PR-3", merged_at="2026-03-09"),  # the cell is absent from the row
    ]
    assert _failures(NOT_AFTER, items, ["approved_at", "merged_at"]) == {
        "PR-1": "approved_at is empty",
        "PR-2": "approved_at '09/03/2026' is not a date (use YYYY-MM-DD)",
        "PR-3": "approved_at is empty",
    }


def test_a_column_the_population_lacks_stops_the_check_once() -> None:
    run = run_checks([NOT_AFTER], [_item("PR-1", approved_at="2026-03-09")], ["approved_at"])
    assert run.failures == ()
    assert run.cannot_run == (
        ("approved-before-merge", "the population has no column merged_at; import a file with it"),
    )


# --- within_days ------------------------------------------------------------------------------

ONE_BUSINESS_DAY = CheckSpec(
    "removed-in-time", "within_days", a="date", b="disabled_at", days=1, business=True
)


def test_business_days_skip_the_weekend() -> None:
    assert business_days_between(FRI, MON) == 1
    assert business_days_between(FRI, SAT) == 0
    assert business_days_between(FRI, TUE) == 2
    assert business_days_between(MON, date(2026, 3, 13)) == 4  # Monday to Friday
    assert business_days_between(MON, date(2026, 3, 23)) == 10  # two whole weeks
    assert business_days_between(TUE, FRI) == business_days_between(FRI, TUE)


def test_exactly_one_business_day_across_a_weekend_passes_and_two_fail() -> None:
    items = [
        _item("LV-1", FRI, disabled_at=MON.isoformat()),  # exactly 1 business day
        _item("LV-2", FRI, disabled_at=SUN.isoformat()),  # 0
        _item("LV-3", FRI, disabled_at=FRI.isoformat()),  # the same day
        _item("LV-4", FRI, disabled_at=TUE.isoformat()),  # 2
        _item("LV-5", FRI, disabled_at=""),
    ]
    assert _failures(ONE_BUSINESS_DAY, items) == {
        "LV-4": "date 2026-03-06 and disabled_at 2026-03-10 are 2 business days apart (at most 1)",
        "LV-5": "disabled_at is empty",
    }


def test_calendar_days_count_the_weekend_and_either_order() -> None:
    spec = CheckSpec("trained", "within_days", a="date", b="trained_at", days=30)
    items = [
        _item("HR-1", date(2026, 1, 1), trained_at="2026-01-31"),  # exactly 30
        _item("HR-2", date(2026, 1, 1), trained_at="2026-02-01"),  # 31
        _item("HR-3", date(2026, 1, 31), trained_at="2026-01-01"),  # 30, before the start
    ]
    assert _failures(spec, items) == {
        "HR-2": "date 2026-01-01 and trained_at 2026-02-01 are 31 days apart (at most 30)"
    }


# --- differs, in_list, not_empty --------------------------------------------------------------


def test_differs_ignores_case_and_spaces_and_fails_empty_cells() -> None:
    spec = CheckSpec("reviewer-not-author", "differs", a="reviewer", b="author")
    items = [
        _item("PR-1", reviewer="ana", author="ben"),
        _item("PR-2", reviewer=" Ana ", author="ana"),
        _item("PR-3", reviewer="", author="ana"),
    ]
    assert _failures(spec, items) == {
        "PR-2": "reviewer and author are both 'Ana'",
        "PR-3": "reviewer is empty",
    }


def test_in_list_and_not_empty() -> None:
    in_list = CheckSpec("passed", "in_list", field="result", values=("passed", "clear"))
    not_empty = CheckSpec("ticket", "not_empty", field="ticket")
    items = [
        _item("HR-1", result="Passed", ticket="T-1"),
        _item("HR-2", result="pending", ticket="  "),
        _item("HR-3", result="", ticket="T-3"),
    ]
    assert _failures(in_list, items) == {
        "HR-2": "result 'pending' is not one of: passed, clear",
        "HR-3": "result is empty",
    }
    assert _failures(not_empty, items) == {"HR-2": "ticket is empty"}


def test_a_check_can_read_the_populations_own_columns() -> None:
    spec = CheckSpec("described", "not_empty", field="description")
    items = [Item("A", MON, "text"), Item("B", MON, "")]
    assert _failures(spec, items, []) == {"B": "description is empty"}


# --- reconciliation ---------------------------------------------------------------------------


def test_reconcile_lists_what_is_in_one_source_only() -> None:
    leavers = [_item("E-1"), _item("E-2"), _item("E-3")]
    disabled = [
        _item("acc-1", employee_id="e-1"),
        _item("acc-3", employee_id="E-3 "),
        _item("acc-9", employee_id="E-9"),
    ]
    result = reconcile(leavers, "id", disabled, "employee_id")
    assert result.matched == 2
    assert [(m.side, m.key, m.item_id) for m in result.mismatches] == [
        ("population", "e-2", "E-2"),
        ("second source", "e-9", "acc-9"),
    ]
    assert result.unexplained({("second source", "e-9")}) == result.mismatches[:1]
    assert result.mismatches[1].written == "E-9"


def test_every_item_with_an_empty_key_is_listed() -> None:
    leavers = [_item("E-1", person=""), _item("E-2", person=""), _item("E-3", person="p3")]
    disabled = [_item("acc-3", person="P3")]
    result = reconcile(leavers, "person", disabled, "person")
    assert result.matched == 1
    assert [m.key for m in result.mismatches] == [
        "(empty key, item E-1)",
        "(empty key, item E-2)",
    ]


# --- the loader -------------------------------------------------------------------------------


def _ctl01(files: Files) -> dict:
    return next(c for c in files["controls/controls.yaml"]["controls"] if c["ref"] == "CTL-01")


def test_loader_reads_declared_checks_and_second_source(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        _ctl01(files)["checks"] = [
            {"name": "in-time", "kind": "within_days", "a": "date", "b": "done", "days": 1,
             "business": True},
        ]  # fmt: skip
        _ctl01(files)["reconcile"] = {
            "key": "id", "second_source": "IdP export", "second_key": "employee_id"
        }  # fmt: skip

    library, problems = read_library(make_library(tmp_path / "lib", mutate))
    assert problems == []
    assert library.checks["CTL-01"] == {
        "checks": [
            {"name": "in-time", "kind": "within_days", "a": "date", "b": "done", "days": 1,
             "business": True}
        ],
        "reconcile": {"key": "id", "second_source": "IdP export", "second_key": "employee_id"},
    }  # fmt: skip


def test_loader_rejects_a_bad_check_declaration(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        _ctl01(files)["checks"] = [
            {"name": "late", "kind": "not_later_than", "a": "x", "b": "y"},
            {"name": "in-time", "kind": "within_days", "a": "date", "b": "date", "days": -1},
            {"name": "listed", "kind": "in_list", "field": "status", "values": [], "extra": 1},
            {"name": "Bad Name", "kind": "not_empty", "field": "ticket"},
        ]
        _ctl01(files)["reconcile"] = {"key": "id"}

    _, problems = read_library(make_library(tmp_path / "lib", mutate))
    where = "controls/controls.yaml: CTL-01: "
    assert [str(p) for p in problems] == [
        where + "checks[1].kind: 'not_later_than' is not one of: date_not_after, within_days, "
        "differs, in_list, not_empty",
        where + "checks[2].b: must name a different column from a",
        where + "checks[2].days: must be an integer from 0 to 366, got -1",
        where + "checks[3].values: must list at least one value",
        where + "checks[3].extra: unknown field",
        where + "checks[4].name: 'Bad Name' is not a check name (lower-case letters, digits, '-')",
        where + "reconcile.second_source: is required",
        where + "reconcile.second_key: is required",
    ]


def test_declared_checks_are_loaded_and_read_back(app, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from riskapp.extensions import db
    from riskapp.models import Control
    from riskapp.repository.library import read_library as read_stored
    from riskapp.services.library import load_library

    def mutate(files: Files) -> None:
        _ctl01(files)["checks"] = [{"name": "ticket", "kind": "not_empty", "field": "ticket"}]

    load_library(make_library(tmp_path / "lib", mutate))
    db.session.commit()
    stored = db.session.scalars(
        sa.select(Control).where(Control.ref == "CTL-01", Control.assessment_id.is_(None))
    ).one()
    assert stored.checks == [{"name": "ticket", "kind": "not_empty", "field": "ticket"}]
    assert read_stored(db.session).checks == {
        "CTL-01": {
            "checks": [{"name": "ticket", "kind": "not_empty", "field": "ticket"}],
            "reconcile": None,
        }
    }
    # a newer version without the declaration removes it
    load_library(make_library(tmp_path / "lib2"))
    db.session.commit()
    db.session.refresh(stored)
    assert stored.checks == []
