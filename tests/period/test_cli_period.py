"""`riskapp period …`: import, draw, re-derive, attach and package from the command line."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

from flask.testing import FlaskCliRunner

from riskapp.extensions import db
from riskapp.models import AuditEvent, Sample
from tests.period.conftest import PeriodWorld, population_csv


def _run(runner: FlaskCliRunner, *args: object) -> tuple[int, str]:
    result = runner.invoke(args=["period", *map(str, args)])
    return result.exit_code, result.output


def test_the_period_commands_end_to_end(
    runner: FlaskCliRunner, period_world: PeriodWorld, tmp_path: Path
) -> None:
    a = period_world.assessment.id
    hires = tmp_path / "hires.csv"
    hires.write_bytes(population_csv(80))
    code, out = _run(
        runner,
        "import-population",
        "--assessment",
        a,
        "--control",
        "CTL-01",
        "--file",
        hires,
        "--source",
        "BambooHR",
        "--pulled-by",
        "Dana",
    )
    assert code == 0, out
    assert "Imported 80 items" in out

    hires.write_bytes(population_csv(80, start_day=1))
    code, out = _run(
        runner,
        "import-population",
        "--assessment",
        a,
        "--control",
        "CTL-01",
        "--file",
        hires,
        "--source",
        "BambooHR",
    )
    assert code == 1 and "1 added, 1 removed" in out and "--yes" in out

    code, out = _run(runner, "draw", "--assessment", a, "--control", "CTL-01")
    assert code == 0, out
    assert "15 of 80" in out and "seed: " in out
    sample = db.session.query(Sample).one()
    item = sample.items[0]["id"]

    code, out = _run(runner, "rederive", "--assessment", a, "--control", "CTL-01")
    assert code == 0 and "matches" in out

    evidence = tmp_path / "ack.pdf"
    evidence.write_bytes(b"%PDF-1.4 signed\n")
    code, out = _run(
        runner,
        "attach",
        "--assessment",
        a,
        "--control",
        "CTL-01",
        "--item",
        item,
        "--file",
        evidence,
        "--effective-date",
        "2026-12-30",
    )
    assert code == 0, out
    assert hashlib.sha256(b"%PDF-1.4 signed\n").hexdigest() in out

    package = tmp_path / "package.zip"
    code, out = _run(runner, "package", "--assessment", a, "--out", package)
    assert code == 0, out
    with zipfile.ZipFile(package) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert hashlib.sha256(archive.read(rows[0]["file"])).hexdigest() == rows[0]["sha256"]
    kinds = ("population", "sample", "evidence", "period_settings")
    events = db.session.query(AuditEvent).filter(AuditEvent.object_kind.in_(kinds)).all()
    actors = {e.actor for e in events}
    assert actors == {"command line"}


def test_refusals_exit_1_with_each_problem(
    runner: FlaskCliRunner, period_world: PeriodWorld, tmp_path: Path
) -> None:
    a = period_world.assessment.id
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,description\nA,2026-01-01,x\nA,2026-01-02,y\n")
    code, out = _run(
        runner,
        "import-population",
        "--assessment",
        a,
        "--control",
        "CTL-01",
        "--file",
        bad,
        "--source",
        "HR",
    )
    assert code == 1 and "row 3: id 'A' repeats row 2" in out
    code, out = _run(runner, "draw", "--assessment", 999, "--control", "CTL-01")
    assert code == 1 and "assessment 999 not found" in out
    exe = tmp_path / "report.pdf"
    exe.write_bytes(b"MZ" + bytes(100))
    code, out = _run(
        runner,
        "attach",
        "--assessment",
        a,
        "--control",
        "CTL-02",
        "--occurrence",
        1,
        "--file",
        exe,
        "--effective-date",
        "2026-01-10",
    )
    assert code == 1 and "program" in out
    code, out = _run(
        runner,
        "import-population",
        "--assessment",
        a,
        "--control",
        "CTL-01",
        "--empty",
        "--source",
        "HR",
    )
    assert code == 0 and "empty population recorded" in out


def test_the_table_command_switches_tables(
    runner: FlaskCliRunner, period_world: PeriodWorld, tmp_path: Path
) -> None:
    a = period_world.assessment.id
    code, out = _run(runner, "table", "--assessment", a)
    assert code == 0 and "Chiaro" in out
    firm = tmp_path / "firm.yaml"
    firm.write_text("name: Firm X\nperiodic: {monthly: 3}\nbands:\n  - {up_to: null, size: 30}\n")
    code, out = _run(runner, "table", "--assessment", a, "--file", firm)
    assert code == 0 and "Firm X" in out
    firm.write_text("periodic: {monthly: 0}\nbands: []\n")
    code, out = _run(runner, "table", "--assessment", a, "--file", firm)
    assert code == 1 and "periodic.monthly" in out
    code, out = _run(runner, "table", "--assessment", a, "--shipped")
    assert code == 0 and "Chiaro" in out
