"""Fast rows for very long sheets: XML written directly, then spliced into openpyxl's file.

openpyxl spends about 15 µs per cell, which for the evidence plan of a large
library (hundreds of thousands of rows) is most of the build. `StreamedRows`
renders a sheet's data rows as SpreadsheetML text into a temporary file,
using the styles the sheet's openpyxl columns registered; `splice` inserts
them into the saved workbook, before the sheet's `</sheetData>`. Everything
else (header, frozen panes, widths, filter, conditional formatting, data
validation) is still openpyxl's own output. Text goes through
`cell_text` exactly as in `Sheet.append` (quote-prefix style where it could run).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from typing import Any, BinaryIO, cast

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ..domain.textsafety import cell_text
from ._xlsx_style import Sheet

FLUSH_ROWS = 2000
MAX_ROWS = 1_048_576  # Excel's limit; rows beyond it are counted in `dropped`, not written
SHEET_DATA_END = b"</sheetData>"


@lru_cache(maxsize=8192)
def _inline_text(value: str) -> tuple[str, bool]:
    """Return the cell's inline-string XML, and whether the cell needs the quote-prefix style."""
    text, quoted = cell_text(value)
    text = text[:32767]
    escaped = (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )
    if text != text.strip():
        return f'<is><t xml:space="preserve">{escaped}</t></is>', quoted
    return f"<is><t>{escaped}</t></is>", quoted


class StreamedRows:
    """Append rows to a `Sheet` as XML text; call `splice` on the saved workbook."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self._styles = [template.style_id for template in sheet._templates]
        self._quoted_styles = [template.style_id for template in sheet._quoted]
        self._letters = [get_column_letter(i) for i in range(1, len(sheet.columns) + 1)]
        self._file: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115  (closed by splice)
        self._pending: list[str] = []
        self.dropped = 0

    def append(self, values: Sequence[Any]) -> None:
        """Append one row: numbers and dates stay typed, anything else goes in as safe text."""
        if self.sheet.rows >= MAX_ROWS:
            self.dropped += 1
            return
        self.sheet.rows += 1
        r = self.sheet.rows
        cells = []
        for letter, style, quoted_style, value in zip(
            self._letters, self._styles, self._quoted_styles, values, strict=True
        ):
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float, date, datetime)):
                xml, quoted = _inline_text(value)
                s = quoted_style if quoted else style
                cells.append(f'<c r="{letter}{r}" s="{s}" t="inlineStr">{xml}</c>')
            elif isinstance(value, (date, datetime)):
                cells.append(f'<c r="{letter}{r}" s="{style}"><v>{to_excel(value)}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" s="{style}"><v>{value}</v></c>')
        self._pending.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._pending) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._file.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()

    def write_to(self, target: BinaryIO) -> None:
        """Copy the rendered rows to `target`, then release the temporary file."""
        self._flush()
        self._file.seek(0)
        while chunk := self._file.read(1 << 20):
            target.write(chunk)
        self._file.close()


def splice(content: bytes, streams: Mapping[str, StreamedRows]) -> bytes:
    """Return the workbook `content` with each stream's rows inside its sheet's data.

    `streams` maps a sheet's part name in the package ("xl/worksheets/sheet5.xml").
    """
    if not streams:
        return content
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            stream = streams.get(info.filename)
            if stream is None:
                target.writestr(info, data)
                continue
            data = data.replace(b"<sheetData/>", b"<sheetData>" + SHEET_DATA_END, 1)
            head, tail = data.rsplit(SHEET_DATA_END, 1)
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w", force_zip64=True) as handle:
                handle.write(head)
                stream.write_to(cast(BinaryIO, handle))
                handle.write(SHEET_DATA_END + tail)
    return out.getvalue()
