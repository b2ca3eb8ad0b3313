"""The vendor register's rules, with no app: tiers, review dates, bridge letters, checks, CSV."""

from __future__ import annotations

from datetime import date

import pytest

from riskapp.domain.vendors.assurance import AssuranceReport, bridge, needed_days
from riskapp.domain.vendors.csvio import HEADER, read_vendors, write_vendors
from riskapp.domain.vendors.register import (
    VendorFacts,
    computed_tier,
    effective_tier,
    is_overdue,
    next_due,
)
from riskapp.domain.vendors.validation import check_vendor

PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("data", "criticality", "tier"),
    [
        ("none", "critical", 1),
        ("restricted-personal", "low", 1),
        ("restricted-personal", "critical", 1),
        ("confidential", "low", 2),
        ("public", "high", 2),
        ("confidential", "high", 2),
        ("internal", "medium", 3),
        ("none", "low", 3),
        ("public", "medium", 3),
    ],
)
def test_the_tier_rule(data: str, criticality: str, tier: int) -> None:
    assert computed_tier(data, criticality) == tier


def test_an_override_wins_over_the_computed_tier() -> None:
    facts = VendorFacts(name="x", data="none", criticality="low", tier_override=1)
    assert effective_tier(facts) == 1
    assert effective_tier(VendorFacts(name="x", data="none", criticality="low")) == 3


@pytest.mark.parametrize(
    ("tier", "due"), [(1, date(2026, 2, 28)), (2, date(2027, 2, 28)), (3, date(2028, 2, 28))]
)
def test_the_next_assessment_falls_due_by_tier(tier: int, due: date) -> None:
    assert next_due(date(2025, 2, 28), tier) == due


def test_a_vendor_never_assessed_is_due_now_and_due_dates_are_inclusive() -> None:
    assert next_due(None, 1) is None
    assert is_overdue(None, 3, date(2026, 1, 1))
    assert is_overdue(date(2025, 6, 1), 1, date(2026, 6, 1))
    assert not is_overdue(date(2025, 6, 1), 1, date(2026, 5, 31))


def type2(start: date, end: date) -> AssuranceReport:
    return AssuranceReport("soc2-type2", start, end)


def test_a_report_covering_the_whole_period_needs_no_bridge_letter() -> None:
    found = bridge(type2(date(2025, 10, 1), date(2026, 12, 31)), PERIOD)
    assert not found.letter_needed and found.uncovered_days == 0


def test_a_report_ending_one_day_before_the_period_end_leaves_one_day() -> None:
    found = bridge(type2(date(2026, 1, 1), date(2026, 12, 30)), PERIOD)
    assert found.uncovered_days == 1
    assert found.gaps == ((date(2026, 12, 31), date(2026, 12, 31)),)
    assert found.describe() == ("Bridge letter needed: 1 day uncovered (2026-12-31 to 2026-12-31).")


def test_a_report_ending_in_september_leaves_the_last_quarter_uncovered() -> None:
    found = bridge(type2(date(2025, 10, 1), date(2026, 9, 30)), PERIOD)
    assert found.uncovered_days == 92  # 31 + 30 + 31
    assert found.letter_needed


def test_uncovered_days_at_both_ends_are_added() -> None:
    found = bridge(type2(date(2026, 1, 3), date(2026, 12, 29)), PERIOD)
    assert found.uncovered_days == 2 + 2
    assert len(found.gaps) == 2


def test_a_report_wholly_before_or_after_the_period_covers_nothing() -> None:
    assert bridge(type2(date(2025, 1, 1), date(2025, 12, 31)), PERIOD).uncovered_days == 365
    assert bridge(type2(date(2027, 1, 1), date(2027, 6, 30)), PERIOD).uncovered_days == 365


def test_no_report_leaves_every_day_uncovered_and_no_dates_need_nothing() -> None:
    assert bridge(AssuranceReport(), PERIOD).uncovered_days == 365
    assert bridge(None, PERIOD).uncovered_days == 365
    assert bridge(type2(*PERIOD), None).uncovered_days == 0


def test_a_type1_assessment_needs_its_one_day() -> None:
    as_of = needed_days("type1", date(2026, 6, 30), None, None)
    assert as_of == (date(2026, 6, 30), date(2026, 6, 30))
    assert bridge(type2(date(2025, 7, 1), date(2026, 6, 30)), as_of).uncovered_days == 0
    assert bridge(type2(date(2025, 7, 1), date(2026, 6, 29)), as_of).uncovered_days == 1
    type1 = AssuranceReport("soc2-type1", report_date=date(2026, 6, 30))
    assert bridge(type1, as_of).uncovered_days == 0
    assert bridge(type1, PERIOD).uncovered_days == 364


