"""The coverage step over HTTP: totals, heatmaps, gap table, closing set and who may add it."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    Control,
    ControlCriterion,
    Criterion,
    Risk,
    SelectedControl,
)


def _select(assessment: Assessment, ref: str, status: str = "implemented") -> None:
    control_id = db.session.scalar(sa.select(Control.id).where(Control.ref == ref))
    db.session.add(
        SelectedControl(
            assessment_id=assessment.id, control_id=control_id, statement="s", status=status
        )
    )


def _at_coverage(assessment: Assessment, *selected: tuple[str, str]) -> str:
    for ref, status in selected:
        _select(assessment, ref, status)
    assessment.step_reached = "coverage"
    db.session.commit()
    return f"/assessments/{assessment.id}/steps/coverage"


def _selected_refs(assessment: Assessment) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Control.ref, SelectedControl.status)
        .join(SelectedControl, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment.id)
    )
    return {ref: status for ref, status in rows}


def _count(page: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', page)
    assert found, name
    return int(found.group(1))


def _figure(page: str, element_id: str) -> dict:
    import html

    found = re.search(rf'id="{element_id}" data-figure="([^"]+)"', page)
    assert found, element_id
    figure = json.loads(html.unescape(found.group(1)))
    figure["data"] = [_expanded(trace) for trace in figure["data"]]
    return figure


def _expanded(trace: dict) -> dict:
    """Expand a sparse heatmap trace into plotly's grid, as static/js/charts.js does."""
    if "cells" not in trace:
        return trace
    hover = trace.pop("hover")
    z = [[None] * len(trace["x"]) for _ in trace["y"]]
    customdata = [[None] * len(trace["x"]) for _ in trace["y"]]
    for i, j, code, label in trace.pop("cells"):
        z[i][j] = code
        customdata[i][j] = [
            hover["rows"][i],
            hover["columns"][j],
            hover["labels"][label],
            hover["status"][i],
        ]
    return {**trace, "z": z, "customdata": customdata}


