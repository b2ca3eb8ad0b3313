"""A small python-docx writer: every text is cleaned, filled and its gaps highlighted.

Text passes through `strip_xml_illegal`, then `fill_placeholders`: filled
values read as plain text, unfilled ones as yellow-highlighted `[name]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..domain.statements.render import Segment, fill_placeholders
from ..domain.textsafety import strip_xml_illegal

DATA_TABLE_STYLE = "Light Grid Accent 1"
KEY_VALUE_TABLE_STYLE = "Light List Accent 1"
REF_COLOUR = RGBColor(0x59, 0x59, 0x59)


class PolicyWriter:
    """Build one policy document; placeholders in any text are filled from `values`."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.doc = Document()
        self.values = values
        self._style_ids: dict[str, str] = {}
        self._contents_anchor: Any = None
        self._contents: list[tuple[int, list[Segment]]] = []

    def add_paragraph(self, style: str | None = None) -> Any:
        """Add a paragraph in the named built-in style (its id looked up once per document)."""
        paragraph = self.doc.add_paragraph()
        if style:
            if style not in self._style_ids:
                self._style_ids[style] = self.doc.styles[style].style_id
            paragraph._p.style = self._style_ids[style]
        return paragraph

    def segments(self, text: str) -> list[Segment]:
        return fill_placeholders(strip_xml_illegal(text), self.values)

    def runs(self, paragraph: Any, segments: Sequence[Segment], bold: bool = False) -> None:
        """Add `segments` to `paragraph`, highlighting the unfilled ones."""
        for segment in segments:
            run = paragraph.add_run(strip_xml_illegal(segment.text))
            run.bold = bold or None
            if not segment.filled:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def properties(self, *, title: str, subject: str, created: datetime, version: str) -> None:
        props = self.doc.core_properties
        props.title = strip_xml_illegal(title)
        props.subject = strip_xml_illegal(subject)
        props.author = "riskapp"
        props.last_modified_by = "riskapp"
        props.category = "Policy"
        props.keywords = "policy; SOC 2"
        props.comments = "Drafted by riskapp from the organisation's selected controls."
        props.version = version
        props.revision = 1
        props.created = created
        props.modified = created

    def header(self, text: str) -> None:
        paragraph = self.doc.sections[0].header.paragraphs[0]
        self.runs(paragraph, self.segments(text))

    def title(self, text: str) -> None:
        self.runs(self.add_paragraph("Title"), self.segments(text))

    def heading(self, text: str, level: int) -> None:
        self.runs(self.add_paragraph(f"Heading {level}"), self.segments(text))

    def paragraph(self, text: str) -> None:
        """Add a paragraph per blank-line-separated block; line breaks inside one become spaces."""
        for block in strip_xml_illegal(text).split("\n\n"):
            joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
            if joined:
                self.runs(self.add_paragraph(), self.segments(joined))

    def statement(self, title: str, segments: Sequence[Segment], ref: str) -> None:
        """Add a policy statement: its control title in bold, the statement, then its ref."""
        paragraph = self.add_paragraph("List Bullet")
        self.runs(paragraph, self.segments(title), bold=True)
        paragraph.add_run(". ")
        self.runs(paragraph, segments)
        ref_run = paragraph.add_run(f" ({strip_xml_illegal(ref)})")
        ref_run.font.color.rgb = REF_COLOUR
        ref_run.font.size = Pt(9)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Add a table with a repeating header row in the built-in data table style."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles[DATA_TABLE_STYLE]
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self.runs(cell.paragraphs[0], [Segment(text)])
        _repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                self.runs(cell.paragraphs[0], self.segments(text))

    def segment_table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Sequence[Segment]]]
    ) -> None:
        """Add a data table whose cells are segments already filled (no placeholders read)."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles[DATA_TABLE_STYLE]
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self.runs(cell.paragraphs[0], [Segment(text)])
        _repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for cell, segments in zip(cells, values, strict=True):
                self.runs(cell.paragraphs[0], segments)

    def key_values(self, rows: Sequence[tuple[str, str]]) -> None:
        """Add a two-column table of labels (bold first column) and values."""
        table = self.doc.add_table(rows=0, cols=2)
        table.style = self.doc.styles[KEY_VALUE_TABLE_STYLE]
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "0")
            look.set(qn("w:val"), "0080")
        for label, value in rows:
            cells = table.add_row().cells
            self.runs(cells[0].paragraphs[0], [Segment(label)], bold=True)
            self.runs(cells[1].paragraphs[0], self.segments(value))

    def contents(self) -> None:
        """Add the "Contents" heading; `finish_contents` writes the list of headings under it."""
        self._contents_anchor = self.add_paragraph("TOC Heading")
        self._contents_anchor.add_run("Contents")

    def numbered_heading(self, number: str, text: str, level: int) -> None:
        """Add a heading that starts with its section number and is listed in the contents."""
        segments = [Segment(f"{number} "), *self.segments(text)]
        self.runs(self.add_paragraph(f"Heading {level}"), segments)
        self._contents.append((level, segments))

    def finish_contents(self) -> None:
        """Write the contents as plain paragraphs (no field), so every word processor shows it."""
        anchor = self._contents_anchor
        if anchor is None:
            return
        for level, segments in self._contents:
            paragraph = self.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.75 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(2)
            self.runs(paragraph, segments)
            anchor._p.addnext(paragraph._p)
            anchor = paragraph

    def footer(self, label: str) -> None:
        """Add a footer with the classification label and "Page N of M" (updated on open)."""
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.runs(paragraph, self.segments(label))
        paragraph.add_run(" · Page ")
        _simple_field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _simple_field(paragraph, "NUMPAGES", "1")

    def to_bytes(self) -> bytes:
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _simple_field(paragraph: Any, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
