"""Statements rendered live from the inventory: quality page, workbook and policies agree."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from riskapp.config import SEED_LIBRARY
from riskapp.domain.assessment.wizard import ScopeAnswers
from riskapp.domain.inventory.model import ROLES, SystemEntry
from riskapp.extensions import db
from riskapp.models import Control, LibraryRelease, SelectedControl, System
from riskapp.repository import library as library_repo
from riskapp.services import exports, inventory, wizard, wizard_pages
from riskapp.services.demo import DEMO_SETTINGS
from riskapp.services.library import load_library

BRACKETS = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}")


@pytest.fixture
def eighty(app, make_member):
    """An owner's organisation with 80 controls selected and an empty inventory."""
    load_library(SEED_LIBRARY)
    member = make_member(role="owner", email="lead@acme.example")
    org = member.organization
    row = wizard.create_assessment(
        org,
        ScopeAnswers(
            name="SOC 2 Type 2",
            categories=("security", "availability", "confidentiality"),
            report_type="type2",
            as_of=None,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            appetite=9,
        ),
    )
    refs = list(library_repo.read_library(db.session).controls)[:80]
    assert wizard_pages.select(row, refs) == 80
    wizard.reach(row, "quality")
    db.session.commit()
    return member, row


def quality_statements(client, assessment_id: int) -> dict[str, str]:
    page = client.get(f"/assessments/{assessment_id}/steps/quality").get_data(as_text=True)
    found = re.findall(
        r'<li id="q-([^"]+)".*?<blockquote class="statement">(.*?)</blockquote>', page, re.S
    )
    return dict(found)


def quality_verdicts(client, assessment_id: int) -> dict[str, str]:
    page = client.get(f"/assessments/{assessment_id}/steps/quality").get_data(as_text=True)
    return dict(re.findall(r'<li id="q-([^"]+)" class="(pass|fail)"', page))


