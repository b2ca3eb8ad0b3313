"""Evidence types say where the population comes from, how it is complete, and what one item is."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from riskapp.domain.assessment.model import ControlChoice
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.evidence.plan import evidence_plan
from riskapp.domain.library.loader import parse_library, read_library
from riskapp.exporters.workbook import build_workbook
from riskapp.extensions import db
from riskapp.repository import library as repo
from tests.assessment_factories import make_assessment
from tests.factories import Files, make_library

POPULATION = "Every termination in the period from the HR system."


def _evidence(files: Files, ref: str) -> dict:
    return next(e for e in files["evidence/evidence.yaml"]["evidence"] if e["ref"] == ref)


def test_population_fields_are_parsed_and_optional(mini_library: Path) -> None:
    library = parse_library(mini_library)
    two = library.evidence["EV-TWO"]
    assert (two.population, two.completeness, two.sample_unit) == (
        POPULATION,
        "Reconciled with the payroll leavers report.",
        "One leaver",
    )
    one = library.evidence["EV-ONE"]
    assert (one.population, one.completeness, one.sample_unit) == ("", "", "")


def test_population_fields_must_be_text_and_unknown_keys_stay_errors(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        _evidence(files, "EV-ONE")["population"] = ["a", "list"]
        _evidence(files, "EV-TWO")["populaton"] = "typo"

    _, problems = read_library(make_library(tmp_path / "lib", mutate))
    assert [str(p) for p in problems] == [
        "evidence/evidence.yaml: EV-ONE: population: must be text, got a list",
        "evidence/evidence.yaml: EV-TWO: populaton: unknown field",
    ]


def test_population_fields_are_stored_and_read_back(loaded: Path) -> None:
    two = repo.read_library(db.session).evidence["EV-TWO"]
    assert (two.population, two.sample_unit) == (POPULATION, "One leaver")


def test_library_evidence_page_shows_population_completeness_and_unit(
    signed_in_client, loaded: Path
) -> None:
    page = signed_in_client.get("/library/evidence/EV-TWO").get_data(as_text=True)
    assert POPULATION in page
    assert "Reconciled with the payroll leavers report." in page
    assert "One leaver" in page
    assert "Not stated" not in page
    assert "Not stated" in signed_in_client.get("/library/evidence/EV-ONE").get_data(as_text=True)


def test_evidence_plan_rows_carry_the_population_fields(mini_library: Path) -> None:
    library = parse_library(mini_library)
    plan = evidence_plan(library, make_assessment(ControlChoice("CTL-03")))
    two = [r for r in plan if r.evidence == "EV-TWO"]
    assert two and {(r.population_source, r.sample_unit) for r in two} == {
        (POPULATION, "One leaver")
    }


def test_workbook_evidence_plan_has_population_columns(mini_library: Path) -> None:
    from datetime import UTC, datetime

    library = parse_library(mini_library)
    assessment = make_assessment(ControlChoice("CTL-03"))
    content = build_workbook(
        library,
        assessment,
        compute_coverage(library, assessment),
        generated_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    sheet = load_workbook(BytesIO(content))["Evidence plan"]
    header = [c.value for c in sheet[1]]
    assert header[header.index("How collected") + 1 : header.index("Status")] == [
        "Population source",
        "Completeness",
        "Sample unit",
    ]
    plan = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert {r["Completeness"] for r in plan if r["Evidence"] == "EV-TWO"} == {
        "Reconciled with the payroll leavers report."
    }


def test_unknown_placeholder_in_population_is_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        _evidence(files, "EV-TWO")["population"] = "Every leaver from {hr_sytem}."

    _, problems = read_library(make_library(tmp_path / "lib", mutate))
    assert [str(p) for p in problems] == [
        "evidence/evidence.yaml: EV-TWO: population: unknown placeholder {hr_sytem}"
    ]


def test_plan_fills_placeholders_in_the_population_source(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        _evidence(files, "EV-TWO")["population"] = "Every leaver from {hr_system} in {org}."

    library = parse_library(make_library(tmp_path / "lib", mutate))
    filled = evidence_plan(
        library,
        make_assessment(ControlChoice("CTL-03"), settings={"hr_system": "BambooHR"}),
    )
    assert {r.population_source for r in filled if r.evidence == "EV-TWO"} == {
        "Every leaver from BambooHR in Acme Ltd."
    }
    unfilled = evidence_plan(library, make_assessment(ControlChoice("CTL-03"), settings={}))
    assert {r.population_source for r in unfilled if r.evidence == "EV-TWO"} == {
        "Every leaver from [hr system] in Acme Ltd."
    }
