"""The vendor register as CSV: the documented header, reading a whole file, writing one.

A file is read whole before anything is written: the header must be exactly
`HEADER` (in any order, no extra or missing column), each row is checked like
the form, no cell may start like a formula (=, +, - or @), names must be
unique in the file (ignoring case), and any problem
refuses the file, listed by line and field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..textsafety import spreadsheet_text
from .validation import MAX_FIELD, VendorRecord, check_vendor

HEADER: tuple[str, ...] = (
    "name",
    "service",
    "systems",
    "data",
    "criticality",
    "tier_override",
    "override_reason",
    "last_assessed",
    "contingency_plan",
    "report_kind",
    "report_period_start",
    "report_period_end",
    "report_date",
    "report_exceptions",
    "notes",
)
MAX_ROWS = 5_000
FORMULA_CELL = ("=", "+", "-", "@")


@dataclass(frozen=True)
class CsvProblem:
    """One reason a file is refused: its line (1 is the header), the field, the message."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


def _text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _formula(value: str) -> bool:
    return value.strip().startswith(FORMULA_CELL)


def read_vendors(
    data: bytes, known_systems: Collection[str] | None = None
) -> tuple[list[VendorRecord], list[CsvProblem]]:
    """Return every row as a checked vendor, or the problems that refuse the file.

    `known_systems` are the inventory's system names the `systems` column may list.
    """
    text = _text(data)
    if text is None:
        return [], [CsvProblem(0, "", "This is not a UTF-8 text CSV file (binary content found).")]
    csv.field_size_limit(MAX_FIELD * 4 + 10)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [CsvProblem(1, "", f"The header cannot be read: {exc}.")]
    if header is None:
        return [], [CsvProblem(1, "", "The file is empty; the first line must be the header.")]
    names = [h.strip().lower() for h in header]
    missing = [h for h in HEADER if h not in names]
    extra = [h for h in names if h not in HEADER]
    if missing or extra or len(names) != len(set(names)):
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unknown {', '.join(repr(h) for h in extra)}")
        if len(names) != len(set(names)):
            parts.append("a column is repeated")
        message = f"The header must be: {','.join(HEADER)} ({'; '.join(parts)})."
        return [], [CsvProblem(1, "", message)]
    records: list[VendorRecord] = []
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(records) + len(problems) >= MAX_ROWS:
                problems.append(CsvProblem(line, "", f"A file holds at most {MAX_ROWS:,} vendors."))
                break
            if len(row) != len(names):
                problems.append(
                    CsvProblem(line, "", f"Expected {len(names)} fields, found {len(row)}.")
                )
                continue
            values = dict(zip(names, row, strict=True))
            long = [k for k, v in values.items() if len(v) > MAX_FIELD]
            for key in long:
                problems.append(
                    CsvProblem(line, key, f"This cell holds {len(values[key]):,} characters.")
                )
            formulas = [k for k, v in values.items() if k not in long and _formula(v)]
            for key in formulas:
                problems.append(
                    CsvProblem(
                        line,
                        key,
                        "This cell starts like a spreadsheet formula (=, +, - or @); "
                        "start it with an apostrophe if it is text.",
                    )
                )
            if long or formulas:
                continue
            record, found = check_vendor(values, known_systems)
            problems += [CsvProblem(line, key, message) for key, message in found.items()]
            if record is None:
                continue
            key = record.facts.name.casefold()
            if key in seen:
                problems.append(
                    CsvProblem(
                        line, "name", f"{record.facts.name!r} is already on line {seen[key]}."
                    )
                )
                continue
            seen[key] = line
            records.append(record)
    except csv.Error as exc:
        problems.append(CsvProblem(line + 1, "", f"The file cannot be read here: {exc}."))
    if not records and not problems:
        problems.append(CsvProblem(2, "", "The file has a header but no vendor."))
    return (records if not problems else []), problems


def write_vendors(records: Iterable[VendorRecord]) -> str:
    """Return the vendors as CSV text with the documented header, every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in records:
        f, rep = r.facts, r.report
        row = [
            f.name,
            f.service,
            f.systems,
            f.data,
            f.criticality,
            f.tier_override or "",
            f.override_reason,
            f.last_assessed.isoformat() if f.last_assessed else "",
            f.contingency,
            rep.kind,
            rep.period_start.isoformat() if rep.period_start else "",
            rep.period_end.isoformat() if rep.period_end else "",
            rep.report_date.isoformat() if rep.report_date else "",
            rep.exceptions,
            f.notes,
        ]
        writer.writerow([spreadsheet_text(v) for v in row])
    return out.getvalue()