def test_the_page_shows_totals_heatmaps_gaps_and_the_closing_set(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    url = _at_coverage(a, ("CTL-02", "implemented"))
    auth.sign_in(two_orgs.owner_a.user.email)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # T1.1 has only CTL-02 supporting it: partial; T1.2 has CTL-02 implemented as primary
    assert [_count(page, s) for s in ("covered", "partial", "gap", "total")] == [1, 1, 0, 2]
    assert 'id="gap-T1.1"' in page and 'id="gap-T1.2"' not in page
    gap_row = page.split('id="gap-T1.1"')[1].split("</tr>")[0]
    assert "Only supporting controls; select a primary control." in gap_row
    assert "/library/controls/CTL-01" in gap_row
    closing = page.split('id="closing-set"')[1]
    assert 'id="close-CTL-01"' in closing and "proven minimal" in closing
    assert "1 control</strong> closes all 1 target" in closing

    heatmap = _figure(page, "coverage-heatmap")
    cells = heatmap["data"][0]
    assert cells["z"] == [[3], [6]]  # supporting · implemented, primary · implemented
    assert cells["customdata"][1][0][1].startswith("CTL-02 ")
    assert "T1.1" in heatmap["layout"]["yaxis"]["ticktext"][0]
    summary = _figure(page, "series-heatmap")
    statuses = ["covered", "partial", "gap", "not_applicable", "carved_out"]
    assert [t["x"] for t in summary["data"]] == [statuses] * 5
    links = re.search(r'data-cell-links="([^"]+)"', page).group(1)
    assert json.loads(links.replace("&#34;", '"')) == [
        f"/assessments/{a.id}/steps/controls?edit=CTL-02#c-CTL-02"
    ]

    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    assert "/static/js/plotly.min.js" in page and "cdn" not in page.lower()


def test_adding_the_closing_set_selects_it_as_planned(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    url = _at_coverage(a)
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get(url).get_data(as_text=True)
    assert "No control is selected yet" in page
    assert [_count(page, s) for s in ("covered", "partial", "gap")] == [0, 0, 2]
    assert re.findall(r'name="control" value="([^"]+)"', page) == ["CTL-01"]

    response = auth.post(f"{url}/close", {"control": "CTL-01"}, token_from=url)
    assert response.status_code == 302 and response.location.endswith(url)
    assert _selected_refs(a) == {"CTL-01": "planned"}
    page = client.get(url).get_data(as_text=True)
    assert "1 control added to the selection: CTL-01." in page
    # planned primary: no longer a gap, not yet covered, and nothing more to add
    assert [_count(page, s) for s in ("covered", "partial", "gap")] == [0, 2, 0]
    assert "Nothing to close" in page
    assert "Primary control(s) CTL-01 not yet implemented." in page


def test_the_closing_set_can_include_unmitigated_risks(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    risk_id = db.session.scalar(sa.select(Risk.id).where(Risk.ref == "R-TST-02"))
    db.session.add(
        AssessedRisk(
            assessment_id=a.id, risk_id=risk_id, likelihood=4, impact=4, treatment="mitigate"
        )
    )
    url = _at_coverage(a)
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get(url).get_data(as_text=True)
    assert _count(page, "unmitigated") == 1
    assert "<td>T1.1, T1.2</td>" in page
    page = client.get(f"{url}?risks=1").get_data(as_text=True)
    assert "<td>T1.1, T1.2, R-TST-02</td>" in page
    assert '<input type="hidden" name="risks" value="1">' in page


def test_an_unknown_control_adds_nothing(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    url = _at_coverage(a)
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post(f"{url}/close", {"control": ["CTL-01", "NOPE-9"]}, token_from=url)
    assert response.status_code == 404
    assert _selected_refs(a) == {}
    empty = auth.post(f"{url}/close", {}, token_from=url)
    assert empty.status_code == 302
    assert "No control was sent to add" in client.get(url).get_data(as_text=True)


def test_a_viewer_sees_coverage_but_cannot_add_controls(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    url = _at_coverage(a)
    auth.sign_in(two_orgs.viewer_a.user.email)
    page = client.get(url).get_data(as_text=True)
    assert 'id="closing-table"' in page and 'id="add-closing-set"' not in page
    assert auth.post(f"{url}/close", {"control": "CTL-01"}, token_from=url).status_code == 403
    assert _selected_refs(a) == {}


def test_adding_without_the_csrf_token_is_refused(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    url = _at_coverage(a)
    auth.sign_in(two_orgs.owner_a.user.email)
    response = client.post(f"{url}/close", data={"control": "CTL-01"})
    assert response.status_code == 400
    assert "security token is missing" in response.get_data(as_text=True)
    assert _selected_refs(a) == {}


def test_user_text_is_escaped_in_the_page_and_the_figure(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    hostile = '<img src=x onerror="alert(1)">'
    control = Control(
        assessment_id=a.id,
        ref="CUS-01",
        title=hostile,
        statement="s",
        domain="governance",
        type="preventive",
        nature="manual",
        frequency="annual",
        owner_role="CTO",
    )
    db.session.add(control)
    db.session.flush()
    criterion_id = db.session.scalar(sa.select(Criterion.id).where(Criterion.ref == "T1.1"))
    db.session.add(
        ControlCriterion(
            control_id=control.id, criterion_id=criterion_id, strength="primary", assessment_id=a.id
        )
    )
    db.session.add(SelectedControl(assessment_id=a.id, control_id=control.id, status="implemented"))
    url = _at_coverage(a)
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get(url).get_data(as_text=True)
    assert "<img" not in page
    heatmap = _figure(page, "coverage-heatmap")
    assert heatmap["data"][0]["customdata"][0][0][1] == (
        "CUS-01 &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    assert _count(page, "covered") == 1
    # a custom control has no library page to link to
    assert heatmap["layout"]["xaxis"]["ticktext"] == ["CUS-01"]


def test_the_step_opens_once_a_control_is_selected_and_leads_to_quality(
    client, auth, two_orgs
) -> None:
    a = two_orgs.assessment_a
    a.step_reached = "controls"
    db.session.commit()
    base = f"/assessments/{a.id}/steps"
    auth.sign_in(two_orgs.owner_a.user.email)
    assert client.get(f"{base}/coverage").status_code == 302
    auth.post(f"{base}/controls/select", {"control": "CTL-02"}, token_from=f"{base}/controls")
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).step_reached == "coverage"
    assert client.get(f"{base}/coverage").status_code == 200
    assert client.get(f"{base}/quality").status_code == 302
    response = auth.post(f"{base}/coverage/continue", token_from=f"{base}/coverage")
    assert response.status_code == 302 and response.location.endswith(f"{base}/quality")
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).step_reached == "quality"


def test_the_assessment_page_sums_up_coverage(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    _at_coverage(a, ("CTL-02", "implemented"))
    auth.sign_in(two_orgs.viewer_a.user.email)
    page = client.get(f"/assessments/{a.id}").get_data(as_text=True)
    overview = page.split('id="coverage-overview">')[1].split("</dd>")[0]
    assert "1 of 2 in-scope criteria covered, 1 partial, 0 gaps" in overview
    assert f"/assessments/{a.id}/steps/coverage" in overview
