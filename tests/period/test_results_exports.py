"""The workbook's Testing, Deviation register, Readiness summary; `riskapp period conclusions`."""

from __future__ import annotations

import io
import json
from datetime import date

from flask.testing import FlaskCliRunner
from openpyxl import load_workbook

from riskapp.domain.testing.results import ResultInput
from riskapp.extensions import db
from riskapp.repository.auditing import acting_as
from riskapp.services import exports as export_service
from riskapp.services import period as period_service
from riskapp.services import populations as population_service
from riskapp.services import readiness as readiness_service
from riskapp.services import results as results_service
from riskapp.services.populations import Source
from tests.period.conftest import PeriodWorld

HIRES = "".join(
    ["id,date,description\n"]
    + [f"HR-{i:04d},2025-{1 + i % 12:02d}-10,New hire {i}\n" for i in range(30)]
).encode()


def _world_2025(world: PeriodWorld) -> None:
    row = world.assessment
    row.period_start, row.period_end = date(2025, 1, 1), date(2025, 12, 31)
    db.session.commit()


def _tested(world: PeriodWorld) -> list[str]:
    """Import CTL-01's 30 hires, draw, record an internal deviation and an auditor pass."""
    a = world.assessment
    preview = population_service.preview(a, "CTL-01", io.BytesIO(HIRES), "hires.csv")
    population_service.replace(a, "CTL-01", preview.parsed, Source("Workday"))
    sample, _ = period_service.draw_sample(a, "CTL-01")
    ids = [i["id"] for i in sample.items]
    with acting_as(db.session, None, "dana@gamma.example"):
        results_service.record(
            a,
            "CTL-01",
            ids[0],
            "internal",
            ResultInput(
                "deviation",
                "=SUM(A1) laptop issued before check",
                date(2026, 1, 15),
                cause="agency hire skipped HR",
                response="Check done retroactively",
            ),
        )
        for item in ids[1:]:
            results_service.record(a, "CTL-01", item, "internal", ResultInput("passed"))
    with acting_as(db.session, None, "auditor@firm.example"):
        results_service.record(a, "CTL-01", ids[1], "auditor", ResultInput("passed"))
    db.session.commit()
    return ids


def _rows(sheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_workbook_shows_results_apart_the_register_and_readiness(
    period_world: PeriodWorld,
) -> None:
    _world_2025(period_world)
    ids = _tested(period_world)
    content = export_service.workbook_file(period_world.assessment.id).content
    wb = load_workbook(io.BytesIO(content))
    testing = _rows(wb["Testing"])
    assert testing[0][:5] == ["Control", "Item", "Item date", "In the sample", "Internal result"]
    first = next(r for r in testing if r[1] == ids[0])
    assert first[4:6] == ["deviation", "=SUM(A1) laptop issued before check"]
    assert first[7] == "dana@gamma.example" and first[9] is None  # no auditor result
    cell = wb["Testing"].cell(row=testing.index(first) + 1, column=6)
    assert cell.quotePrefix  # typed text that looks like a formula stays text
    second = next(r for r in testing if r[1] == ids[1])
    assert (second[4], second[9], second[12]) == ("passed", "passed", "auditor@firm.example")

    register = _rows(wb["Deviation register"])
    assert len(register) == 2
    assert register[1][:2] == ["CTL-01", ids[0]]
    assert register[1][4] == "internal (readiness)"
    assert register[1][7] == "agency hire skipped HR"
    assert register[1][11] == "Check done retroactively"  # the miss and the response, side by side

    summary = _rows(wb["Readiness summary"])
    ctl01 = next(r for r in summary if r[0] == "CTL-01")
    assert ctl01[6:10] == [len(ids), len(ids), 1, 0]
    assert ctl01[10] == "effective with exceptions"
    assert any(r[0] == "Readiness" and str(r[1]).startswith("33%: 1 of 3") for r in summary)
    crit = next(r for r in summary if r[0] == "T1.2")
    assert crit[2] == "not operating"  # CTL-02 missed its monthly reviews


def test_remediated_deviation_stays_in_the_register(period_world: PeriodWorld) -> None:
    _world_2025(period_world)
    _tested(period_world)
    found = readiness_service.readiness(period_world.assessment)
    assert [(d.control, d.response) for d in found.register] == [
        ("CTL-01", "Check done retroactively")
    ]
    assert found.findings.open_deviations == []


def test_extra_deviations_from_checks_join_the_register_and_the_rule(
    period_world: PeriodWorld, monkeypatch
) -> None:
    _world_2025(period_world)
    _tested(period_world)

    def findings(_assessment_id: int) -> list[dict[str, object]]:
        return [
            {
                "control": "CTL-01",
                "population_id": 1,
                "item_id": f"HR-{i:04d}",
                "item_date": f"2025-0{1 + i}-10",
                "check": "background before start",
                "what_failed": "started before the check cleared",
                "confirmed_by": "dana",
                "confirmed_at": "2026-01-20T10:00:00",
                "reason": "",
            }
            for i in range(3)
        ]

    found = readiness_service.readiness(period_world.assessment, extra=findings)
    ctl01 = next(c for c in found.controls if c.ref == "CTL-01")
    assert ctl01.deviations == 4 and ctl01.tested == 30
    assert ctl01.rule.conclusion == "ineffective"
    assert "a deviation rate of 13% (4 of 30 tested)" in ctl01.rule.reason
    assert sum(d.side == "check" for d in found.register) == 3
    monkeypatch.setattr(readiness_service, "EXTRA_SOURCE", findings)  # the glue, once for all
    content = export_service.workbook_file(period_world.assessment.id).content
    register = _rows(load_workbook(io.BytesIO(content))["Deviation register"])
    checks = [r for r in register if r[4] == "computed check"]
    assert [r[1] for r in checks] == ["HR-0000", "HR-0001", "HR-0002"]
    assert checks[0][5] == "background before start: started before the check cleared"


def test_the_command_line_prints_the_conclusions(
    period_world: PeriodWorld, runner: FlaskCliRunner
) -> None:
    _world_2025(period_world)
    _tested(period_world)
    ident = str(period_world.assessment.id)
    result = runner.invoke(args=["period", "conclusions", "--assessment", ident, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["readiness"] == 33
    by_ref = {c["control"]: c for c in data["controls"]}
    assert by_ref["CTL-01"]["conclusion"] == "effective with exceptions"
    assert by_ref["CTL-01"]["auditor"] == "testing incomplete"
    assert by_ref["CTL-02"]["rule"] == "ineffective"
    text = runner.invoke(args=["period", "conclusions", "--assessment", ident]).output
    assert "Readiness 33% (1 of 3 controls operating effectively)" in text
    assert "CTL-03: ineffective. Systematic deviations:" in text
    missing = runner.invoke(args=["period", "conclusions", "--assessment", "99999"])
    assert missing.exit_code == 1 and "assessment 99999 not found" in missing.output
