"""The workbook's period sheets: sample sizes (credited), occurrences, populations, samples."""

from __future__ import annotations

from openpyxl import Workbook

from ..domain.period.export import PeriodExport, table_lines
from ._xlsx_style import DATE, GREEN, GREY, NUMBER, RED, WRAP, Column, Sheet

OCCURRENCE_COLUMNS = (
    Column("Control", 11),
    Column("Control title", 28, WRAP),
    Column("Frequency", 12),
    Column("Occurrence", 11, NUMBER),
    Column("Kind", 11),
    Column("Window start", 12, DATE),
    Column("Due (window end)", 12, DATE),
    Column("Status", 12),
)
POPULATION_COLUMNS = (
    Column("Control", 11),
    Column("Source system", 20, WRAP),
    Column("Query or report", 30, WRAP),
    Column("Pulled by", 16),
    Column("Pulled on", 12, DATE),
    Column("Items", 9, NUMBER),
    Column("Fingerprint (SHA-256)", 40),
    Column("Last import", 30, WRAP),
)
SAMPLE_COLUMNS = (
    Column("Control", 11),
    Column("Drawn (UTC)", 17),
    Column("Drawn by", 18),
    Column("Drawn from", 12),
    Column("Population", 11, NUMBER),
    Column("Sample", 9, NUMBER),
    Column("Size rule", 30, WRAP),
    Column("Table", 24, WRAP),
    Column("Census", 8),
    Column("Seed", 40),
    Column("Fingerprint", 40),
    Column("Run", 6, NUMBER),
    Column("Item", 16),
    Column("Item date", 12),
    Column("Description", 30, WRAP),
    Column("Evidence on file", 10, NUMBER),
)
EVIDENCE_COLUMNS = (
    Column("Id", 6, NUMBER),
    Column("Control", 11),
    Column("Proves", 26, WRAP),
    Column("Effective date", 12, DATE),
    Column("Outside its window", 10),
    Column("File or link", 30, WRAP),
    Column("SHA-256", 40),
    Column("Bytes", 10, NUMBER),
    Column("Collected by", 16),
    Column("Note", 30, WRAP),
    Column("Uploaded (UTC)", 17),
    Column("Uploaded by", 18),
)
STATUS_COLOURS = {"evidenced": GREEN, "overdue": RED, "kept": GREY}


def write_period_sheets(wb: Workbook, period: PeriodExport) -> int:
    """Add the period's sheets to a write-only workbook; return the occurrence rows written."""
    sizes = Sheet(wb, "Sample sizes", (Column("", 34, WRAP), Column("", 60, WRAP)), header=False)
    for label, value in table_lines(period.table, period.shipped_table):
        sizes.append([label, value])

    occurrences = Sheet(wb, "Period occurrences", OCCURRENCE_COLUMNS)
    for row in period.calendar.rows:
        for slot in row.slots:
            o = slot.occurrence
            status = (
                "kept"
                if slot.retained
                else "evidenced"
                if slot.evidenced
                else "overdue"
                if slot.overdue
                else "due"
            )
            occurrences.append(
                [
                    row.control.ref,
                    row.control.title,
                    row.control.frequency,
                    o.number or None,
                    o.kind,
                    o.window_start,
                    o.window_end,
                    status,
                ]
            )
    occurrences.finish()
    occurrences.colour("Status", STATUS_COLOURS)

    populations = Sheet(wb, "Populations", POPULATION_COLUMNS)
    for p in period.populations:
        populations.append(
            [
                p.control,
                p.source_system,
                p.query,
                p.pulled_by,
                p.pulled_at,
                p.items,
                p.fingerprint,
                p.last_change,
            ]
        )
    populations.finish()

    samples = Sheet(wb, "Samples", SAMPLE_COLUMNS)
    for s in period.samples:
        samples.append(
            [
                s.control,
                s.drawn_at.strftime("%Y-%m-%d %H:%M"),
                s.drawn_by,
                s.source,
                s.population,
                s.size,
                s.rule,
                s.table,
                "yes" if s.census else "no",
                s.seed,
                s.fingerprint,
                s.run,
                s.item_id,
                s.item_date,
                s.description,
                s.evidence,
            ]
        )
    samples.finish()

    evidence = Sheet(wb, "Evidence on file", EVIDENCE_COLUMNS)
    for e in period.evidence:
        evidence.append(
            [
                e.id,
                e.control,
                e.proves,
                e.effective,
                "yes" if e.outside_window else "no",
                e.name,
                e.sha256,
                e.size,
                e.collected_by,
                e.note,
                e.uploaded_at.strftime("%Y-%m-%d %H:%M"),
                e.uploaded_by,
            ]
        )
    evidence.finish()
    return occurrences.rows - 1
