"""Upgrading the library keeps users' work: the previous shipped library, the demo, a new load.

`tests/data/library-2026.11.0/` is the library shipped at commit a37cced,
committed as a fixture so a shallow clone still has it.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from docx import Document
from flask import Flask
from openpyxl import load_workbook

from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    Control,
    Membership,
    Organization,
    Risk,
    SelectedControl,
)
from riskapp.repository.assessments import to_assessment_data
from riskapp.services.coverage import load as load_coverage
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.conftest import AuthActions

PREVIOUS = Path(__file__).parent / "data" / "library-2026.11.0"
SHIPPED = Path(__file__).parents[1] / "seed_library"


def selections(assessment_id: int) -> dict[str, tuple]:
    """Every selected control's tailored values, by control ref."""
    rows = db.session.execute(
        sa.select(
            Control.ref,
            SelectedControl.statement,
            SelectedControl.owner,
            SelectedControl.frequency,
            SelectedControl.status,
            SelectedControl.na_reason,
        )
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == assessment_id)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def ratings(assessment_id: int) -> dict[str, tuple]:
    """Every risk rating and treatment, by risk ref."""
    rows = db.session.execute(
        sa.select(
            Risk.ref,
            AssessedRisk.likelihood,
            AssessedRisk.impact,
            AssessedRisk.excluded,
            AssessedRisk.exclusion_reason,
            AssessedRisk.treatment,
            AssessedRisk.owner,
            AssessedRisk.rationale,
            AssessedRisk.residual_likelihood_override,
            AssessedRisk.residual_impact_override,
            AssessedRisk.override_reason,
        )
        .join(Risk, Risk.id == AssessedRisk.risk_id)
        .where(AssessedRisk.assessment_id == assessment_id)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def _selected_rows(assessment_id: int) -> list[SelectedControl]:
    return list(
        db.session.scalars(
            sa.select(SelectedControl)
            .where(SelectedControl.assessment_id == assessment_id)
            .order_by(SelectedControl.id)
        )
    )


def tailor(assessment_id: int) -> None:
    """Edit a few selections and ratings the way a user would, then commit."""
    rows = _selected_rows(assessment_id)
    rows[0].statement = "Each quarter, Jo Müller reviews Okta access and files the review in Jira."
    rows[0].owner = "Jo Müller, IT lead"
    rows[0].frequency = "quarterly"
    rows[0].status = "partially-implemented"
    rows[1].status = "not-applicable"
    rows[1].na_reason = "No office: every system is a SaaS product."
    rows[2].owner = "Head of Platform"
    rows[2].frequency = "monthly"
    rows[3].status = "planned"
    risks = list(
        db.session.scalars(
            sa.select(AssessedRisk)
            .where(AssessedRisk.assessment_id == assessment_id)
            .order_by(AssessedRisk.id)
        )
    )
    risks[0].likelihood, risks[0].impact = 5, 4
    risks[0].treatment, risks[0].owner, risks[0].rationale = "mitigate", "CTO", "Seen twice."
    risks[1].excluded, risks[1].exclusion_reason = True, "We run no servers of our own."
    risks[2].residual_likelihood_override, risks[2].residual_impact_override = 1, 2
    risks[2].override_reason = "Compensating manual check."
    risks[3].treatment, risks[3].owner = "accept", "CEO"
    db.session.commit()


def drop_risk(target: Path, ref: str) -> None:
    """Take risk `ref` and every mitigation of it out of the library at `target`."""
    for path in sorted((target / "risks").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data["risks"] = [r for r in data["risks"] if r["ref"] != ref]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    for path in sorted((target / "controls").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for control in data["controls"]:
            kept = [m for m in control["mitigates"] if m["risk"] != ref]
            control["mitigates"] = kept or control["mitigates"][:0]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def split_library(target: Path, old: str) -> Path:
    """Write the previous library with control `old` split into `old`A and `old`B, retired."""
    shutil.copytree(PREVIOUS, target)
    manifest = target / "library.yaml"
    meta = yaml.safe_load(manifest.read_text())
    meta["version"] = "2026.12.0"
    meta["retired"] = {old: [f"{old}A", f"{old}B"]}
    manifest.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))
    for path in sorted((target / "controls").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        found = next((c for c in data["controls"] if c["ref"] == old), None)
        if found is None:
            continue
        at = data["controls"].index(found)
        data["controls"][at : at + 1] = [
            {**found, "ref": f"{old}A", "title": f"{found['title']} (guard)"},
            {**found, "ref": f"{old}B", "title": f"{found['title']} (review)"},
        ]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return target
    raise AssertionError(f"{old} is not in the previous library")


@pytest.fixture
def demo_on_previous(app: Flask) -> int:
    """The previous shipped library loaded, the demo built on it and tailored; its assessment id."""
    load_library(PREVIOUS)
    db.session.commit()
    _org_id, assessment_id = create_demo("Demo Co")
    db.session.commit()
    tailor(assessment_id)
    return assessment_id


def _sign_in(
    client: Any, auth: AuthActions, make_member: Callable[..., Membership], assessment_id: int
) -> None:
    org = db.session.get(Organization, db.session.get(Assessment, assessment_id).organization_id)
    member = make_member(org=org, role="viewer")
    assert auth.sign_in(member.user.email).status_code == 302


def _control_matrix(client: Any, assessment_id: int) -> dict[str, dict[str, Any]]:
    response = client.get(f"/assessments/{assessment_id}/export/workbook")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.data))["Control matrix"]
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return {row[0]: dict(zip(header, row, strict=False)) for row in values[1:] if row[0]}


