"""`riskapp export workbook|policies` over an assessment stored in the test database."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    Control,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)


@pytest.fixture
def assessment_id(loaded: Path) -> int:
    """An Acme assessment over the small library: two controls selected, one risk rated."""
    org = Organization(name="Acme Ltd", settings={"system": "Acme Cloud", "bands": [1, 2]})
    db.session.add(org)
    db.session.flush()
    row = Assessment(
        organization_id=org.id,
        framework_id=db.session.scalar(sa.select(Framework.id)),
        name="SOC 2 2026",
        categories=["security"],
        report_type="type2",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        profile={"remote-workforce": True},
    )
    db.session.add(row)
    db.session.flush()
    controls = {c.ref: c.id for c in db.session.scalars(sa.select(Control))}
    db.session.add_all(
        [
            SelectedControl(
                assessment_id=row.id,
                control_id=controls["CTL-01"],
                owner="Dana",
                status="implemented",
                statement="=1+1 {identity_provider}",
            ),
            SelectedControl(assessment_id=row.id, control_id=controls["CTL-02"]),
        ]
    )
    risk_id = db.session.scalar(sa.select(Risk.id).where(Risk.ref == "R-TST-01"))
    db.session.add(
        AssessedRisk(
            assessment_id=row.id, risk_id=risk_id, likelihood=4, impact=4, treatment="mitigate"
        )
    )
    db.session.commit()
    return row.id


def test_export_workbook_writes_the_file_given(runner, assessment_id: int, tmp_path: Path) -> None:
    out = tmp_path / "out" / "book.xlsx"
    result = runner.invoke(
        args=["export", "workbook", "--assessment", str(assessment_id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stdout
    wb = load_workbook(out)
    gap = wb["Gap matrix"]
    assert [gap["A2"].value, gap["A3"].value] == ["T1.1", "T1.2"]
    controls = wb["Control matrix"]
    assert controls["C2"].value == "=1+1 [identity provider]" and controls["C2"].quotePrefix
    assert wb["Risk register"]["A2"].value == "R-TST-01"
    assert wb["Evidence plan"].max_row == 9  # 2 quarterly controls × 4 + header


def test_export_workbook_defaults_to_the_export_folder(
    app: Flask, runner, assessment_id: int
) -> None:
    result = runner.invoke(args=["export", "workbook", "--assessment", str(assessment_id)])
    assert result.exit_code == 0, result.output
    path = Path(app.config["RISKAPP_EXPORT_DIR"]) / "acme-ltd-soc-2-2026-workbook.xlsx"
    assert path.is_file()
    assert not list(path.parent.glob(".*.part"))


def test_export_policies_writes_each_docx_and_the_zip_with_progress(
    app: Flask, runner, assessment_id: int
) -> None:
    result = runner.invoke(
        args=[
            "export",
            "policies",
            "--assessment",
            str(assessment_id),
            "--effective-date",
            "2026-02-01",
        ]
    )
    assert result.exit_code == 0, result.output
    folder = Path(app.config["RISKAPP_EXPORT_DIR"]) / "acme-ltd-soc-2-2026-policies"
    assert sorted(p.name for p in folder.iterdir()) == [
        "access-policy.docx",
        "acme-ltd-soc-2-2026-policies.zip",
        "security-policy.docx",
    ]
    assert "wrote access-policy.docx" in result.stderr
    assert "wrote acme-ltd-soc-2-2026-policies.zip (2 policies)" in result.stderr
    assert "Wrote 2 policies" in result.stdout
    with zipfile.ZipFile(folder / "acme-ltd-soc-2-2026-policies.zip") as archive:
        assert archive.namelist() == ["access-policy.docx", "security-policy.docx"]
    document = docx.Document(str(folder / "access-policy.docx"))
    block = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert block["Effective date"] == "2026-02-01"
    assert "Each quarter, the IT Manager reviews access to Acme Cloud" in "\n".join(
        p.text for p in document.paragraphs
    )


def test_export_policies_into_a_given_folder(runner, assessment_id: int, tmp_path: Path) -> None:
    out = tmp_path / "policies"
    result = runner.invoke(
        args=["export", "policies", "--assessment", str(assessment_id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "access-policy.docx").is_file()


@pytest.mark.parametrize("kind", ["workbook", "policies"])
def test_unknown_assessment_exits_1_with_a_clear_message(
    app: Flask, runner, loaded: Path, kind: str
) -> None:
    result = runner.invoke(args=["export", kind, "--assessment", "999999"])
    assert result.exit_code == 1
    assert "Error: assessment 999999 not found." in result.stderr
    assert "Traceback" not in result.output
    assert not Path(app.config["RISKAPP_EXPORT_DIR"]).exists()
