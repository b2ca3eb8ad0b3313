"""The request list's plain rules: generating from the plan, and reading a firm's XLSX list."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from riskapp.domain.period.occurrences import occurrences
from riskapp.domain.testing.requests import (
    PlanControl,
    RequestListInvalid,
    apply_mapping,
    guess_mapping,
    next_codes,
    plan_requests,
    read_table,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)


def _plan(ref: str, frequency: str, **extra: object) -> PlanControl:
    found = tuple(occurrences(frequency, START, END)) if frequency != "per-event" else ()
    return PlanControl(ref, f"{ref} title", frequency, found, **extra)  # type: ignore[arg-type]


def test_the_plan_asks_per_occurrence_per_population_and_per_sample() -> None:
    planned = plan_requests(
        [
            _plan("Q-1", "quarterly"),
            _plan("E-1", "per-event", population_items=40, sample_items=("HR-1", "HR-7")),
            _plan("D-1", "daily", sample_items=("#3", "#90")),
            _plan("W-1", "weekly"),
        ],
        END,
    )
    by = [(p.control, p.scope_kind) for p in planned]
    assert by == [
        ("D-1", "sample"),
        ("E-1", "population"),
        ("E-1", "sample"),
        ("Q-1", "occurrence"),
        ("Q-1", "occurrence"),
        ("Q-1", "occurrence"),
        ("Q-1", "occurrence"),
        ("W-1", "sample"),
    ]
    q3 = [p for p in planned if p.control == "Q-1"][2]
    assert (q3.window_start, q3.due_on) == (date(2026, 7, 1), date(2026, 9, 30))
    assert planned[0].item_ids == ("#3", "#90")
    assert (
        "not drawn yet" in planned[-1].scope_label and "53 occurrences" in planned[-1].scope_label
    )
    assert planned[1].scope_label == "Population (40 items on file)"
    assert next_codes(["REQ-009", "PBC-1", "REQ-010"], 2) == ["REQ-011", "REQ-012"]


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_a_firm_xlsx_with_date_cells_is_read_mapped_and_matched() -> None:
    stream = _xlsx(
        [
            ["PBC #", "Control ID", "Request details", "Owner", "Deadline"],
            ["PBC-1", "cc-01", "Access review", "dana@acme.example", datetime(2027, 1, 15)],
            [7, "ZZ-1", "Board minutes", None, "2027-01-20"],
        ]
    )
    table = read_table(stream, "firm.xlsx")
    # "PBC #" is no name we know, so the user maps the request id on the preview page
    assert guess_mapping(table.headers) == {
        "control": "Control ID",
        "requested": "Request details",
        "assignee": "Owner",
        "due_on": "Deadline",
    }
    assert guess_mapping(("Request ID", "Control Code", "Details", "Assigned To", "Due On")) == {
        "code": "Request ID",
        "control": "Control Code",
        "requested": "Details",
        "assignee": "Assigned To",
        "due_on": "Due On",
    }
    mapping = {"code": "PBC #", "control": "Control ID", "requested": "Request details",
               "assignee": "Owner", "due_on": "Deadline"}  # fmt: skip
    preview = apply_mapping(table, mapping, ["CC-01", "CC-02"])
    assert preview.problems == []
    first, second = preview.requests
    assert (first.code, first.control, first.due_on) == ("PBC-1", "CC-01", date(2027, 1, 15))
    assert (second.code, second.control, second.due_on) == ("7", None, date(2027, 1, 20))
    assert preview.unmatched == ["ZZ-1"]


def test_a_firm_list_without_a_header_or_with_twin_headers_is_refused() -> None:
    with pytest.raises(RequestListInvalid) as empty:
        read_table(io.BytesIO(b"\n\n"), "firm.csv")
    assert empty.value.problems == ["the file has no header row"]
    with pytest.raises(RequestListInvalid) as refused:
        read_table(io.BytesIO(b"Request ID,Request ID\nA,B\n"), "firm.csv")
    assert refused.value.problems == ["two columns have the same header; rename one"]
    with pytest.raises(RequestListInvalid) as binary:
        read_table(io.BytesIO(b"Request ID\n\xff\xfe\n"), "firm.csv")
    assert binary.value.problems[0].startswith("the file is not a UTF-8 CSV file")
