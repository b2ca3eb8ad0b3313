"""The workbook's period sheets: the credited table, occurrences, populations, samples, evidence."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from riskapp.extensions import db
from riskapp.services import evidence as evidence_service
from riskapp.services import exports as export_service
from riskapp.services import period as period_service
from riskapp.services import populations as population_service
from riskapp.services.populations import Source
from tests.period.conftest import PeriodWorld, population_csv

PDF = b"%PDF-1.7\n% proof\n"


def _values(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_gains_the_period(period_world: PeriodWorld) -> None:
    a = period_world.assessment
    preview = population_service.preview(a, "CTL-01", io.BytesIO(population_csv(60)), "h.csv")
    population = population_service.replace(a, "CTL-01", preview.parsed, Source("Workday"))
    sample, _ = period_service.draw_sample(a, "CTL-01")
    item = sample.items[0]["id"]
    evidence_service.attach_file(
        a,
        evidence_service.Target("CTL-01", item_id=item),
        io.BytesIO(PDF),
        "=cmd.pdf",
        evidence_service.Details(date(2026, 12, 1), "Dana"),
        root=period_world.evidence_dir,
        max_bytes=10_000,
    )
    db.session.commit()
    book = load_workbook(io.BytesIO(export_service.workbook_file(a.id).content))
    for name in (
        "Sample sizes",
        "Period occurrences",
        "Populations",
        "Samples",
        "Evidence on file",
    ):
        assert name in book.sheetnames
    sizes = {row[0]: row[1] for row in _values(book["Sample sizes"])}
    assert sizes["Source"] == "Chiaro, method/type2-testing.md"
    assert sizes["Licence"] == "CC BY 4.0"
    assert sizes["Which"] == "the table shipped with riskapp"
    assert sizes["Population of 11–50 items"] == "8"
    populations = _values(book["Populations"])
    assert populations[1][0] == "CTL-01" and populations[1][6] == population.fingerprint
    samples = _values(book["Samples"])
    assert len(samples) == 1 + 15
    assert samples[1][9] == sample.seed and samples[1][12] == item and samples[1][15] == 1
    occurrences = _values(book["Period occurrences"])
    assert len(occurrences) == 1 + 1 + 12 + 261  # per-event population, monthly, daily
    evidence = _values(book["Evidence on file"])
    cell = book["Evidence on file"].cell(row=2, column=6)
    assert (evidence[1][5], cell.data_type, cell.quotePrefix) == ("=cmd.pdf", "s", True)  # inert
    assert len(evidence[1][6]) == 64


def test_an_audit_firms_table_is_named_in_the_workbook(period_world: PeriodWorld) -> None:
    a = period_world.assessment
    period_service.set_table(
        a,
        {"name": "Firm X 2026", "periodic": {"monthly": 3}, "bands": [{"up_to": None, "size": 30}]},
    )
    db.session.commit()
    book = load_workbook(io.BytesIO(export_service.workbook_file(a.id).content))
    sizes = {row[0]: row[1] for row in _values(book["Sample sizes"])}
    assert sizes["Sample-size table"] == "Firm X 2026"
    assert sizes["Which"] == "this assessment's own table"
