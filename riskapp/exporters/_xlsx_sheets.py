"""The workbook's tabular sheets: gap matrix, control matrix, risk register, evidence plan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment

from ..domain.assessment.model import NOT_APPLICABLE, AssessmentData
from ..domain.assessment.scoring import Band, Effect, band_for, inherent_score, residual
from ..domain.assessment.selection import EdgeIndex, Selected
from ..domain.coverage.report import Coverage, CriterionCoverage
from ..domain.evidence.plan import EVIDENCE_STATUSES, plan_rows
from ..domain.library.model import Library, Risk
from ..domain.statements.render import organisation_values
from ..domain.statements.verdict import statement_verdict, verdict_text
from ._xlsx_stream import StreamedRows
from ._xlsx_style import (
    BLUE,
    DATE,
    GREEN,
    GREY,
    MARK,
    NUMBER,
    RED,
    ROTATED,
    STRONG_BLUE,
    WRAP,
    YELLOW,
    Column,
    Sheet,
    band_colours,
)

Source = Callable[[str], str]  # list title on the Lists sheet → range reference
MAX_COLUMNS = 16_384
STATUS_COLOURS = {
    "implemented": GREEN,
    "partially-implemented": YELLOW,
    "planned": BLUE,
    NOT_APPLICABLE: GREY,
}
COVERAGE_COLOURS = {
    "covered": GREEN,
    "partial": YELLOW,
    "gap": RED,
    "not_applicable": GREY,
    "carved_out": BLUE,
}
EVIDENCE_COLOURS = {"accepted": GREEN, "collected": BLUE, "requested": YELLOW, "exception": RED}
GRID_COLOURS = {"P": STRONG_BLUE, "S": BLUE}

GAP_COLUMNS = (
    Column("Ref", 9),
    Column("Series", 28, WRAP),
    Column("Category", 14),
    Column("Title", 36, WRAP),
    Column("Covering controls", 40, WRAP),
    Column("Status", 10),
    Column("What is missing", 40, WRAP),
    Column("Carved out to", 20, WRAP),
    Column("Reason (not applicable or carved out)", 36, WRAP),
    Column("Vendor's controls and report", 40, WRAP),
)


def criterion_ref(framework: str, scope_framework: str, ref: str) -> str:
    """Name a criterion by its bare ref inside the scope's framework, else as slug:ref."""
    return ref if framework == scope_framework else f"{framework}:{ref}"


def write_gap_matrix(
    wb: Workbook,
    library: Library,
    assessment: AssessmentData,
    coverage: Coverage,
    selected: Sequence[Selected],
    source: Source,
) -> int:
    """Write one row per in-scope criterion, then a grid of P/S marks per applicable control.

    Return how many controls did not fit in the grid (Excel's column limit).
    """
    grid = [s.ref for s in selected if s.applicable]
    room = MAX_COLUMNS - len(GAP_COLUMNS)
    left_out = max(len(grid) - room, 0)
    grid = grid[:room]
    columns = [*GAP_COLUMNS, *(Column(ref, 4, MARK) for ref in grid)]
    rotated: list[Alignment | None] = [None] * len(GAP_COLUMNS) + [ROTATED] * len(grid)
    sheet = Sheet(wb, "Gap matrix", columns, header_alignment=rotated)
    if grid:
        sheet.ws.row_dimensions[1].height = 70
    position = {ref: i for i, ref in enumerate(grid, start=len(GAP_COLUMNS))}
    framework = library.frameworks.get(assessment.scope.framework)
    series_titles = {s.ref: s.title for s in framework.series} if framework else {}
    categories = {c.key: c.name for c in framework.categories} if framework else {}
    for item in coverage.criteria:
        covering = "; ".join(f"{c.ref} ({c.strength}, {c.status})" for c in item.controls)
        row: list[object] = [
            item.ref,
            f"{item.series} {series_titles.get(item.series, '')}".strip(),
            categories.get(item.category, item.category),
            item.title,
            covering,
            item.status,
            item.missing,
            *_set_aside_cells(item),
        ]
        row.extend([None] * len(grid))
        for control in item.controls:
            column = position.get(control.ref)
            if column is not None and control.status != NOT_APPLICABLE:
                mark = "P" if control.strength == "primary" else "S"
                if row[column] != "P":
                    row[column] = mark
        sheet.append(row)
    sheet.finish()
    sheet.colour("Status", COVERAGE_COLOURS)
    sheet.choices("Status", source("Coverage status"), "Coverage status")
    if grid:
        last = columns[-1].header
        first_letter, last_letter = sheet.letter(grid[0]), sheet.letter(last)
        sheet.colour(f"{first_letter}2:{last_letter}{max(sheet.rows, 2)}", GRID_COLOURS)
    return left_out


