"""The assessment workbook, reopened with openpyxl: sheets, cells, safety and formatting."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from riskapp.domain.assessment.model import AssessmentData, ControlChoice, CustomContent, RiskRating
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Control, Library, Satisfies
from riskapp.exporters.policies import build_policy_docx
from riskapp.exporters.workbook import build_workbook
from tests.assessment_factories import make_assessment, type1_scope
from tests.factories import Files, make_library

GENERATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TABULAR = ("Gap matrix", "Control matrix", "Risk register", "Evidence plan")
FORMULA = "=cmd|' /C calc'!A0"


def _with_availability(files: Files) -> None:
    """Add an Availability criterion, out of scope unless the assessment picks it."""
    framework = files["frameworks/testfw.yaml"]
    framework["framework"]["categories"].append({"key": "availability", "name": "Availability"})
    framework["framework"]["series"].append(
        {"ref": "A1", "title": "Uptime", "category": "availability"}
    )
    framework["criteria"].append(
        {
            "ref": "A1.1",
            "series": "A1",
            "category": "availability",
            "title": "Capacity",
            "description": "Capacity is planned.",
            "points_of_focus": ["Capacity is measured"],
        }
    )
    controls = files["controls/controls.yaml"]["controls"]
    controls[0]["criteria"]["primary"].append("A1.1")
    controls[1]["criteria"]["supporting"].append("A1.1")


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return parse_library(make_library(tmp_path / "lib", _with_availability))


def build(library: Library, assessment: AssessmentData, **kwargs: object) -> Workbook:
    content = build_workbook(
        library,
        assessment,
        compute_coverage(library, assessment),
        generated_at=GENERATED,
        **kwargs,  # type: ignore[arg-type]
    )
    return load_workbook(BytesIO(content))


def rows(ws: Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


def column_of(ws: Worksheet, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


def test_sheets_in_order_with_document_properties(library: Library) -> None:
    wb = build(library, make_assessment())
    assert wb.sheetnames == ["Summary", *TABULAR, "Lists"]
    props = wb.properties
    assert props.creator == "riskapp"
    assert props.title == "Acme Ltd: SOC 2 2026"
    assert "gap matrix" in props.subject
    assert props.created == datetime(2026, 3, 1, 9, 30)


def test_gap_matrix_has_a_row_per_in_scope_criterion_and_a_marked_grid(library: Library) -> None:
    wb = build(library, make_assessment(ControlChoice("CTL-01"), ControlChoice("CTL-03")))
    gap = rows(wb["Gap matrix"])
    assert [r["Ref"] for r in gap] == ["T1.1", "T1.2"]
    assert gap[0]["Series"] == "T1 Access"
    assert gap[0]["Covering controls"] == "CTL-01 (primary, planned); CTL-03 (supporting, planned)"
    assert gap[0]["Status"] == "partial"
    assert gap[0]["What is missing"] == "Primary control(s) CTL-01 not yet implemented."
    assert [(r["CTL-01"], r["CTL-03"]) for r in gap] == [("P", "S"), ("P", "S")]
    assert "CTL-02" not in gap[0]


def test_gap_matrix_follows_the_scope_categories(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-02", status="implemented"),
        scope=type1_scope(categories=("security", "availability")),
    )
    gap = rows(build(library, assessment)["Gap matrix"])
    assert [(r["Ref"], r["Category"], r["Status"]) for r in gap] == [
        ("T1.1", "Security", "partial"),
        ("T1.2", "Security", "covered"),
        ("A1.1", "Availability", "partial"),
    ]
    assert gap[2]["What is missing"] == "Only supporting controls; select a primary control."


def test_summary_counts_coverage_and_risks_by_band(library: Library) -> None:
    ws = build(library, make_assessment(ControlChoice("CTL-01", status="implemented")))["Summary"]
    values = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    assert values["Organisation"][0] == "Acme Ltd"
    assert values["Report type"][0] == "Type 2"
    assert values["Period"][0] == "2026-01-01 to 2026-12-31"
    assert values["Risk appetite (score)"][0] == 9
    assert values["Generated (UTC)"][0] == datetime(2026, 3, 1, 9, 30)
    assert values["Security"][:7] == (2, 2, 0, 0, 1, 0, 0)
    assert values["Criteria with a gap"][0] == 0
    assert values["high"][:3] == ("10–16", 1, 1)
    assert values["low"][:3] == ("1–4", 1, 1)
    assert values["implemented"][0] == 1


def test_control_matrix_holds_the_tailored_selection(library: Library) -> None:
    wb = build(library, make_assessment())
    controls = rows(wb["Control matrix"])
    assert [c["Ref"] for c in controls] == ["CTL-01", "CTL-02", "CTL-03"]
    first = controls[0]
    assert first["Tailored statement"] == (
        "Each quarter, the Dana Smith reviews access to Acme Cloud and files the signed review "
        "in Jira."
    )
    assert (first["Owner"], first["Frequency"], first["Implementation status"]) == (
        "Dana Smith",
        "quarterly",
        "implemented",
    )
    assert first["Primary criteria"] == "T1.1, T1.2, A1.1"
    assert first["Policy"] == "POL-ONE (Access Policy); POL-TWO (Security Policy)"
    assert controls[2]["Evidence types"] == "Access review record; Offboarding ticket"
    assert controls[2]["Frequency"] == "monthly"


def test_risk_register_scores_bands_and_residuals(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", status="implemented"),
        risks=[
            RiskRating("R-TST-01", 4, 4, treatment="mitigate", owner="CTO", rationale="Key."),
            RiskRating("R-TST-02", 5, 5, excluded=True, exclusion_reason="No staff."),
        ],
    )
    register = rows(build(library, assessment)["Risk register"])
    first, second = register
    assert (first["Likelihood"], first["Impact"], first["Inherent score"]) == (4, 4, 16)
    assert (first["Inherent band"], first["Residual score"], first["Residual band"]) == (
        "high",
        12,
        "high",
    )
    assert first["Treatment"] == "mitigate"
    assert first["Mitigating controls"] == "CTL-01"
    assert str(first["Scenario"]).startswith("Threat: A former employee\nWeakness:")
    assert second["Excluded (reason)"] == "No staff."
    assert second["Inherent band"] == "critical"


def test_evidence_plan_has_four_dated_rows_for_a_quarterly_control(library: Library) -> None:
    plan = rows(build(library, make_assessment(ControlChoice("CTL-01")))["Evidence plan"])
    assert [(r["Control"], r["Instance"], r["Due date"]) for r in plan] == [
        ("CTL-01", "1 of 4", datetime(2026, 3, 31)),
        ("CTL-01", "2 of 4", datetime(2026, 6, 30)),
        ("CTL-01", "3 of 4", datetime(2026, 9, 30)),
        ("CTL-01", "4 of 4", datetime(2026, 12, 31)),
    ]
    assert {(r["Population"], r["Sample"], r["Status"]) for r in plan} == {(4, 4, "to collect")}


def test_user_text_is_neutralised_and_cleaned(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", statement=FORMULA, owner="Ops\x00 Lead"),
        ControlChoice("CTL-02", statement="@SUM(A1)", owner="+44 20 7946 0000"),
        risks=[RiskRating("R-TST-01", 3, 3, treatment="accept", rationale="#N/A", owner="-1")],
        organization='=HYPERLINK("http://x")',
    )
    wb = build(library, assessment)
    ws = wb["Control matrix"]
    statement, owner = (
        ws[f"{column_of(ws, 'Tailored statement')}2"],
        ws[f"{column_of(ws, 'Owner')}2"],
    )
    # kept as typed, stored as text, and quote-prefixed so editing the cell never runs it
    assert (statement.value, statement.data_type, statement.quotePrefix) == (FORMULA, "s", True)
    assert (owner.value, owner.quotePrefix) == ("Ops Lead", False)
    for column, row, typed in [
        ("Tailored statement", 3, "@SUM(A1)"),
        ("Owner", 3, "+44 20 7946 0000"),
    ]:
        cell = ws[f"{column_of(ws, column)}{row}"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", True)
    risk = wb["Risk register"]
    rationale = risk[f"{column_of(risk, 'Rationale')}2"]
    assert (rationale.value, rationale.data_type) == ("#N/A", "s")
    owner_cell = risk[f"{column_of(risk, 'Owner')}2"]
    assert (owner_cell.value, owner_cell.quotePrefix) == ("-1", True)
    org = wb["Summary"]["B3"]
    assert (org.value, org.quotePrefix) == ('=HYPERLINK("http://x")', True)
    for sheet in wb:
        for row in sheet.iter_rows():
            assert not any(cell.data_type == "f" for cell in row), sheet.title


def test_numbers_stay_numbers_and_dates_stay_dates(library: Library) -> None:
    wb = build(library, make_assessment())
    risk = wb["Risk register"]
    assert risk[f"{column_of(risk, 'Likelihood')}2"].data_type == "n"
    plan = wb["Evidence plan"]
    due = plan[f"{column_of(plan, 'Due date')}2"]
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert plan[f"{column_of(plan, 'Sample')}2"].data_type == "n"


def test_tabular_sheets_have_frozen_headers_filters_and_widths(library: Library) -> None:
    wb = build(library, make_assessment())
    for title in TABULAR:
        ws = wb[title]
        assert ws.freeze_panes == "B2", title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), title
        assert ws.column_dimensions["A"].width >= 9, title
    statement = wb["Control matrix"]["C2"]
    assert statement.alignment.wrap_text


def _validations(ws: Worksheet) -> dict[str, str]:
    return {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
        for v in ws.data_validations.dataValidation
    }


def _colour_rules(ws: Worksheet) -> dict[str, list[str]]:
    return {
        str(cf.sqref).split(":")[0].rstrip("0123456789"): [r.formula[0] for r in cf.rules]
        for cf in ws.conditional_formatting
    }


@pytest.mark.parametrize(
    ("sheet", "header", "values"),
    [
        ("Gap matrix", "Status", ['"covered"', '"partial"', '"gap"']),
        ("Control matrix", "Implementation status", ['"implemented"', '"partially-implemented"']),
        ("Risk register", "Inherent band", ['"low"', '"medium"', '"high"', '"critical"']),
        ("Risk register", "Residual band", ['"low"', '"medium"', '"high"', '"critical"']),
        ("Evidence plan", "Status", ['"accepted"', '"collected"']),
    ],
)
def test_status_and_band_columns_are_coloured_by_rules_that_follow_edits(
    library: Library, sheet: str, header: str, values: list[str]
) -> None:
    ws = build(library, make_assessment())[sheet]
    rules = _colour_rules(ws)[column_of(ws, header)]
    assert all(v in rules for v in values)
    assert any(str(cf.sqref).endswith("1048576") for cf in ws.conditional_formatting)


@pytest.mark.parametrize(
    ("sheet", "header", "values"),
    [
        ("Gap matrix", "Status", ["covered", "partial", "gap"]),
        ("Control matrix", "Implementation status", ["implemented", "not-applicable"]),
        ("Risk register", "Treatment", ["mitigate", "accept", "transfer", "avoid"]),
        ("Risk register", "Residual band", ["low", "critical"]),
        ("Evidence plan", "Status", ["to collect", "accepted"]),
    ],
)
def test_status_and_treatment_columns_offer_drop_downs_from_the_lists_sheet(
    library: Library, sheet: str, header: str, values: list[str]
) -> None:
    wb = build(library, make_assessment())
    ws = wb[sheet]
    formula = _validations(ws)[column_of(ws, header)]
    assert formula.startswith("'Lists'!$")
    cells = wb["Lists"][formula.split("!")[1].replace("$", "")]
    listed = [c[0].value for c in cells]
    assert all(v in listed for v in values)


def test_custom_bands_drive_the_register_and_its_lists(library: Library) -> None:
    from riskapp.domain.assessment.scoring import Band

    bands = (Band("acceptable", 1, 8), Band("intolerable", 9, 25))
    wb = build(library, make_assessment(), bands=bands)
    register = rows(wb["Risk register"])
    assert register[0]["Inherent band"] == "intolerable"
    assert [c.value for c in wb["Lists"]["D"]][:3] == ["Risk band", "acceptable", "intolerable"]


def test_an_empty_assessment_still_gives_a_valid_workbook(library: Library) -> None:
    assessment = make_assessment(risks=[], scope=type1_scope(as_of=None))
    assessment.controls = []
    wb = build(library, assessment)
    assert len(rows(wb["Gap matrix"])) == 2
    assert rows(wb["Evidence plan"]) == []


def test_custom_controls_and_mappings_appear_once(library: Library) -> None:
    custom = CustomContent(
        controls=[
            Control(
                "C-01",
                "Custom review",
                "The {owner} checks {system}.",
                "operations",
                "detective",
                "manual",
                "weekly",
                "COO",
            )  # fmt: skip
        ],
        satisfies=[Satisfies("C-01", "testfw", "T1.1", "primary")],
    )
    assessment = make_assessment(
        ControlChoice("CTL-02"), ControlChoice("C-01", status="implemented"), custom=custom
    )
    wb = build(library, assessment)
    gap = rows(wb["Gap matrix"])
    assert (
        gap[0]["Covering controls"] == "C-01 (primary, implemented); CTL-02 (supporting, planned)"
    )
    assert (gap[0]["Status"], gap[0]["C-01"]) == ("covered", "P")
    controls = rows(wb["Control matrix"])
    assert [c["Ref"] for c in controls] == ["CTL-02", "C-01"]
    assert controls[1]["Tailored statement"] == "The COO checks Acme Cloud."
    weekly = [r for r in rows(wb["Evidence plan"]) if r["Control"] == "C-01"]
    assert (len(weekly), weekly[0]["Evidence"]) == (52, None)
    assert str(weekly[0]["Notes"]).startswith("No evidence type is mapped")


def test_rows_and_columns_beyond_the_sheet_limits_are_counted_not_written(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from riskapp.exporters import _xlsx_sheets, _xlsx_stream

    monkeypatch.setattr(_xlsx_stream, "MAX_ROWS", 3)
    monkeypatch.setattr(_xlsx_sheets, "MAX_COLUMNS", len(_xlsx_sheets.GAP_COLUMNS) + 1)
    wb = build(library, make_assessment())
    assert len(rows(wb["Evidence plan"])) == 2
    assert [c.value for c in wb["Gap matrix"][1]][-1] == "CTL-01"
    values = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert values["Evidence plan rows"] == 2
    assert values["Evidence plan rows left out (sheet row limit)"] == 30
    assert values["Controls left out of the gap matrix grid (column limit)"] == 2


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_workbook_and_a_policy(library: Library, tmp_path: Path) -> None:
    assessment = make_assessment(
        ControlChoice(
            "CTL-01", statement=FORMULA + " {identity_provider}\x07", status="implemented"
        ),
        ControlChoice("CTL-02", frequency="per-event"),
    )
    (tmp_path / "book.xlsx").write_bytes(
        build_workbook(
            library, assessment, compute_coverage(library, assessment), generated_at=GENERATED
        )
    )
    (tmp_path / "policy.docx").write_bytes(
        build_policy_docx(library, assessment, "POL-ONE", effective_date=date(2026, 1, 1))
    )
    out = tmp_path / "pdf"
    for name in ("book.xlsx", "policy.docx"):
        result = subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(tmp_path / name),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        pdf = out / (Path(name).stem + ".pdf")
        assert result.returncode == 0, result.stderr
        assert pdf.is_file() and pdf.stat().st_size > 1000, result.stdout + result.stderr


def test_control_matrix_flags_a_stated_cadence_that_disagrees_with_the_frequency(
    library: Library,
) -> None:
    assessment = make_assessment(
        ControlChoice(
            "CTL-01",
            statement="Each quarter, the {owner} reviews access to {system} in Jira.",
            frequency="monthly",
        ),
        ControlChoice("CTL-02"),
    )
    controls = rows(build(library, assessment)["Control matrix"])
    assert (
        "Stated cadence disagrees with the frequency: 'each quarter' reads as quarterly, "
        "but the frequency is monthly." in controls[0]["Statement check"]
    )
    assert "cadence" not in (controls[1]["Statement check"] or "")


def test_streamed_evidence_plan_cells_are_quote_prefixed_not_rewritten(library: Library) -> None:
    assessment = make_assessment(ControlChoice("CTL-01", owner='=HYPERLINK("http://x")'))
    plan = build(library, assessment)["Evidence plan"]
    owners = [
        plan.cell(row=r, column=6)
        for r in range(2, plan.max_row + 1)
        if plan.cell(row=r, column=1).value == "CTL-01"
    ]
    assert owners
    for cell in owners:
        assert (cell.value, cell.data_type, cell.quotePrefix) == (
            '=HYPERLINK("http://x")',
            "s",
            True,
        )
    plain = plan.cell(row=2, column=4)
    assert plain.quotePrefix is False
