"""The issue's check: the demo, filled in, drafts a system description paragraph by paragraph."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa
from docx.enum.text import WD_COLOR_INDEX

from riskapp.config import SEED_LIBRARY
from riskapp.domain.errors import InvalidInput
from riskapp.extensions import db
from riskapp.models import Assessment, AuditEvent, Criterion, CriterionExclusion, Vendor
from riskapp.services import description as service
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REASON = "The system processes no personal information, so the privacy notice does not apply."


@pytest.fixture
def filled(app) -> tuple[int, int]:
    """The demo with its answers (legal ones left empty), a carve-out, an N/A, an incident."""
    load_library(SEED_LIBRARY)
    org_id, assessment_id = create_demo("Acme Payroll")
    row = db.session.get(Assessment, assessment_id)
    service.save_answers(
        org_id,
        {
            "services": "Hosted payroll for mid-sized employers.\x00",
            "commitments": "99.9% monthly availability.",
            "security_commitments": "Customer data encrypted at rest and in transit.",
            "legal_requirements": "",
        },
    )
    vendor = Vendor(organization_id=org_id, name="Amazon Web Services", service="Cloud hosting")
    db.session.add(vendor)
    db.session.flush()

    def criterion(ref: str) -> int:
        return db.session.scalar(sa.select(Criterion.id).where(Criterion.ref == ref))

    db.session.add_all(
        [
            CriterionExclusion(
                assessment_id=assessment_id,
                criterion_id=criterion("CC6.4"),
                kind="carved_out",
                reason="Data centres are run by our cloud provider.",
                vendor_id=vendor.id,
                vendor_controls="Badges, visitor logs and CCTV at the data centres.",
            ),
            CriterionExclusion(
                assessment_id=assessment_id,
                criterion_id=criterion("A1.3"),
                kind="not_applicable",
                reason=REASON,
            ),
        ]
    )
    on = date(row.period_start.year, 3, 2)
    service.save_incident(
        org_id,
        {
            "occurred_on": on.isoformat(),
            "nature": "Phishing took over one support mailbox",
            "timing": "Found within 2 hours, closed the same day",
            "extent": "One mailbox; no customer data read",
            "disposition": "Password reset, MFA enforced, staff retrained",
            "significant": "y",
        },
    )
    db.session.commit()
    return org_id, assessment_id


def _paragraphs(content: bytes) -> list[tuple[str, str, bool]]:
    """Return (style, text, has a highlighted run) for body paragraphs and table cells, in order."""
    document = docx.Document(io.BytesIO(content))
    out = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            items = [docx.text.paragraph.Paragraph(child, document)]
        elif child.tag.endswith("}tbl"):
            table = docx.table.Table(child, document)
            items = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
        else:
            continue
        for p in items:
            lit = any(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs)
            out.append((p.style.name, p.text, lit))
    return out


def _section(paras: list[tuple[str, str, bool]], code: str) -> list[tuple[str, str, bool]]:
    start = next(i for i, p in enumerate(paras) if p[0] == "Heading 1" and f"({code})" in p[1])
    end = next((i for i, p in enumerate(paras) if i > start and p[0] == "Heading 1"), len(paras))
    return paras[start:end]


def test_the_demo_drafts_every_section_with_its_facts_and_blanks(filled, tmp_path) -> None:
    _org_id, assessment_id = filled
    built = service.description_file(assessment_id)
    paras = _paragraphs(built.content)
    headings = [t for s, t, _ in paras if s == "Heading 1" and "(DC" in t]
    assert [h.split("(")[-1].rstrip(")") for h in headings] == [f"DC{n}" for n in range(1, 10)]
    contents = [t for s, t, _ in paras if s != "Heading 1" and "(DC" in t and t[0].isdigit()]
    assert contents == headings  # the plain contents list names each section

    dc1 = " ".join(t for _, t, _ in _section(paras, "DC1"))
    assert "Hosted payroll for mid-sized employers." in dc1 and "\x00" not in dc1
    assert not any(lit for *_, lit in _section(paras, "DC1"))
    dc2 = _section(paras, "DC2")
    assert [t for _, t, lit in dc2 if lit] == ["[legal requirements]"]
    dc4 = " ".join(t for _, t, _ in _section(paras, "DC4"))
    assert "Phishing took over one support mailbox" in dc4 and "Password reset" in dc4
    dc7 = " ".join(t for _, t, _ in _section(paras, "DC7"))
    assert "Amazon Web Services" in dc7 and "CC6.4" in dc7 and "Cloud hosting" in dc7
    assert "Badges, visitor logs" in dc7
    dc8 = " ".join(t for _, t, _ in _section(paras, "DC8"))
    assert "A1.3" in dc8 and REASON in dc8
    dc5 = " ".join(t for _, t, _ in _section(paras, "DC5"))
    assert "CC6.1" in dc5 and "CC6.4" not in dc5.split("Criteria")[0]
    dc3 = " ".join(t for _, t, _ in _section(paras, "DC3"))
    assert "[in-scope systems]" not in dc3  # the demo's inventory fills it

    checklist = paras[
        next(i for i, p in enumerate(paras) if p[1] == "Still to fill in") : next(
            i for i, p in enumerate(paras) if p[1] == "Contents"
        )
    ]
    named = [t for _, t, _ in checklist if t.startswith("DC")]
    assert any("DC2:" in t and "[legal requirements]" in t for t in named)
    assert any("DC6:" in t and "[user-entity controls]" in t for t in named)
    blanks_in_body = [t for _, t, lit in paras[len(checklist) :] if lit]
    assert blanks_in_body, "every checklist item shows as a highlighted blank"
    assert not any("[services provided]" in t for _, t, _ in paras)
    assert not any("{" in t for _, t, _ in paras)


def test_a_description_without_incidents_asks_to_confirm(app) -> None:
    load_library(SEED_LIBRARY)
    _org_id, assessment_id = create_demo("Quiet Co")
    dc4 = next(s for s in service.sections(assessment_id) if s.code == "DC4")
    assert [m.name for m in dc4.missing] == ["confirm no significant incidents"]


def test_bad_incident_and_answers_change_nothing(filled) -> None:
    org_id, _ = filled
    before = service.incidents(org_id)
    with pytest.raises(InvalidInput) as refused:
        service.save_incident(org_id, {"occurred_on": "2026-13-45", "nature": "x" * 501})
    assert set(refused.value.problems) >= {"occurred_on", "nature"}
    with pytest.raises(InvalidInput):
        service.save_answers(org_id, {"services": "y" * 4001})
    assert service.incidents(org_id) == before
    assert service.answers(org_id).services == "Hosted payroll for mid-sized employers."


def test_changes_come_from_the_audit_trail_and_the_chosen_ones_reach_dc9(filled) -> None:
    _org_id, assessment_id = filled
    row = db.session.get(Assessment, assessment_id)
    candidates = service.change_candidates(row)
    assert candidates and all(c.summary.endswith(".") for c in candidates)
    service.choose_changes(row, [str(candidates[0].event_id)])
    db.session.commit()
    dc9 = next(s for s in service.sections(assessment_id) if s.code == "DC9")
    assert not dc9.missing
    assert any(candidates[0].summary in getattr(b, "text", "") for b in dc9.blocks)
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.object_kind == "significant_change")
    )


def test_the_cli_writes_the_description(filled, runner, tmp_path) -> None:
    _org_id, assessment_id = filled
    out = tmp_path / "description.docx"
    result = runner.invoke(
        args=["export", "description", "--assessment", str(assessment_id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).paragraphs
    missing = runner.invoke(args=["export", "description", "--assessment", "999999"])
    assert missing.exit_code == 1


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_description(filled, tmp_path: Path) -> None:
    _org_id, assessment_id = filled
    (tmp_path / "description.docx").write_bytes(service.description_file(assessment_id).content)
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(tmp_path / "description.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "pdf" / "description.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and pdf.stat().st_size > 1000, result.stdout + result.stderr