def _set_aside_cells(item: CriterionCoverage) -> list[str]:
    """Return the vendor, the reason and the vendor's controls and report warning of a set-aside."""
    e = item.exclusion
    if e is None:
        return ["", "", ""]
    if not e.carved_out:
        return ["", e.reason, ""]
    note = " ".join(part for part in (e.vendor_controls, e.warning) if part)
    return [e.vendor, e.reason, note]


CONTROL_COLUMNS = (
    Column("Ref", 10),
    Column("Title", 30, WRAP),
    Column("Tailored statement", 70, WRAP),
    Column("Owner", 18, WRAP),
    Column("Frequency", 12),
    Column("Type", 11),
    Column("Nature", 10),
    Column("Domain", 18),
    Column("Implementation status", 16),
    Column("N/A reason", 24, WRAP),
    Column("Primary criteria", 16, WRAP),
    Column("Supporting criteria", 16, WRAP),
    Column("Risks mitigated", 16, WRAP),
    Column("Evidence types", 30, WRAP),
    Column("Policy", 28, WRAP),
    Column("Statement check", 40, WRAP),
    Column("Library status", 24, WRAP),
)


def write_control_matrix(
    wb: Workbook,
    library: Library,
    assessment: AssessmentData,
    selected: Sequence[Selected],
    index: EdgeIndex,
    source: Source,
) -> None:
    """Write one row per selected control, tailored, with everything it maps to."""
    sheet = Sheet(wb, "Control matrix", CONTROL_COLUMNS)
    scope_framework = assessment.scope.framework
    for item in selected:
        control = item.control
        criteria: dict[str, list[str]] = {"primary": [], "supporting": []}
        for edge in index.satisfies.get(control.ref, ()):
            ref = criterion_ref(edge.framework, scope_framework, edge.criterion)
            criteria.setdefault(edge.strength, []).append(ref)
        evidence = [
            library.evidence[e].title if e in library.evidence else e
            for e in index.evidence.get(control.ref, ())
        ]
        policies = sorted(index.policies.get(control.ref, ()), key=lambda e: not e.primary)
        text, report = statement_verdict(assessment, control, item.choice)
        sheet.append(
            [
                control.ref,
                control.title,
                text,
                item.owner,
                item.frequency,
                control.type,
                control.nature,
                control.domain,
                item.choice.status,
                item.choice.na_reason,
                ", ".join(criteria["primary"]),
                ", ".join(criteria["supporting"]),
                ", ".join(dict.fromkeys(e.risk for e in index.mitigates.get(control.ref, ()))),
                "; ".join(evidence),
                "; ".join(_policy_label(library, e.policy) for e in policies),
                verdict_text(report) if item.applicable else "not applicable",
                _library_status(item),
            ]
        )
    sheet.finish()
    sheet.colour("Implementation status", STATUS_COLOURS)
    sheet.choices("Implementation status", source("Implementation status"), "Status")
    sheet.choices("Frequency", source("Frequency"), "Frequency")
    sheet.choices("Type", source("Control type"), "Control type")
    sheet.choices("Nature", source("Nature"), "Nature")


def _library_status(item: Selected) -> str:
    """Return "retired; replaced by …" for a retired control, else "current"."""
    if item.retirement is None:
        return "current"
    retired_in = f" in {item.retirement.retired_in}" if item.retirement.retired_in else ""
    return item.retirement.label.replace("retired", f"retired{retired_in}", 1)


def _policy_label(library: Library, ref: str) -> str:
    policy = library.policies.get(ref)
    return f"{ref} ({policy.title})" if policy else ref


RISK_COLUMNS = (
    Column("Ref", 11),
    Column("Title", 30, WRAP),
    Column("Category", 18),
    Column("Scenario", 50, WRAP),
    Column("Likelihood", 10, NUMBER),
    Column("Impact", 8, NUMBER),
    Column("Inherent score", 9, NUMBER),
    Column("Inherent band", 10),
    Column("Treatment", 11),
    Column("Owner", 18, WRAP),
    Column("Rationale", 40, WRAP),
    Column("Mitigating controls", 22, WRAP),
    Column("Residual score", 9, NUMBER),
    Column("Residual band", 10),
    Column("Excluded (reason)", 24, WRAP),
)


@dataclass(frozen=True)
class RiskLine:
    """A rated risk with its scores, bands and mitigating controls, ready to write."""

    risk: Risk
    excluded: bool
    values: list[object]
    inherent_band: str
    residual_band: str


