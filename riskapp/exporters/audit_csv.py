"""The audit trail as CSV: one line per changed field, every cell inert in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..domain.audit import AuditRecord, show_value
from ..domain.textsafety import spreadsheet_text

HEADER = (
    "time (UTC)",
    "user",
    "action",
    "object kind",
    "object id",
    "assessment id",
    "assessment",
    "object",
    "field",
    "before",
    "after",
)


def audit_rows(records: Iterable[AuditRecord]) -> Iterator[list[str]]:
    """Yield the CSV rows, header first; an event without field changes gives one row."""
    yield list(HEADER)
    for r in records:
        head = [
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            r.user,
            r.action,
            r.object_kind,
            "" if r.object_id is None else str(r.object_id),
            "" if r.assessment_id is None else str(r.assessment_id),
            r.assessment,
            r.summary,
        ]
        fields = sorted(r.changes.items()) or [("", {})]
        for name, change in fields:
            row = [
                *head,
                name,
                show_value(change.get("before"), exact=True),
                show_value(change.get("after"), exact=True),
            ]
            yield [spreadsheet_text(cell) for cell in row]


def build_audit_csv(records: Iterable[AuditRecord]) -> Iterator[str]:
    """Yield the CSV text in chunks (UTF-8 with a BOM, so Excel reads the accents)."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in audit_rows(records):
        writer.writerow(row)
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