def workbook_rows(assessment_id: int) -> list[dict[str, object]]:
    wb = load_workbook(io.BytesIO(exports.workbook_file(assessment_id).content), read_only=True)
    rows = list(wb["Control matrix"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def policy_texts(assessment_id: int) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(exports.policies_zip_file(assessment_id).content))
    texts = []
    for name in archive.namelist():
        document = Document(io.BytesIO(archive.read(name)))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        texts.append("\n".join(parts))
    return texts


# The approval block's blanks are for the approver to fill when signing, not placeholders.
APPROVAL_BLANKS = {"[approver name]", "[approver role]", "[approval date]"}


def count_brackets(texts) -> int:
    return sum(1 for t in texts for b in BRACKETS.findall(str(t or "")) if b not in APPROVAL_BLANKS)


def fill_inventory(org_id: int) -> None:
    by_name: dict[str, list[str]] = {}
    for role, name in DEMO_SETTINGS.items():
        by_name.setdefault(name, []).append(role)
    for name, roles in by_name.items():
        inventory.save_system(
            org_id, SystemEntry(name=name, kind=ROLES[roles[0]][1], roles=tuple(roles))
        )
    db.session.commit()


def test_filling_the_inventory_after_selecting_80_controls_resolves_every_placeholder(
    client, auth, eighty
) -> None:
    member, row = eighty
    auth.sign_in(member.user.email)
    before = quality_statements(client, row.id)
    assert len(before) == 80
    assert count_brackets(before.values()) > 80  # [system], [ticketing system], …
    assert count_brackets(r["Tailored statement"] for r in workbook_rows(row.id)) > 0
    assert count_brackets(policy_texts(row.id)) > 0
    page = client.get(f"/assessments/{row.id}/steps/quality").get_data(as_text=True)
    assert "Unresolved placeholder {ticketing_system}." in page
    assert 'href="/org/systems#role-ticketing_system"' in page

    fill_inventory(member.organization_id)

    after = quality_statements(client, row.id)
    assert count_brackets(after.values()) == 0
    workbook = workbook_rows(row.id)
    assert count_brackets(r["Tailored statement"] for r in workbook) == 0
    assert count_brackets(policy_texts(row.id)) == 0
    page = client.get(f"/assessments/{row.id}/steps/quality").get_data(as_text=True)
    assert "Unresolved placeholder" not in page and "Bracketed text" not in page

    # the quality step and the workbook give the same verdict for every statement
    verdicts = quality_verdicts(client, row.id)
    in_workbook = {
        r["Ref"]: "pass" if r["Statement check"] == "passes" else "fail"
        for r in workbook
        if r["Statement check"] != "not applicable"
    }
    assert verdicts == in_workbook
    assert list(verdicts.values()).count("pass") > 0


def test_renaming_a_system_or_changing_an_owner_shows_at_once_everywhere(
    client, auth, eighty
) -> None:
    member, row = eighty
    fill_inventory(member.organization_id)
    auth.sign_in(member.user.email)
    okta = db.session.scalar(sa.select(System).where(System.name == "Okta"))
    response = auth.post(
        f"/org/systems/{okta.id}/edit",
        {
            "name": "Okta Workforce Identity",
            "kind": "identity-provider",
            "classification": "confidential",
            "in_scope": "y",
            "roles": ["identity_provider"],
        },
        token_from=f"/org/systems/{okta.id}/edit",
    )
    assert response.status_code == 302
    statements = quality_statements(client, row.id)
    named = [ref for ref, text in statements.items() if "Okta Workforce Identity" in text]
    assert named
    assert not any(re.search(r"\bOkta\b(?! Workforce)", t) for t in statements.values())
    workbook = workbook_rows(row.id)
    assert sum("Okta Workforce Identity" in (r["Tailored statement"] or "") for r in workbook) == (
        len(named)
    )
    assert any("Okta Workforce Identity" in text for text in policy_texts(row.id))

    ref = named[0]
    control = library_repo.read_library(db.session).controls[ref]
    assert "{owner}" in control.statement
    response = auth.post(
        f"/assessments/{row.id}/steps/controls/tailor",
        {
            "control": ref,
            "statement": control.statement,  # the template as shown: still follows it
            "owner": "Chief Identity Wrangler",
            "frequency": control.frequency,
            "status": "implemented",
            "na_reason": "",
        },
        token_from=f"/assessments/{row.id}/steps/controls",
    )
    assert response.status_code == 302
    selected = db.session.scalar(
        sa.select(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == row.id, Control.ref == ref)
    )
    db.session.refresh(selected)
    assert selected.statement is None
    assert "Chief Identity Wrangler" in quality_statements(client, row.id)[ref]
    by_ref = {r["Ref"]: r for r in workbook_rows(row.id)}
    assert "Chief Identity Wrangler" in by_ref[ref]["Tailored statement"]


def test_a_users_wording_is_kept_and_a_newer_template_under_it_is_shown(
    client, auth, eighty
) -> None:
    member, row = eighty
    fill_inventory(member.organization_id)
    auth.sign_in(member.user.email)
    ref = next(iter(quality_statements(client, row.id)))
    mine = "  Each quarter the {owner} reviews {cloud_provider} access;\nrecords kept in Jira.  "
    response = auth.post(
        f"/assessments/{row.id}/steps/controls/tailor",
        {
            "control": ref,
            "statement": mine,
            "owner": "",
            "frequency": "quarterly",
            "status": "planned",
            "na_reason": "",
        },
        token_from=f"/assessments/{row.id}/steps/controls",
    )
    assert response.status_code == 302
    selected = db.session.scalar(
        sa.select(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == row.id, Control.ref == ref)
    )
    db.session.refresh(selected)
    assert selected.statement == mine.strip()
    library_control = db.session.get(Control, selected.control_id)
    assert selected.statement_base == library_control.statement
    assert "records kept in Jira" in quality_statements(client, row.id)[ref]

    library_control.statement = "A newer library wording for {system}, reviewed each {frequency}."
    # a library load changes the wording and records a release, which renews every cache
    db.session.add(LibraryRelease(name="riskapp SOC 2 library", version="next", updated=1))
    db.session.commit()
    page = client.get(f"/assessments/{row.id}/steps/controls?edit={ref}").get_data(as_text=True)
    card = page[page.index(f'id="editor-{ref}"') :]
    card = card[: card.index("</form>")]
    assert "The library's wording changed since you wrote yours." in card
    assert "A newer library wording for {system}" in card
    assert "records kept in Jira" in card  # the user's wording, unchanged