def risk_lines(
    library: Library,
    assessment: AssessmentData,
    selected: Sequence[Selected],
    index: EdgeIndex,
    bands: Sequence[Band],
) -> list[RiskLine]:
    """Return the register's lines: inherent and residual score and band per rated risk.

    The residual counts implemented controls (`scoring.residual`), unless the
    assessment overrides it.
    """
    chosen = {s.ref: s for s in selected}
    lines = []
    for rating in assessment.risks:
        risk = library.risks.get(rating.ref)
        if risk is None:
            continue
        score = inherent_score(rating.likelihood, rating.impact)
        edges = [e for e in index.mitigated_by.get(risk.ref, ()) if e.control in chosen]
        effects = []
        for edge in edges:
            item = chosen[edge.control]
            effects.append(
                Effect(item.control.type, edge.likelihood, edge.impact, item.choice.status)
            )
        if rating.residual_override:
            left = rating.residual_override[0] * rating.residual_override[1]
        else:
            left = residual(rating.likelihood, rating.impact, effects).score
        mitigating = [e.control for e in edges if chosen[e.control].applicable]
        inherent_band, residual_band = band_for(score, bands), band_for(left, bands)
        rationale = rating.rationale
        if rating.residual_override and rating.override_reason:
            rationale = f"{rationale}\nResidual override: {rating.override_reason}".strip()
        scenario = (
            f"Threat: {risk.threat}\nWeakness: {risk.weakness}\nConsequence: {risk.consequence}"
        )
        values: list[object] = [
            risk.ref,
            risk.title,
            risk.category,
            scenario,
            rating.likelihood,
            rating.impact,
            score,
            inherent_band,
            rating.treatment or "",
            rating.owner,
            rationale,
            ", ".join(dict.fromkeys(mitigating)),
            left,
            residual_band,
            (rating.exclusion_reason or "excluded") if rating.excluded else "",
        ]
        lines.append(RiskLine(risk, rating.excluded, values, inherent_band, residual_band))
    return lines


def write_risk_register(
    wb: Workbook, lines: Sequence[RiskLine], bands: Sequence[Band], source: Source
) -> None:
    """Write the risk register, one row per rated risk."""
    sheet = Sheet(wb, "Risk register", RISK_COLUMNS)
    for line in lines:
        sheet.append(line.values)
    sheet.finish()
    colours = band_colours(b.name for b in bands)
    for header in ("Inherent band", "Residual band"):
        sheet.colour(header, colours)
        sheet.choices(header, source("Risk band"), "Risk band")
    sheet.colour("Treatment", {"accept": YELLOW})
    sheet.choices("Treatment", source("Treatment"), "Treatment")
    for header in ("Likelihood", "Impact"):
        sheet.whole_numbers(header, 1, 5)


EVIDENCE_COLUMNS = (
    Column("Control", 10),
    Column("Control title", 28, WRAP),
    Column("Evidence", 16),
    Column("Evidence title", 28, WRAP),
    Column("Frequency", 12),
    Column("Owner", 18, WRAP),
    Column("Instance", 12),
    Column("Due date", 12, DATE),
    Column("Population", 11, NUMBER),
    Column("Sample", 9, NUMBER),
    Column("How collected", 36, WRAP),
    Column("Population source", 36, WRAP),
    Column("Completeness", 36, WRAP),
    Column("Sample unit", 24, WRAP),
    Column("Status", 11),
    Column("Collected on", 12, DATE),
    Column("Notes", 36, WRAP),
)


def write_evidence_plan(
    wb: Workbook,
    library: Library,
    assessment: AssessmentData,
    selected: Sequence[Selected],
    index: EdgeIndex,
    source: Source,
) -> StreamedRows:
    """Write the evidence plan (`domain.evidence_plan`) as rows to splice in after saving.

    Its rows can run to hundreds of thousands, so they bypass openpyxl's cells.
    """
    sheet = Sheet(wb, "Evidence plan", EVIDENCE_COLUMNS)
    rows = StreamedRows(sheet)
    applicable = [s for s in selected if s.applicable]
    status = EVIDENCE_STATUSES[0]
    values = organisation_values(assessment)
    for row in plan_rows(library, index, applicable, assessment.scope, values):
        rows.append(
            [
                row.control,
                row.control_title,
                row.evidence,
                row.evidence_title,
                row.frequency,
                row.owner,
                row.instance_label,
                row.due,
                row.population,
                row.sample,
                row.collection,
                row.population_source,
                row.completeness,
                row.sample_unit,
                status,
                None,
                row.note,
            ]
        )
    sheet.finish()
    sheet.colour("Status", EVIDENCE_COLOURS)
    sheet.choices("Status", source("Evidence status"), "Evidence status")
    return rows