def test_the_previous_fixture_is_the_shipped_2026_11_0_library() -> None:
    meta = yaml.safe_load((PREVIOUS / "library.yaml").read_text())
    assert meta["version"] == "2026.11.0"
    size = sum(p.stat().st_size for p in PREVIOUS.rglob("*.yaml"))
    assert size < 1_000_000


def test_loading_the_shipped_library_over_the_previous_one_keeps_every_edit(
    runner: Any, client: Any, auth: AuthActions, make_member: Callable, demo_on_previous: int
) -> None:
    assessment_id = demo_on_previous
    before = (selections(assessment_id), ratings(assessment_id))
    assessment = db.session.get(Assessment, assessment_id)
    profile, scope = dict(assessment.profile), (assessment.categories, assessment.period_end)

    result = runner.invoke(args=["library", "load", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    assert (selections(assessment_id), ratings(assessment_id)) == before
    assessment = db.session.get(Assessment, assessment_id)
    assert (dict(assessment.profile), (assessment.categories, assessment.period_end)) == (
        profile,
        scope,
    )
    # every selection is still shown: on the controls page and in the workbook
    _sign_in(client, auth, make_member, assessment_id)
    page = client.get(f"/assessments/{assessment_id}/steps/controls").get_data(as_text=True)
    matrix = _control_matrix(client, assessment_id)
    retired = set(
        db.session.scalars(
            sa.select(Control.ref).where(Control.retired, Control.ref.in_(before[0]))
        )
    )
    for ref, (_statement, _owner, _frequency, status, _na) in before[0].items():
        assert f'id="row-{ref}"' in page
        assert matrix[ref]["Implementation status"] == status
        assert (matrix[ref]["Library status"] == "current") == (ref not in retired)


def test_a_split_control_stays_on_the_assessment_marked_retired_with_its_successors(
    runner: Any,
    client: Any,
    auth: AuthActions,
    make_member: Callable,
    demo_on_previous: int,
    tmp_path: Path,
) -> None:
    assessment_id = demo_on_previous
    old = _selected_rows(assessment_id)[0].control.ref  # the tailored one
    before = (selections(assessment_id), ratings(assessment_id))
    coverage_before = load_coverage(db.session.get(Assessment, assessment_id))[2]

    result = runner.invoke(args=["library", "load", str(split_library(tmp_path / "v2", old))])
    assert result.exit_code == 0, result.output
    assert f"{old} retired, replaced by {old}A, {old}B" in result.output
    db.session.expire_all()

    assert (selections(assessment_id), ratings(assessment_id)) == before
    row = db.session.scalar(sa.select(Control).where(Control.ref == old))
    assert (row.retired, row.successors, row.retired_in) == (
        True,
        [f"{old}A", f"{old}B"],
        "2026.12.0",
    )
    # a retired control still operates: its mappings and so the coverage are unchanged
    assessment = db.session.get(Assessment, assessment_id)
    assert load_coverage(assessment)[2] == coverage_before
    data = to_assessment_data(db.session, assessment)
    assert data.custom.retired[old].successors == (f"{old}A", f"{old}B")

    _sign_in(client, auth, make_member, assessment_id)
    base = f"/assessments/{assessment_id}"
    controls = client.get(f"{base}/steps/controls").get_data(as_text=True)
    row = controls[controls.index(f'id="row-{old}"') :]
    assert 'class="badge badge-retired">retired</span>' in row[: row.index("</tr>")]
    controls = client.get(f"{base}/steps/controls?edit={old}").get_data(as_text=True)
    card = controls[controls.index(f'id="editor-{old}"') :]
    card = card[: card.index("</form>")]
    assert 'class="badge badge-retired">retired</span>' in card
    assert f">{old}A</a>, <a" in card and f">{old}B</a>" in card
    assert "Jo Müller, IT lead" in card  # the tailored values are still there to edit
    for path in ("", "/steps/coverage"):
        page = client.get(f"{base}{path}").get_data(as_text=True)
        assert f'id="retired-{old}"' in page, path
        assert f"select its successors, then remove {old}" in page
    quality = client.get(f"{base}/steps/quality").get_data(as_text=True)
    assert f'id="q-{old}"' in quality and "badge-retired" in quality
    library_page = client.get(f"/library/controls/{old}").get_data(as_text=True)
    assert "This control was retired from the library in version 2026.12.0" in library_page

    matrix = _control_matrix(client, assessment_id)
    assert matrix[old]["Library status"] == f"retired in 2026.12.0; replaced by {old}A, {old}B"
    assert matrix[old]["Owner"] == "Jo Müller, IT lead"
    assert matrix[old]["Implementation status"] == "partially-implemented"
    assert matrix[old]["Primary criteria"] or matrix[old]["Supporting criteria"]

    policies = client.get(f"{base}/export/policies")
    assert policies.status_code == 200
    texts = []
    with zipfile.ZipFile(BytesIO(policies.data)) as archive:
        for name in archive.namelist():
            document = Document(BytesIO(archive.read(name)))
            texts.append("\n".join(p.text for p in document.paragraphs))
    assert any(f"(retired; replaced by {old}A, {old}B)" in text for text in texts)


def test_a_control_back_in_a_later_library_is_current_again(
    runner: Any, demo_on_previous: int, tmp_path: Path
) -> None:
    old = _selected_rows(demo_on_previous)[0].control.ref
    assert (
        runner.invoke(args=["library", "load", str(split_library(tmp_path / "v2", old))]).exit_code
        == 0
    )
    again = tmp_path / "v3"
    shutil.copytree(PREVIOUS, again)
    meta = yaml.safe_load((again / "library.yaml").read_text())
    meta["version"] = "2026.12.1"
    (again / "library.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    assert runner.invoke(args=["library", "load", str(again)]).exit_code == 0
    db.session.expire_all()
    row = db.session.scalar(sa.select(Control).where(Control.ref == old))
    assert (row.retired, row.successors, row.retired_in) == (False, [], "")
    data = to_assessment_data(db.session, db.session.get(Assessment, demo_on_previous))
    assert data.custom.retired == {}


def _risk_register(client: Any, assessment_id: int) -> dict[str, dict[str, Any]]:
    response = client.get(f"/assessments/{assessment_id}/export/workbook")
    ws = load_workbook(BytesIO(response.data))["Risk register"]
    values = list(ws.iter_rows(values_only=True))
    return {row[0]: dict(zip(values[0], row, strict=False)) for row in values[1:] if row[0]}


def test_a_retired_risk_keeps_its_rating_and_residual(
    runner: Any,
    client: Any,
    auth: AuthActions,
    make_member: Callable,
    demo_on_previous: int,
    tmp_path: Path,
) -> None:
    assessment_id = demo_on_previous
    rated = ratings(assessment_id)
    _sign_in(client, auth, make_member, assessment_id)
    register = _risk_register(client, assessment_id)
    risk = next(ref for ref, values in rated.items() if values[4] == "mitigate")
    target = tmp_path / "v2"
    shutil.copytree(PREVIOUS, target)
    drop_risk(target, risk)
    meta = yaml.safe_load((target / "library.yaml").read_text())
    meta["version"] = "2026.12.0"
    (target / "library.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    result = runner.invoke(args=["library", "load", str(target)])
    assert result.exit_code == 0, result.output
    assert "retired 1 risks" in result.output
    db.session.expire_all()
    assert ratings(assessment_id) == rated
    after = _risk_register(client, assessment_id)
    assert after[risk] == register[risk]
    risks_page = client.get(f"/assessments/{assessment_id}/steps/risks").get_data(as_text=True)
    assert risk in risks_page
