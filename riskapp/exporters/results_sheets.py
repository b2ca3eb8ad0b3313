"""The workbook's testing sheets: Testing (per item, internal and auditor apart), the deviation
register, and the readiness summary (per control, then per criterion)."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

from ..domain.testing.readiness import TestingExport
from ..domain.testing.results import SIDE_LABELS, SideResult
from ._xlsx_style import DATE, GREEN, GREY, NUMBER, RED, WRAP, Column, Sheet

TESTING_COLUMNS = (
    Column("Control", 11),
    Column("Item", 16),
    Column("Item date", 12),
    Column("In the sample", 9),
    Column("Internal result", 12),
    Column("Internal: what happened", 30, WRAP),
    Column("Internal: found on", 12, DATE),
    Column("Internal: recorded by", 20),
    Column("Internal: recorded (UTC)", 17),
    Column("Auditor result", 12),
    Column("Auditor: what happened", 30, WRAP),
    Column("Auditor: found on", 12, DATE),
    Column("Auditor: recorded by", 20),
    Column("Auditor: recorded (UTC)", 17),
)
REGISTER_COLUMNS = (
    Column("Control", 11),
    Column("Item", 16),
    Column("Occurred", 12, DATE),
    Column("Found on", 12, DATE),
    Column("Recorded as", 18),
    Column("What happened", 34, WRAP),
    Column("Nature", 12),
    Column("Cause", 28, WRAP),
    Column("Recurring", 9),
    Column("Design-level", 9),
    Column("Person or system", 16),
    Column("Management's response", 34, WRAP),
    Column("Responded on", 12, DATE),
    Column("Recorded by", 20),
    Column("Recorded (UTC)", 17),
)
READINESS_COLUMNS = (
    Column("Control", 11),
    Column("Title", 28, WRAP),
    Column("Frequency", 12),
    Column("Due to date", 9, NUMBER),
    Column("Due in the period", 9, NUMBER),
    Column("Evidenced", 9, NUMBER),
    Column("To test", 9, NUMBER),
    Column("Tested", 9, NUMBER),
    Column("Deviations", 9, NUMBER),
    Column("Open deviations", 9, NUMBER),
    Column("By the rule", 16),
    Column("Why", 40, WRAP),
    Column("Concluded", 16),
    Column("Recorded reason", 30, WRAP),
    Column("Auditor's results say", 16),
)
CONCLUSION_COLOURS = {
    "effective": GREEN,
    "effective with exceptions": GREEN,
    "ineffective": RED,
    "did not occur": GREY,
    "operating": GREEN,
    "not operating": RED,
}
OUTCOME_COLOURS = {"passed": GREEN, "deviation": RED, "not tested": GREY}


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _side(result: SideResult | None) -> list[object]:
    if result is None:
        return ["", "", None, "", ""]
    return [
        result.outcome,
        result.what,
        result.found_on,
        result.recorded_by,
        _when(result.recorded_at),
    ]


def write_testing_sheets(wb: Workbook, testing: TestingExport | None) -> None:
    """Add the Testing, Deviation register and Readiness summary sheets (none without data)."""
    if testing is None:
        return
    sheet = Sheet(wb, "Testing", TESTING_COLUMNS, freeze="C2")
    for row in testing.rows:
        sheet.append(
            [
                row.control,
                row.item,
                row.item_date,
                "yes" if row.in_sample else "no",
                *_side(row.internal),
                *_side(row.auditor),
            ]
        )
    sheet.finish()
    sheet.colour("Internal result", OUTCOME_COLOURS)
    sheet.colour("Auditor result", OUTCOME_COLOURS)

    found = testing.readiness
    register = Sheet(wb, "Deviation register", REGISTER_COLUMNS, freeze="C2")
    for d in found.register:
        register.append(
            [
                d.control,
                d.item,
                d.occurred_on,
                d.found_on,
                SIDE_LABELS.get(d.side, "computed check"),
                d.what,
                d.nature,
                d.cause,
                "yes" if d.recurring else "no",
                "yes" if d.design else "no",
                d.involves,
                d.response or "(open: no response yet)",
                d.responded_on,
                d.recorded_by,
                _when(d.recorded_at),
            ]
        )
    register.finish()

    summary = Sheet(wb, "Readiness summary", READINESS_COLUMNS)
    for c in found.controls:
        summary.append(
            [
                c.ref,
                c.title,
                c.frequency,
                c.due,
                c.due_total,
                c.evidenced,
                c.to_test,
                c.tested,
                c.deviations,
                c.open_deviations,
                c.rule.conclusion,
                c.rule.reason,
                c.final,
                c.override_reason,
                c.auditor.conclusion if c.auditor else "",
            ]
        )
    summary.append([])
    summary.append(
        [
            "Readiness",
            f"{found.figure.percent}%: {found.figure.operating} of {found.figure.counted} "
            f"controls operating effectively on {found.today.isoformat()}",
        ]
    )
    summary.append([])
    summary.append(["Criterion", "Title", "Status", "Primary controls"])
    for k in found.criteria:
        summary.append(
            [k.ref, k.title, k.status, "; ".join(f"{ref}: {c}" for ref, c in k.primaries)]
        )
    summary.finish()
    summary.colour("By the rule", CONCLUSION_COLOURS)
    summary.colour("Concluded", CONCLUSION_COLOURS)
