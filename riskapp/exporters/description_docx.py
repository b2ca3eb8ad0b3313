"""The system description as a Word document, drafted section by section (DC1–DC9).

Pure: the drafted sections and the assessment's data in, .docx bytes out.
It reuses the policy writer, so headings use Word's own styles, the contents
list is plain text (no field to update), and every named blank is a
highlighted `[name]`. A checklist of the blanks opens the document, after
the title block (assessment, period) and the version block.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..domain.description.draft import all_missing
from ..domain.description.model import DescriptionInput, Paragraph, Section, Table
from ..domain.statements.render import Segment
from ._docx_writer import PolicyWriter

VERSION = "0.1 (draft)"
CLASSIFICATION = "Confidential"
TITLE = "Description of the system"


def _period(data: DescriptionInput) -> str:
    if data.type2:
        start = data.period_start.isoformat() if data.period_start else "{period_start}"
        end = data.period_end.isoformat() if data.period_end else "{period_end}"
        return f"Type 2, {start} to {end}"
    return f"Type 1, as of {data.as_of.isoformat() if data.as_of else '{report_date}'}"


def build_description_docx(
    data: DescriptionInput, sections: Sequence[Section], *, generated_at: datetime
) -> bytes:
    """Return the .docx of the system description."""
    doc = PolicyWriter({"org": data.organisation} if data.organisation.strip() else {})
    doc.properties(
        title=TITLE,
        subject=f"{data.organisation} {data.assessment}".strip(),
        created=generated_at,
        version=VERSION,
    )
    doc.doc.core_properties.category = "System description"
    doc.doc.core_properties.keywords = "system description; DC 200; SOC 2"
    doc.doc.core_properties.comments = "Drafted by riskapp from the assessment's data."
    doc.header(f"{{org}} · {TITLE}")
    doc.footer(f"{CLASSIFICATION} · {TITLE}")
    doc.title(f"{{org}}: {TITLE}")
    doc.key_values(
        [
            ("Organisation", "{org}"),
            ("Assessment", data.assessment),
            ("Report", _period(data)),
            ("Version", VERSION),
            ("Drafted", generated_at.date().isoformat()),
        ]
    )
    doc.heading("Version history", 1)
    doc.table(
        ("Version", "Date", "Author", "Changes"),
        [
            (
                VERSION,
                generated_at.date().isoformat(),
                "riskapp",
                "First draft from riskapp's data.",
            ),
            ("", "", "", ""),
        ],
    )
    missing = all_missing(sections)
    doc.heading("Still to fill in", 1)
    if missing:
        doc.paragraph(
            f"{len(missing)} facts are missing from riskapp. Each shows as a highlighted "
            "blank in the text below; fill it in here or in riskapp and export again."
        )
        for code, item in missing:
            paragraph = doc.add_paragraph("List Bullet")
            doc.runs(paragraph, [Segment(f"{code}: {item.what} ")])
            doc.runs(paragraph, [Segment(f"[{item.name}]", False, item.name)])
    else:
        doc.paragraph("Nothing is missing: every section is drafted from riskapp's data.")
    doc.contents()
    for number, section in enumerate(sections, start=1):
        doc.numbered_heading(f"{number}.", f"{section.title} ({section.code})", 1)
        for block in section.blocks:
            _block(doc, block)
    doc.finish_contents()
    return doc.to_bytes()


def _block(doc: PolicyWriter, block: Paragraph | Table) -> None:
    if isinstance(block, Table):
        doc.segment_table(block.headers, block.rows)
        return
    style = "Heading 2" if block.heading else "List Bullet" if block.bullet else None
    doc.runs(doc.add_paragraph(style), block.parts)