def test_needed_days_of_a_type2_assessment_is_its_period() -> None:
    assert needed_days("type2", None, *PERIOD) == PERIOD
    assert needed_days("type2", None, None, None) is None


def _row(**values: str) -> dict[str, str]:
    return {"name": "Acme Cloud", "data": "internal", "criticality": "medium", **values}


def test_a_critical_vendor_needs_a_contingency_plan() -> None:
    record, problems = check_vendor(_row(criticality="critical"))
    assert record is None and "contingency plan" in problems["contingency_plan"]
    record, problems = check_vendor(_row(criticality="critical", contingency_plan="Fail over."))
    assert record is not None and not problems


def test_an_override_needs_a_reason_and_a_real_tier() -> None:
    assert "override_reason" in check_vendor(_row(tier_override="1"))[1]
    assert "tier_override" in check_vendor(_row(tier_override="4", override_reason="x"))[1]
    record, _ = check_vendor(_row(tier_override="1", override_reason="Holds our keys."))
    assert record is not None and record.facts.tier_override == 1


def test_text_is_cleaned_and_held_to_its_column() -> None:
    record, _ = check_vendor(_row(name=" Acme\x00 Cloud\x07 ", service="Hosting\x1f"))
    assert record is not None
    assert (record.facts.name, record.facts.service) == ("Acme Cloud", "Hosting")
    _, problems = check_vendor(_row(name="x" * 201))
    assert "under 200" in problems["name"]


def test_choices_dates_and_report_periods_are_checked() -> None:
    _, problems = check_vendor(
        _row(
            data="secret",
            last_assessed="31/12/2026",
            report_kind="soc2-type2",
            report_period_start="2026-02-01",
        )
    )
    assert set(problems) == {"data", "last_assessed", "report_period_end"}
    _, problems = check_vendor(
        _row(report_kind="other", report_period_start="2026-02-01", report_period_end="2026-01-01")
    )
    assert "after its start" in problems["report_period_end"]
    _, problems = check_vendor(_row(report_kind="soc2-type1"))
    assert "report_date" in problems


def _csv(*rows: str, header: str = ",".join(HEADER)) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def _line(name: str, data: str = "internal", **extra: str) -> str:
    values = {h: "" for h in HEADER} | {"name": name, "data": data, "criticality": "low"} | extra
    return ",".join(values[h] for h in HEADER)


def test_a_good_file_reads_every_vendor() -> None:
    records, problems = read_vendors(_csv(_line("AWS"), _line("GitHub", "confidential")))
    assert not problems
    assert [r.facts.name for r in records] == ["AWS", "GitHub"]


def test_a_wrong_header_refuses_the_file() -> None:
    _, problems = read_vendors(_csv(_line("AWS"), header="name,service"))
    assert problems[0].line == 1 and "missing" in problems[0].message


def test_every_bad_row_is_listed_by_line_and_field_and_nothing_is_returned() -> None:
    data = _csv(
        _line("AWS"),
        _line("Bad", "secret"),
        _line("aws"),
        _line("Formula", notes='=HYPERLINK("http://x")'),
        _line("Long", notes="x" * 10_001),
    )
    records, problems = read_vendors(data)
    assert records == []
    found = {(p.line, p.field) for p in problems}
    assert found == {(3, "data"), (4, "name"), (5, "notes"), (6, "notes")}
    assert "already on line 2" in str(next(p for p in problems if p.line == 4))
    assert str(problems[0]).startswith("line 3, data:")


def test_a_cell_of_ten_thousand_characters_is_held_to_its_column() -> None:
    _, problems = read_vendors(_csv(_line("Long", service="x" * 10_000)))
    assert [(p.line, p.field) for p in problems] == [(2, "service")]


def test_binary_and_empty_files_are_refused() -> None:
    assert "binary" in read_vendors(b"\x89PNG\r\n\x1a\n\x00\x00")[1][0].message
    assert "not a UTF-8" in read_vendors(b"name\xff\xfe")[1][0].message
    assert read_vendors(b"")[1]
    assert "no vendor" in read_vendors(_csv())[1][0].message


def test_export_neutralises_formulas_and_reads_back() -> None:
    records, _ = read_vendors(_csv(_line("AWS", notes="'=1+1")))
    out = write_vendors(records)
    assert out.splitlines()[0] == ",".join(HEADER)
    again, problems = read_vendors(out.encode())
    assert not problems and again[0].facts.notes == "'=1+1"
    risky = write_vendors(
        [r.__class__(r.facts.__class__(name="=cmd|x"), r.report) for r in records]
    )
    assert "'=cmd|x" in risky
