"""Carve-outs end to end on the shipped library: no office, CC6.4 carved out to the cloud."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from riskapp.config import SEED_LIBRARY
from riskapp.extensions import db
from riskapp.models import Assessment, AuditEvent, CriterionExclusion, Membership, Organization
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.conftest import AuthActions


def _count(page: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', page)
    assert found, name
    return int(found.group(1))


@pytest.fixture
def no_office(app, make_member, make_user) -> tuple[Assessment, Membership]:
    """The demo assessment (Type 2, this calendar year) of a company that has no office."""
    load_library(SEED_LIBRARY)
    org_id, assessment_id = create_demo("Cloud Only Ltd")
    row = db.session.get(Assessment, assessment_id)
    row.profile = {**row.profile, "has-office": False}
    db.session.commit()
    org = db.session.get(Organization, org_id)
    owner = make_member(org, "owner", email="lead@cloudonly.example")
    return row, owner


def _vendor_form(year: int, **extra: str) -> dict[str, str]:
    return {
        "name": "Amazon Web Services",
        "service": "Cloud hosting of production",
        "systems": "AWS",  # the demo inventory's system that fills {cloud_provider}
        "data": "restricted-personal",
        "criticality": "critical",
        "contingency_plan": "Restore from cross-region backups into a second region.",
        "report_kind": "soc2-type2",
        "report_period_start": f"{year - 1}-10-01",
        "report_period_end": f"{year}-12-31",
        **extra,
    }


def test_no_office_company_carves_cc64_out_to_its_cloud_provider(
    client, auth: AuthActions, no_office, runner
) -> None:
    row, owner = no_office
    year = row.period_end.year
    coverage_url = f"/assessments/{row.id}/steps/coverage"
    auth.sign_in(owner.user.email)
    response = auth.post("/vendors/new", _vendor_form(year), token_from="/vendors/new")
    assert response.status_code == 302, response.get_data(as_text=True)

    page = client.get(coverage_url).get_data(as_text=True)
    assert 'id="office-suggestion"' in page and "Amazon Web Services" in page
    assert _count(page, "carved_out") == 0  # a proposal only: nothing carved out yet
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionExclusion)) == 0
    before_gaps = _count(page, "gap") + _count(page, "partial")
    vendor_id = re.search(r'name="vendor" value="(\d+)"', page.split("office-suggestion")[1])
    reason = "No office: our cloud provider controls physical access to its data centres."
    response = auth.post(
        f"/assessments/{row.id}/steps/coverage/set-aside",
        {
            "criterion": "CC6.4",
            "kind": "carved_out",
            "vendor": vendor_id.group(1),
            "reason": reason,
            "vendor_controls": "Badges, visitor logs and CCTV at the data centres.",
        },
        token_from=coverage_url,
    )
    assert response.status_code == 302

    page = client.get(coverage_url).get_data(as_text=True)
    assert _count(page, "carved_out") == 1
    assert 'id="gap-CC6.4"' not in page  # no gap, no partial on CC6.4
    assert _count(page, "gap") + _count(page, "partial") in (before_gaps, before_gaps - 1)
    aside = page.split('id="aside-CC6.4"')[1].split("</tr>")[0]
    assert "Amazon Web Services" in aside and "carved out" in aside and "⚠" not in aside
    closing = page.split('id="closing-set"')[1].split("</section>")[0]
    assert "close-PHY-" not in closing
    assert 'id="office-suggestion"' not in page
    assert 'id="monitoring-flag"' in page and "VND-03" in page.split('id="monitoring-flag"')[1]

    args = ["coverage", "--assessment", str(row.id), "--json", "--closing-set"]
    result = runner.invoke(args=args)
    report = json.loads(result.output)
    cc64 = next(c for c in report["criteria"] if c["ref"] == "CC6.4")
    assert cc64["status"] == "carved_out" and cc64["vendor"] == "Amazon Web Services"
    assert cc64["uncovered_days"] == 0 and cc64["warning"] == ""
    assert report["totals"]["carved_out"] == 1
    assert not [c for c in report["closing_set"]["controls"] if c["ref"].startswith("PHY-")]
    assert "CC6.4" not in report["closing_set"]["unclosable"]
    text = runner.invoke(args=["coverage", "--assessment", str(row.id)]).output
    assert "carved  CC6.4 to Amazon Web Services" in text

    response = client.get(f"/assessments/{row.id}/export/workbook")
    gap = load_workbook(io.BytesIO(response.data))["Gap matrix"]
    header = [c.value for c in gap[1]]
    line = next(r for r in gap.iter_rows(min_row=2, values_only=True) if r[0] == "CC6.4")
    values = dict(zip(header, line, strict=False))
    assert values["Status"] == "carved_out"
    assert values["Carved out to"] == "Amazon Web Services"
    assert values["Reason (not applicable or carved out)"] == reason

    overview = client.get(f"/assessments/{row.id}").get_data(as_text=True)
    assert "1 carved out" in overview.split('id="coverage-overview"')[1].split("</dd>")[0]

    kinds = set(db.session.scalars(sa.select(AuditEvent.object_kind)))
    assert {"vendor", "vendor_report", "criterion_exclusion"} <= kinds


def test_a_report_ending_before_the_period_end_needs_a_bridge_letter(
    client, auth: AuthActions, no_office
) -> None:
    row, owner = no_office
    year = row.period_end.year
    auth.sign_in(owner.user.email)
    form = _vendor_form(year, report_period_end=f"{year}-11-30")
    assert auth.post("/vendors/new", form, token_from="/vendors/new").status_code == 302
    page = client.get("/vendors/").get_data(as_text=True)
    cell = page.split('class="bridge"')[1].split("</td>")[0]
    assert "bridge letter needed" in cell and 'data-uncovered="31"' in cell
    assert "31 days uncovered" in cell

    vendor_id = re.search(r'href="/vendors/(\d+)/edit"', page).group(1)
    coverage_url = f"/assessments/{row.id}/steps/coverage"
    auth.post(
        f"/assessments/{row.id}/steps/coverage/set-aside",
        {"criterion": "CC6.4", "kind": "carved_out", "vendor": vendor_id, "reason": "No office."},
        token_from=coverage_url,
    )
    page = client.get(coverage_url).get_data(as_text=True)
    aside = page.split('id="aside-CC6.4"')[1].split("</tr>")[0]
    assert f"31 days uncovered ({year}-12-01 to {year}-12-31)" in aside
    detail = client.get(f"/vendors/{vendor_id}/edit").get_data(as_text=True)
    assert f"Bridge letter needed: 31 days uncovered ({year}-12-01 to {year}-12-31)." in detail


def test_a_refused_set_aside_keeps_what_was_typed_and_changes_nothing(
    client, auth: AuthActions, no_office
) -> None:
    row, owner = no_office
    auth.sign_in(owner.user.email)
    url = f"/assessments/{row.id}/steps/coverage"
    response = auth.post(
        f"{url}/set-aside",
        {"general": "1", "criterion": "CC6.4", "kind": "carved_out", "reason": "No office\x00."},
        token_from=url,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the vendor" in page.split('id="aside-vendor"')[0].rsplit('class="field', 1)[1]
    assert "No office." in page.split('id="aside-reason"')[1].split("</textarea>")[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionExclusion)) == 0
    response = auth.post(
        f"{url}/set-aside",
        {"general": "1", "criterion": "CC6.4", "kind": "not_applicable", "reason": "x" * 1001},
        token_from=url,
    )
    assert response.status_code == 422 and "under 1,000" in response.get_data(as_text=True)
    response = auth.post(
        f"{url}/set-aside",
        {"criterion": "ZZ9.9", "kind": "not_applicable", "reason": "x"},
        token_from=url,
    )
    assert response.status_code == 422 and "not a criterion in this" in response.get_data(
        as_text=True
    )


def test_not_applicable_then_undo(client, auth: AuthActions, no_office) -> None:
    row, owner = no_office
    auth.sign_in(owner.user.email)
    url = f"/assessments/{row.id}/steps/coverage"
    response = auth.post(
        f"{url}/set-aside",
        {"criterion": "CC6.4", "kind": "not_applicable", "reason": "No premises\x00 at all."},
        token_from=url,
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert _count(page, "not_applicable") == 1 and "No premises at all." in page
    found = db.session.scalar(sa.select(CriterionExclusion))
    assert found.reason == "No premises at all."
    response = auth.post(f"{url}/set-aside/{found.id}/undo", token_from=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert _count(page, "not_applicable") == 0 and 'id="no-set-aside"' in page
    actions = list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.object_kind == "criterion_exclusion")
        )
    )
    assert actions == ["create", "delete"]


def test_a_vendor_without_a_report_cannot_take_a_carve_out(
    client, auth: AuthActions, no_office
) -> None:
    row, owner = no_office
    auth.sign_in(owner.user.email)
    form = _vendor_form(2026, report_kind="none", report_period_start="", report_period_end="")
    assert auth.post("/vendors/new", form, token_from="/vendors/new").status_code == 302
    page = client.get("/vendors/").get_data(as_text=True)
    vendor_id = re.search(r'href="/vendors/(\d+)/edit"', page).group(1)
    url = f"/assessments/{row.id}/steps/coverage"
    response = auth.post(
        f"{url}/set-aside",
        {"criterion": "CC6.4", "kind": "carved_out", "vendor": vendor_id, "reason": "x"},
        token_from=url,
    )
    assert response.status_code == 422
    assert "no assurance report on record" in response.get_data(as_text=True)
    assert date.today()  # the page rendered with the user's answers; nothing was written
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionExclusion)) == 0


def test_a_refused_set_aside_has_the_banner_linking_to_the_field(
    client, auth: AuthActions, no_office
) -> None:
    row, owner = no_office
    auth.sign_in(owner.user.email)
    url = f"/assessments/{row.id}/steps/coverage"
    sent = {"general": "1", "criterion": "CC6.4", "kind": "carved_out", "reason": "No office"}
    page = auth.post(f"{url}/set-aside", sent, token_from=url).get_data(as_text=True)
    assert page.index('id="error-summary"') < page.index("<h2>Coverage</h2>")
    assert 'href="#aside-vendor" data-focus="aside-vendor">CC6.4, vendor: Choose the vendor' in page
