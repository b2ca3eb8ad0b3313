"""The assessment workbook: summary, gap matrix, control matrix, risk register, evidence plan.

`build_workbook` takes domain data and returns the .xlsx bytes; the web view
sends them and the CLI writes them. Every text cell goes through
`cell_text`: XML-illegal characters removed, and text a spreadsheet would run
as a formula kept as typed in a quote-prefixed (text-only) cell;
statuses, treatments and bands carry drop-downs and conditional colours that
follow the user's edits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from ..domain.assessment.model import STATUSES, TREATMENTS, AssessmentData, with_custom_content
from ..domain.assessment.scoring import DEFAULT_BANDS, Band
from ..domain.assessment.selection import EdgeIndex, selected_controls
from ..domain.coverage.report import COVERAGE_STATUSES, Coverage
from ..domain.evidence.plan import EVIDENCE_STATUSES
from ..domain.library.model import CONTROL_TYPES, FREQUENCIES, NATURES, Library
from ..domain.period.export import PeriodExport
from ..domain.textsafety import strip_xml_illegal
from ._xlsx_sheets import (
    RiskLine,
    risk_lines,
    write_control_matrix,
    write_evidence_plan,
    write_gap_matrix,
    write_risk_register,
)
from ._xlsx_stream import splice
from ._xlsx_style import (
    BOLD,
    NUMBER,
    PERCENT,
    TEXT,
    TITLE_FONT,
    WRAP,
    Column,
    Sheet,
    list_source,
    text_cell,
)
from .impact_sheet import write_impact_sheet
from .period_sheets import write_period_sheets
from .results_sheets import write_testing_sheets

LISTS_SHEET = "Lists"
REPORT_TYPES = {"type1": "Type 1", "type2": "Type 2"}


def _lists(bands: Sequence[Band]) -> dict[str, tuple[str, ...]]:
    return {
        "Implementation status": STATUSES,
        "Coverage status": COVERAGE_STATUSES,
        "Treatment": TREATMENTS,
        "Risk band": tuple(b.name for b in bands),
        "Evidence status": EVIDENCE_STATUSES,
        "Frequency": FREQUENCIES,
        "Control type": CONTROL_TYPES,
        "Nature": NATURES,
    }


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def build_workbook(
    library: Library,
    assessment: AssessmentData,
    coverage: Coverage,
    *,
    bands: Sequence[Band] = DEFAULT_BANDS,
    generated_at: datetime,
    period: PeriodExport | None = None,
) -> bytes:
    """Return the assessment's workbook as .xlsx bytes.

    `library` is the library as read (the assessment's custom content is added
    here); `coverage` is `compute_coverage(library, assessment)`. `period`, for
    a Type 2 assessment with a period, adds the sample-size table (credited),
    the occurrences, populations, drawn samples and evidence on file.
    """
    merged = with_custom_content(library, assessment.custom)
    index = EdgeIndex.of(merged)
    selected = selected_controls(merged, assessment)
    lists = _lists(bands)
    titles = list(lists)

    def source(title: str) -> str:
        return list_source(LISTS_SHEET, titles.index(title) + 1, len(lists[title]))

    generated = _naive_utc(generated_at).replace(microsecond=0)
    wb = Workbook(write_only=True)
    _set_properties(wb, merged, assessment, generated)
    summary = Sheet(wb, "Summary", SUMMARY_COLUMNS, freeze=None, header=False)
    left_out = write_gap_matrix(wb, merged, assessment, coverage, selected, source)
    write_control_matrix(wb, merged, assessment, selected, index, source)
    lines = risk_lines(merged, assessment, selected, index, bands)
    write_risk_register(wb, lines, bands, source)
    evidence = write_evidence_plan(wb, merged, assessment, selected, index, source)
    if period is not None:
        write_period_sheets(wb, period)
        write_impact_sheet(wb, library, assessment)
        write_testing_sheets(wb, period.testing)
    _write_lists(wb, lists)
    _write_summary(
        summary,
        merged,
        assessment,
        coverage,
        lines,
        Counter(s.choice.status for s in selected),
        bands,
        generated,
        (evidence.sheet.rows - 1, evidence.dropped, left_out),
    )
    buffer = BytesIO()
    wb.save(buffer)
    return splice(buffer.getvalue(), {evidence.sheet.ws.path.lstrip("/"): evidence})


def _set_properties(
    wb: Workbook, library: Library, assessment: AssessmentData, generated: datetime
) -> None:
    framework = library.frameworks.get(assessment.scope.framework)
    name = framework.name if framework else assessment.scope.framework
    props = wb.properties
    props.title = strip_xml_illegal(f"{assessment.organization}: {assessment.name}")[:255]
    props.subject = strip_xml_illegal(f"{name} gap matrix, controls, risks and evidence plan")
    props.creator = "riskapp"
    props.lastModifiedBy = "riskapp"
    props.keywords = "SOC 2; gap matrix; control matrix; risk register; evidence plan"
    props.description = strip_xml_illegal(
        f"Generated by riskapp from the assessment {assessment.name!r} "
        f"on {generated:%Y-%m-%d %H:%M} UTC."
    )
    props.created = generated
    props.modified = generated


def _write_lists(wb: Workbook, lists: dict[str, tuple[str, ...]]) -> None:
    sheet = Sheet(wb, LISTS_SHEET, [Column(title, 22) for title in lists], freeze="A2")
    depth = max(len(values) for values in lists.values())
    for i in range(depth):
        sheet.append([values[i] if i < len(values) else None for values in lists.values()])


SUMMARY_COLUMNS = (
    Column("Item", 28, TEXT),
    Column("Value", 40, WRAP),
    Column("", 11, NUMBER),
    Column("", 11, NUMBER),
    Column("", 11, NUMBER),
    Column("", 11, PERCENT),
    Column("", 11, PERCENT),
    Column("", 11, PERCENT),
)


def _write_summary(
    sheet: Sheet,
    library: Library,
    assessment: AssessmentData,
    coverage: Coverage,
    lines: Sequence[RiskLine],
    statuses: Counter[str],
    bands: Sequence[Band],
    generated: datetime,
    counts: tuple[int, int, int],
) -> None:
    scope = assessment.scope
    framework = library.frameworks.get(scope.framework)
    categories = {c.key: c.name for c in framework.categories} if framework else {}
    fw_name = f"{framework.name}, version {framework.version}" if framework else scope.framework
    _bold(sheet, f"{assessment.organization}: {assessment.name}", TITLE_FONT)
    sheet.append_cells([])
    if scope.report_type == "type2":
        when = ("Period", f"{_day(scope.period_start)} to {_day(scope.period_end)}")
    else:
        when = ("As of", _day(scope.as_of))
    facts: list[tuple[str, object]] = [
        ("Organisation", assessment.organization),
        ("Assessment", assessment.name),
        ("Framework", fw_name),
        ("Categories in scope", ", ".join(categories.get(c, c) for c in coverage.by_category)),
        ("Report type", REPORT_TYPES.get(scope.report_type, scope.report_type)),
        when,
        ("Risk appetite (score)", scope.appetite),
        ("Library", f"{library.meta.name} {library.meta.version}".strip()),
        ("Generated (UTC)", generated),
    ]
    for label, value in facts:
        sheet.append([label, value])
    sheet.append_cells([])
    _bold(sheet, "Coverage of in-scope criteria")
    sheet.append(
        ["Category", "Criteria", "Covered", "Partial", "Gaps", "Covered %", "Partial %", "Gap %"]
    )
    for key, totals in [*coverage.by_category.items(), ("", coverage.overall)]:
        label = categories.get(key, key) if key else "All in-scope criteria"
        total = totals.total or 1
        split = [totals.covered, totals.partial, totals.gap]
        sheet.append([label, totals.total, *split, *(n / total for n in split)])
    sheet.append_cells([])
    sheet.append(["Criteria with a gap", coverage.overall.gap])
    sheet.append(["Criteria partially covered", coverage.overall.partial])
    sheet.append(["Criteria not applicable", coverage.overall.not_applicable])
    sheet.append(["Criteria carved out to a vendor", coverage.overall.carved_out])
    for item in coverage.set_aside:
        e = item.exclusion
        if e is not None and e.carved_out:
            warning = f" {e.warning}" if e.warning else ""
            sheet.append([f"Carve-out {item.ref}", f"{e.vendor}: {e.reason}{warning}"])
    sheet.append(["Risks to mitigate with no control", len(coverage.unmitigated_risks)])
    sheet.append_cells([])
    _bold(sheet, "Risks by band (excluded risks not counted)")
    sheet.append(["Band", "Scores", "Inherent", "Residual"])
    kept = [line for line in lines if not line.excluded]
    inherent = Counter(line.inherent_band for line in kept)
    left = Counter(line.residual_band for line in kept)
    for band in bands:
        sheet.append([band.name, f"{band.low}–{band.high}", inherent[band.name], left[band.name]])
    sheet.append_cells([])
    _bold(sheet, "Selected controls by implementation status")
    for status in STATUSES:
        sheet.append([status, statuses[status]])
    evidence_rows, evidence_dropped, left_out = counts
    sheet.append(["Evidence plan rows", evidence_rows])
    if evidence_dropped:
        sheet.append(["Evidence plan rows left out (sheet row limit)", evidence_dropped])
    if left_out:
        sheet.append(["Controls left out of the gap matrix grid (column limit)", left_out])


def _bold(sheet: Sheet, text: str, font: Font = BOLD) -> None:
    cell = text_cell(sheet.ws, text)
    cell.font = font
    sheet.append_cells([cell])


def _day(value: date | None) -> str:
    return value.isoformat() if value else "not set"
