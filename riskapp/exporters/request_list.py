"""The auditor's request list as an .xlsx file: one sheet, typed dates, user text inert."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook

from ._xlsx_style import DATE, GREEN, GREY, WRAP, YELLOW, Column, Sheet

REQUEST_COLUMNS = (
    Column("Request ID", 12),
    Column("Control", 11),
    Column("Control title", 28, WRAP),
    Column("What is requested", 50, WRAP),
    Column("Population or sample", 34, WRAP),
    Column("Due date", 12, DATE),
    Column("Status", 12),
    Column("Assigned to", 20),
    Column("Evidence", 50, WRAP),
)
STATUS_COLOURS = {"open": GREY, "in-progress": YELLOW, "provided": GREEN, "accepted": GREEN}


def build_request_list(rows: Sequence[Sequence[object]]) -> bytes:
    """Return the request list (rows under REQUEST_COLUMNS) as .xlsx bytes."""
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, "Requests", REQUEST_COLUMNS)
    for row in rows:
        sheet.append(list(row))
    sheet.finish()
    sheet.colour("Status", STATUS_COLOURS)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
