"""Read a population file (CSV or XLSX) into items, refusing the whole file on any bad row.

A file has a header row naming `id`, `date` and `description` (any case, in
any order); further columns are kept as the items' extra fields. Each row is
checked: an id (unique in the file), a date (YYYY-MM-DD, or a date cell)
inside the period, no formula, texts within their lengths. Every bad row is
named; one bad row refuses the whole file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from ..errors import RiskappError
from .fingerprint import Item

REQUIRED: tuple[str, ...] = ("id", "date", "description")
MAX_ID = 200
MAX_TEXT = 2000
MAX_EXTRA_COLUMNS = 30
MAX_ROWS = 200_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


class PopulationInvalid(RiskappError):
    """A population file was refused; `problems` names the file's or each row's problem."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        super().__init__(f"population file refused: {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


@dataclass(frozen=True)
class ParsedPopulation:
    """The items of a population file and the names of its further columns."""

    items: tuple[Item, ...]
    columns: tuple[str, ...]


def clean_text(value: str) -> str:
    """Remove NUL and control characters (tab, newline and carriage return stay)."""
    return _CONTROL.sub("", value)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = _ISO.match(str(value or "").strip())
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(("=", "@"))


def _header(cells: list[Any]) -> tuple[dict[str, int], list[tuple[str, int]], list[str]]:
    names = [clean_text(_cell_text(c)).strip() for c in cells]
    lowered = [n.lower() for n in names]
    problems: list[str] = []
    missing = [r for r in REQUIRED if r not in lowered]
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        problems.append(
            f"header: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(columns found: {found}); the first row must name id, date and description"
        )
    seen: set[str] = set()
    for name in lowered:
        if name and name in seen:
            problems.append(f"header: column {name!r} appears twice")
        seen.add(name)
    required = {r: lowered.index(r) for r in REQUIRED if r in lowered}
    extra = [(n, i) for i, n in enumerate(names) if n and n.lower() not in REQUIRED]
    if len(extra) > MAX_EXTRA_COLUMNS:
        problems.append(f"header: at most {MAX_EXTRA_COLUMNS} further columns, found {len(extra)}")
    return required, extra, problems


def parse_rows(rows: Iterable[list[Any]], start: date, end: date) -> ParsedPopulation:
    """Return the items of `rows` (the first is the header) or raise PopulationInvalid."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise PopulationInvalid(
            ["the file is empty: it needs a header row (id, date, description)"]
        )
    required, extra, problems = _header(list(header))
    if problems:
        raise PopulationInvalid(problems)
    items: list[Item] = []
    first_row: dict[str, int] = {}
    for number, cells in enumerate(iterator, start=2):
        if number - 1 > MAX_ROWS:
            raise PopulationInvalid([f"the file has more than {MAX_ROWS:,} rows"])
        cells = list(cells)
        if not any(_cell_text(c).strip() for c in cells):
            continue  # a blank line
        item, row_problems = _row(number, cells, required, extra, start, end)
        if item is not None:
            if item.id in first_row:
                row_problems.append(
                    f"row {number}: id {item.id!r} repeats row {first_row[item.id]}"
                )
            else:
                first_row[item.id] = number
                items.append(item)
        problems.extend(row_problems)
    if problems:
        raise PopulationInvalid(problems)
    return ParsedPopulation(tuple(items), tuple(n for n, _ in extra))


def _row(
    number: int,
    cells: list[Any],
    required: dict[str, int],
    extra: list[tuple[str, int]],
    start: date,
    end: date,
) -> tuple[Item | None, list[str]]:
    problems: list[str] = []

    def cell(index: int) -> Any:
        return cells[index] if index < len(cells) else None

    for index, value in enumerate(cells):
        if _is_formula(value):
            problems.append(f"row {number}: column {index + 1} holds a formula; export values only")
    raw_id = clean_text(_cell_text(cell(required["id"]))).strip()
    raw_date = cell(required["date"])
    description = clean_text(_cell_text(cell(required["description"]))).strip()
    if not raw_id:
        problems.append(f"row {number}: id is empty")
    elif len(raw_id) > MAX_ID:
        problems.append(f"row {number}: id is longer than {MAX_ID} characters")
    if len(description) > MAX_TEXT:
        problems.append(f"row {number}: description is longer than {MAX_TEXT} characters")
    day = _parse_date(raw_date)
    if day is None:
        shown = _cell_text(raw_date).strip() or "empty"
        problems.append(f"row {number}: date {shown!r} is not a date (use YYYY-MM-DD)")
    elif not start <= day <= end:
        problems.append(
            f"row {number}: date {day.isoformat()} is outside the period "
            f"{start.isoformat()} to {end.isoformat()}"
        )
    fields: dict[str, str] = {}
    for name, index in extra:
        text = clean_text(_cell_text(cell(index))).strip()
        if len(text) > MAX_TEXT:
            problems.append(f"row {number}: {name} is longer than {MAX_TEXT} characters")
        fields[name] = text
    item = Item(raw_id, day, description, fields) if day is not None and raw_id else None
    return item, problems


def _decoded(reader: Iterator[list[str]]) -> Iterator[list[Any]]:
    try:
        yield from reader
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PopulationInvalid([f"the file is not a UTF-8 CSV file ({exc})"]) from exc


def parse_csv(stream: IO[bytes], start: date, end: date) -> ParsedPopulation:
    """Return the items of a CSV file (UTF-8, with or without a byte-order mark)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        return parse_rows(_decoded(csv.reader(text)), start, end)
    finally:
        text.detach()


def parse_xlsx(stream: IO[bytes], start: date, end: date) -> ParsedPopulation:
    """Return the items of an XLSX file's first sheet, read-only; formula cells come as text."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise PopulationInvalid([f"the file is not a readable .xlsx workbook ({exc})"]) from exc
    try:
        rows = (list(row) for row in book.worksheets[0].iter_rows(values_only=True))
        return parse_rows(rows, start, end)
    finally:
        book.close()


def parse_population(stream: IO[bytes], filename: str, start: date, end: date) -> ParsedPopulation:
    """Return the items of a .csv or .xlsx population file or raise PopulationInvalid."""
    name = filename.lower()
    if name.endswith(".csv"):
        return parse_csv(stream, start, end)
    if name.endswith(".xlsx"):
        return parse_xlsx(stream, start, end)
    raise PopulationInvalid([f"{filename}: a population file must be .csv or .xlsx"])
