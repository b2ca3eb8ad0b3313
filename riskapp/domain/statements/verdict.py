"""One verdict per selected control's statement, shared by the quality step and the workbook."""

from __future__ import annotations

from ..assessment.model import AssessmentData, ControlChoice
from ..assessment.selection import effective_frequency, effective_owner
from ..library.model import Control
from .quality import StatementReport, check_statement
from .render import tailored_segments


def statement_verdict(
    assessment: AssessmentData, control: Control, choice: ControlChoice | None
) -> tuple[str, StatementReport]:
    """Return the statement as rendered now and its quality report.

    The text is filled from the inventory and settings as they are; each
    placeholder left unfilled is a finding naming it, the in-scope inventory
    systems count as named systems, and a cadence the text states that is not
    the control's frequency is a finding.
    """
    segments = tailored_segments(assessment, control, choice)
    text = "".join(s.text for s in segments)
    report = check_statement(
        text,
        known_systems=assessment.systems,
        owner=effective_owner(control, choice),
        ref=control.ref,
        unresolved=[s.placeholder for s in segments if not s.filled and s.placeholder],
        frequency=effective_frequency(control, choice),
    )
    return text, report


def verdict_text(report: StatementReport) -> str:
    """Return a report as one line: "passes", or its findings' messages."""
    if report.passes:
        return "passes"
    return " ".join(f.message for f in report.findings)
