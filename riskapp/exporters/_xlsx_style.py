"""Streaming worksheet helper: typed columns, header, widths, filters, colours, drop-downs.

Sheets are write-only (rows stream to disk), so memory stays flat for large
libraries; widths, frozen panes and the header are set before the first row,
filters, conditional formatting and data validation at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.textsafety import cell_text

TEXT = "text"
WRAP = "wrap"
NUMBER = "number"
DATE = "date"
PERCENT = "percent"
MARK = "mark"
LAST_ROW = 1_048_576

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
ROTATED = Alignment(text_rotation=90, horizontal="center", vertical="bottom")
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)

# (fill, font) pairs in Excel's "good / neutral / bad" spirit.
GREEN = ("C6EFCE", "006100")
YELLOW = ("FFEB9C", "9C5700")
ORANGE = ("F8CBAD", "833C0B")
RED = ("FFC7CE", "9C0006")
DARK_RED = ("C00000", "FFFFFF")
BLUE = ("DDEBF7", "1F3864")
GREY = ("EDEDED", "595959")
STRONG_BLUE = ("4472C4", "FFFFFF")
BAND_COLOURS = (GREEN, YELLOW, ORANGE, RED, DARK_RED)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = TEXT


def _quote_prefixed(template: Any) -> Any:
    cell = WriteOnlyCell(template.parent)
    cell._style = copy(template._style)
    cell.quotePrefix = True
    return cell


def text_cell(ws: Any, value: object) -> Any:
    """Return a text cell holding user text as typed: clean, and quote-prefixed if it could run."""
    text, quoted = cell_text(value)
    cell = WriteOnlyCell(ws, text)
    if quoted:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _styled(ws: Any, alignment: Alignment | None = None, number_format: str = "") -> Any:
    cell = WriteOnlyCell(ws)
    if alignment is not None:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    return cell


class Sheet:
    """A write-only worksheet with a styled, frozen, filtered header row of typed columns."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        columns: Sequence[Column],
        *,
        freeze: str | None = "B2",
        header: bool = True,
        header_alignment: Sequence[Alignment | None] | None = None,
    ) -> None:
        self.ws = wb.create_sheet(title)
        self.title = title
        self.columns = list(columns)
        self.rows = 0
        for index, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        if freeze:
            self.ws.freeze_panes = freeze
        self.ws.page_setup.orientation = "landscape"
        self._templates = [self._template(c.kind) for c in self.columns]
        self._quoted = [_quote_prefixed(t) for t in self._templates]
        if header:
            self.ws.print_title_rows = "1:1"
            cells = []
            for index, column in enumerate(self.columns):
                cell = text_cell(self.ws, column.header)
                cell.font = HEADER_FONT
                cell.fill = HEADER_FILL
                custom = header_alignment[index] if header_alignment else None
                cell.alignment = custom or HEADER_ALIGNMENT
                cells.append(cell)
            self.append_cells(cells)

    def _template(self, kind: str) -> Any:
        if kind == WRAP:
            return _styled(self.ws, WRAPPED)
        if kind == DATE:
            return _styled(self.ws, TOP, "yyyy-mm-dd")
        if kind == PERCENT:
            return _styled(self.ws, TOP, "0.0%")
        if kind == MARK:
            return _styled(self.ws, CENTRED)
        return _styled(self.ws, TOP)

    def _cell(self, index: int, value: Any) -> Any:
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, (int, float, date, datetime)) and not isinstance(value, bool):
            cell._style = copy(self._templates[index]._style)
            cell.value = value
            return cell
        text, quoted = cell_text(value)
        cell._style = copy((self._quoted if quoted else self._templates)[index]._style)
        cell.value = text
        if quoted or text in ERROR_CODES:
            cell.data_type = "s"  # stored as text, whatever it looks like
        return cell

    def append(self, values: Sequence[Any]) -> None:
        """Append one row: numbers and dates stay typed, anything else goes in as safe text."""
        self.append_cells(
            [
                None if value is None or value == "" else self._cell(i, value)
                for i, value in enumerate(values)
            ]
        )

    def append_cells(self, cells: Sequence[Any]) -> None:
        """Append one row of ready-made cells (or nothing, for a blank row)."""
        self.ws.append(list(cells))
        self.rows += 1

    def letter(self, header: str) -> str:
        """Return the column letter of the column headed `header`."""
        return get_column_letter([c.header for c in self.columns].index(header) + 1)

    def finish(self) -> None:
        """Put a filter over the header and every written row."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{max(self.rows, 2)}"

    def column_range(self, header: str) -> str:
        """Return the range from row 2 to the sheet's end in one column (rules follow edits)."""
        letter = self.letter(header)
        return f"{letter}2:{letter}{LAST_ROW}"

    def colour(self, target: str, colours: Mapping[str, tuple[str, str]]) -> None:
        """Colour the cells of `target` (a header or a range) by their text, as they change."""
        ref = self.column_range(target) if ":" not in target else target
        for value, (fill, font) in colours.items():
            self.ws.conditional_formatting.add(
                ref,
                CellIsRule(
                    operator="equal",
                    formula=[_quoted(value)],
                    fill=PatternFill("solid", start_color=fill, end_color=fill),
                    font=Font(color=font),
                ),
            )

    def choices(self, header: str, source: str, title: str) -> None:
        """Offer the list at `source` (a range on the Lists sheet) as a drop-down in a column."""
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=title,
            error=f"Choose a {title.lower()} from the list.",
            promptTitle=title,
            prompt=f"Choose a {title.lower()}.",
            showInputMessage=True,
        )
        validation.add(self.column_range(header))
        self.ws.data_validations.append(validation)

    def whole_numbers(self, header: str, low: int, high: int) -> None:
        """Accept only whole numbers from `low` to `high` in a column."""
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=header,
            error=f"{header} is a whole number from {low} to {high}.",
        )
        validation.add(self.column_range(header))
        self.ws.data_validations.append(validation)


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def list_source(sheet_title: str, column: int, count: int) -> str:
    """Return an absolute reference to `count` values under the header of a Lists column."""
    letter = get_column_letter(column)
    return f"{quote_sheetname(sheet_title)}!${letter}$2:${letter}${count + 1}"


def band_colours(names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour bands from green to red, in order, spreading the palette over their number."""
    names = list(names)
    size = len(BAND_COLOURS) if len(names) >= len(BAND_COLOURS) else len(BAND_COLOURS) - 1
    return {name: BAND_COLOURS[i] for name, i in zip(names, _spread(len(names), size), strict=True)}


def _spread(count: int, size: int) -> list[int]:
    if count <= 1:
        return [0] * count
    return [round(i * (size - 1) / (count - 1)) for i in range(count)]
