"""The guided path over HTTP: each step saves, keeps answers on failure, and moves on."""

from __future__ import annotations

import re

from riskapp.extensions import db
from riskapp.models import AssessedRisk, Assessment, SelectedControl


def _ids(assessment: Assessment) -> dict[str, int]:
    return {
        r.risk.ref: r.id
        for r in db.session.query(AssessedRisk).filter_by(assessment_id=assessment.id)
    }


SCOPE = {
    "name": "Alpha SOC 2",
    "report_type": "type2",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "appetite": "9",
}


def test_the_whole_path_over_http(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps"
    auth.sign_in(two_orgs.owner_a.user.email)

    bad = auth.post(
        f"{base}/scope",
        {**SCOPE, "period_end": "2027-02-28", "name": "Kept name"},
        token_from=f"{base}/scope",
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "A Type 2 period runs from 3 to 12 months." in page
    assert 'value="Kept name"' in page
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).period_end is None

    ok = auth.post(f"{base}/scope", SCOPE, token_from=f"{base}/scope")
    assert ok.status_code == 302 and ok.location.endswith(f"{base}/profile")

    assert "1 risk" in client.get(f"{base}/profile").get_data(as_text=True)
    ok = auth.post(f"{base}/profile", {"remote-workforce": "yes"}, token_from=f"{base}/profile")
    assert ok.status_code == 302
    ids = _ids(a)
    assert set(ids) == {"R-TST-01", "R-TST-02"}

    risks_page = client.get(f"{base}/risks")
    assert risks_page.status_code == 200
    assert "data-figure=" in risks_page.get_data(as_text=True)
    assert (
        "unsafe-inline"
        not in risks_page.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    ratings = {
        f"l-{ids['R-TST-01']}": "9",
        f"i-{ids['R-TST-01']}": "4",
        f"l-{ids['R-TST-02']}": "2",
        f"i-{ids['R-TST-02']}": "2",
    }
    bad = auth.post(f"{base}/risks", ratings, token_from=f"{base}/risks")
    assert bad.status_code == 422
    assert "Rate likelihood from 1 to 5." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AssessedRisk, ids["R-TST-01"]).likelihood == 3  # unchanged default

    ratings[f"l-{ids['R-TST-01']}"] = "4"
    assert auth.post(f"{base}/risks", ratings, token_from=f"{base}/risks").status_code == 302

    missing = auth.post(
        f"{base}/treatment", {f"t-{ids['R-TST-01']}": "mitigate"}, token_from=f"{base}/treatment"
    )
    assert missing.status_code == 422
    assert "Name the risk owner." in missing.get_data(as_text=True)
    done = auth.post(
        f"{base}/treatment",
        {f"t-{ids['R-TST-01']}": "mitigate", f"o-{ids['R-TST-01']}": "CTO"},
        token_from=f"{base}/treatment",
    )
    assert done.status_code == 302 and done.location.endswith(f"{base}/controls")

    controls = client.get(f"{base}/controls").get_data(as_text=True)
    ranks = re.findall(r'id="suggest-(CTL-\d+)"', controls)
    assert ranks == ["CTL-01", "CTL-02", "CTL-03"]
    assert "Mitigates 1 of your risks (R-TST-01)" in controls
    residual = re.search(r'id="residual-R-TST-01".*?residual-now">(\d+)', controls, re.S)
    assert residual.group(1) == "16"

    auth.post(f"{base}/controls/select", {"control": "CTL-01"}, token_from=f"{base}/controls")
    selected = db.session.query(SelectedControl).one()
    assert selected.statement is None  # follows the library template, rendered live
    live = client.get(f"{base}/controls?edit=CTL-01").get_data(as_text=True)
    assert "IT Manager" in re.search(r'id="live-CTL-01">(.*?)</p>', live, re.S).group(1)
    auth.post(
        f"{base}/controls/tailor",
        {
            "control": "CTL-01",
            "statement": "",
            "owner": "Jo Ops",
            "frequency": "quarterly",
            "status": "implemented",
            "na_reason": "",
        },
        token_from=f"{base}/controls",
    )
    controls = client.get(f"{base}/controls").get_data(as_text=True)
    residual = re.search(r'id="residual-R-TST-01".*?residual-now">(\d+)', controls, re.S)
    assert residual.group(1) == "12"  # detective CTL-01 lowers likelihood 4 → 3

    quality = client.get(f"{base}/quality").get_data(as_text=True)
    assert re.search(r"<strong>\d of 1</strong> statements pass", quality)

    auth.post(
        f"{base}/controls/tailor",
        {
            "control": "CTL-01",
            "statement": "Each quarter, Jo Ops reviews access to the platform; files it in Jira.",
            "owner": "Jo Ops",
            "frequency": "monthly",
            "status": "implemented",
            "na_reason": "",
        },
        token_from=f"{base}/controls",
    )
    quality = client.get(f"{base}/quality").get_data(as_text=True)
    assert "<strong>0 of 1</strong> statements pass" in quality
    assert "Stated cadence disagrees with the frequency: &#39;each quarter&#39; reads as" in quality


def test_a_viewer_reads_the_steps_but_cannot_save(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    auth.sign_in(two_orgs.viewer_a.user.email)
    assert client.get(f"/assessments/{a.id}/steps/scope").status_code == 200
    response = auth.post(
        f"/assessments/{a.id}/steps/scope", SCOPE, token_from=f"/assessments/{a.id}/steps/scope"
    )
    assert response.status_code == 403


def test_later_steps_wait_for_earlier_ones(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    auth.sign_in(two_orgs.owner_a.user.email)
    response = client.get(f"/assessments/{a.id}/steps/controls")
    assert response.status_code == 302
    assert response.location.endswith(f"/assessments/{a.id}/steps/{a.step_reached}")


def test_bands_are_an_organisation_setting(client, auth, two_orgs) -> None:
    from riskapp.models import Organization

    auth.sign_in(two_orgs.owner_a.user.email)
    bad = auth.post(
        "/org/settings",
        {"name": "Alpha Ltd", "risk_bands": "low 1-4, high 6-25"},
        token_from="/org/settings",
    )
    assert bad.status_code == 422
    assert "band &#39;high&#39; must start at 5, not 6" in bad.get_data(as_text=True)
    ok = auth.post(
        "/org/settings",
        {"name": "Alpha Ltd", "risk_bands": "calm 1-12, hot 13-25"},
        token_from="/org/settings",
    )
    assert ok.status_code == 302
    assert db.session.get(Organization, two_orgs.a.id).settings["risk_bands"] == (
        "calm 1-12, hot 13-25"
    )
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps"
    auth.post(f"{base}/scope", SCOPE, token_from=f"{base}/scope")
    auth.post(f"{base}/profile", {"remote-workforce": "yes"}, token_from=f"{base}/profile")
    page = client.get(f"{base}/risks").get_data(as_text=True)
    assert "12 calm" in page  # default rating 3 x 4 under the organisation's bands


def test_downloads_are_built_from_the_current_data(client, auth, two_orgs) -> None:
    import io
    import zipfile

    from openpyxl import load_workbook

    a = two_orgs.assessment_a
    auth.sign_in(two_orgs.viewer_a.user.email)  # viewers may export
    show = client.get(f"/assessments/{a.id}").get_data(as_text=True)
    assert f"/assessments/{a.id}/export/workbook" in show
    response = client.get(f"/assessments/{a.id}/export/workbook")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.data))
    assert "Gap matrix" in book.sheetnames
    response = client.get(f"/assessments/{a.id}/export/policies")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None


def test_the_workbook_uses_the_organisation_bands(client, auth, two_orgs) -> None:
    import io

    from openpyxl import load_workbook

    a = two_orgs.assessment_a
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post(
        "/org/settings",
        {"name": "Alpha Ltd", "risk_bands": "calm 1-12, hot 13-25"},
        token_from="/org/settings",
    )
    book = load_workbook(io.BytesIO(client.get(f"/assessments/{a.id}/export/workbook").data))
    values = {cell.value for row in book["Lists"].iter_rows() for cell in row}
    assert {"calm", "hot"} <= values
    assert "critical" not in values
