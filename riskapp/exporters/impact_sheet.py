"""The workbook's "If a control fails" sheet: per selected control, what its failure affects."""

from __future__ import annotations

from openpyxl import Workbook

from ..domain.assessment.model import NOT_APPLICABLE, AssessmentData
from ..domain.graph.impact import ImpactGraph, failed_controls_impact
from ..domain.library.model import Library
from ._xlsx_style import GREY, ORANGE, RED, WRAP, YELLOW, Column, Sheet

SHEET_TITLE = "If a control fails"
IMPACT_COLUMNS = (
    Column("Control", 11),
    Column("Status", 12),
    Column("Affects", 10),
    Column("Ref", 12),
    Column("Title", 40, WRAP),
    Column("Now", 10),
    Column("If it fails", 10),
)
AFFECTS_COLOURS = {"criterion": RED, "risk": ORANGE, "policy": YELLOW, "nothing": GREY}


def write_impact_sheet(wb: Workbook, library: Library, assessment: AssessmentData) -> int:
    """Add the sheet: one row per thing each applicable selected control's failure affects.

    `library` is the library as read (the graph is the cached one); custom
    content comes from the assessment. Returns the rows written.
    """
    sheet = Sheet(wb, SHEET_TITLE, IMPACT_COLUMNS)
    graph = ImpactGraph(library, assessment.custom)
    for choice in sorted(assessment.controls, key=lambda c: c.ref):
        if choice.status == NOT_APPLICABLE:
            continue
        found = failed_controls_impact(library, assessment, [choice.ref], graph)
        head = [choice.ref, choice.status]
        for c in found.criteria:
            sheet.append([*head, "criterion", c.ref, c.title, "covered", c.becomes])
        for r in found.risks:
            sheet.append([*head, "risk", r.ref, r.title, r.before, r.after])
        for p in found.policies:
            sheet.append([*head, "policy", p.ref, p.title, "describes it", ""])
        if not found.affects_anything:
            sheet.append([*head, "nothing", "", "", "", ""])
    sheet.finish()
    sheet.colour("Affects", AFFECTS_COLOURS)
    return sheet.rows - 1
