"""The coverage page's domain drill-down, and the closing set reused only while nothing changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from riskapp.domain.assessment.exclusions import SetAsideInput
from riskapp.domain.coverage.closing import closing_set
from riskapp.extensions import db
from riskapp.models import AssessedRisk, Assessment, Control, LibraryRelease, Risk, SelectedControl
from riskapp.services import carveouts, closing_cache
from riskapp.services import coverage as coverage_service
from tests.test_coverage_web import _figure


def _select(assessment: Assessment, ref: str, status: str = "implemented") -> None:
    control_id = db.session.scalar(sa.select(Control.id).where(Control.ref == ref))
    db.session.add(
        SelectedControl(assessment_id=assessment.id, control_id=control_id, status=status)
    )
    db.session.commit()


def test_large_selections_group_columns_by_domain_with_a_drill_down(
    client, auth, two_orgs, monkeypatch
) -> None:
    monkeypatch.setattr(coverage_service, "GROUP_ABOVE", 1)
    a = two_orgs.assessment_a
    _select(a, "CTL-02")
    _select(a, "CTL-03", "planned")
    a.step_reached = "coverage"
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    url = f"/assessments/{a.id}/steps/coverage"
    page = client.get(url).get_data(as_text=True)
    heatmap = _figure(page, "coverage-heatmap")
    layout = heatmap["layout"]["xaxis"]["ticktext"]
    drill = f"{url}?domain=access-control#heatmap-heading"
    assert layout == [f'<a href="{drill}" target="_self">access control</a>']
    # T1.1: CTL-02 and CTL-03 support it; T1.2: CTL-02 primary implemented, CTL-03 supporting
    assert heatmap["data"][0]["z"] == [[3], [6]]
    hover = heatmap["data"][0]["customdata"]
    assert hover[0][0][2] == "2 selected controls; strongest supporting · implemented"
    assert 'id="domain-drill"' in page and f'href="{drill}"' in page
    assert '<span class="muted">(2)</span>' in page
    assert f'data-cell-links="[&#34;{drill}&#34;]"' in page

    page = client.get(f"{url}?domain=access-control").get_data(as_text=True)
    heatmap = _figure(page, "coverage-heatmap")
    ticks = heatmap["layout"]["xaxis"]["ticktext"]
    assert [t.split(">")[1].split("<")[0] for t in ticks] == ["CTL-02", "CTL-03"]
    assert heatmap["data"][0]["z"] == [[3, 1], [6, 1]]
    assert "Columns: the 2 selected controls of <strong>access control</strong>" in page
    assert 'id="domain-drill-all"' in page
    assert f"/assessments/{a.id}/steps/controls?edit=CTL-03#c-CTL-03" in page

    # an unknown domain shows the grouped view again
    page = client.get(f"{url}?domain=nowhere").get_data(as_text=True)
    assert _figure(page, "coverage-heatmap")["data"][0]["z"] == [[3], [6]]


def test_small_selections_keep_one_column_per_control(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    _select(a, "CTL-02")
    a.step_reached = "coverage"
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get(f"/assessments/{a.id}/steps/coverage").get_data(as_text=True)
    assert 'id="domain-drill"' not in page
    assert _figure(page, "coverage-heatmap")["data"][0]["z"] == [[3], [6]]


@pytest.fixture
def counted(monkeypatch):
    """Count the closing set's solves."""
    closing_cache.clear()
    calls: list[int] = []
    real = closing_cache.closing_set

    def solve(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(closing_cache, "closing_set", solve)
    return calls


def _page(row: Assessment, include_risks: bool = False) -> dict:
    db.session.expire_all()
    page = coverage_service.coverage_page(row, include_risks=include_risks)
    library, data, coverage = coverage_service.load(row)
    assert page["closing"] == closing_set(library, data, coverage, include_risks=include_risks)
    return page


def test_the_closing_set_is_solved_once_per_state_and_again_after_each_change(
    two_orgs, counted
) -> None:
    a = two_orgs.assessment_a
    first = _page(a)
    assert [c.ref for c in first["closing"].controls] == ["CTL-01"]
    _page(a)
    assert len(counted) == 1  # the same state: reused

    _select(a, "CTL-01", "planned")  # a selection
    assert _page(a)["closing"].controls == ()
    assert len(counted) == 2

    choice = db.session.scalar(
        sa.select(SelectedControl).where(SelectedControl.assessment_id == a.id)
    )
    choice.status = "not-applicable"  # a status
    db.session.commit()
    assert [c.ref for c in _page(a)["closing"].controls] == ["CTL-02"]
    assert len(counted) == 3

    carveouts.set_aside(a, SetAsideInput(criterion="T1.2", kind="not_applicable", reason="None."))
    db.session.commit()  # a criterion set aside
    _page(a)
    assert len(counted) == 4

    a.categories = [*(a.categories or []), "confidentiality"]  # the scope
    db.session.commit()
    _page(a)
    assert len(counted) == 5

    _page(a, include_risks=True)  # risks included
    assert len(counted) == 6
    risks = db.session.scalars(sa.select(Risk).where(Risk.assessment_id.is_(None)))
    risk = next(r.id for r in risks if not r.tags)  # a risk that applies whatever the profile
    db.session.add(
        AssessedRisk(assessment_id=a.id, risk_id=risk, likelihood=5, impact=5, treatment="mitigate")
    )
    db.session.commit()  # a rating
    _page(a, include_risks=True)
    assert len(counted) == 7

    db.session.add(LibraryRelease(name="test", version="9.9"))  # a new library release
    db.session.commit()
    _page(a, include_risks=True)
    assert len(counted) == 8
    _page(a)  # without risks: a state not yet solved with this library
    assert len(counted) == 9
    _page(a, include_risks=True)
    _page(a)
    assert len(counted) == 9  # nothing changed since: both states reused


def test_a_worker_reads_and_indexes_the_library_as_it_starts(app, loaded, tmp_path) -> None:
    from riskapp.app import create_app
    from riskapp.repository import library as library_repo
    from riskapp.warmup import warm_up

    library_repo._CACHE.clear()
    assert warm_up(app, freeze=False)
    (_key, library), *_ = library_repo._CACHE.values()
    assert "_edge_index" in library.__dict__
    edges = library.__dict__["_edge_index"].by_criterion[("testfw", "T1.2")]
    assert [(c, strength) for c, strength, _memo in edges] == [
        ("CTL-01", "primary"),
        ("CTL-02", "primary"),
        ("CTL-03", "supporting"),
    ]
    # a database not initialised yet leaves the reading to the first request
    empty = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.db", "SECRET_KEY": "x"},
        instance_path=str(tmp_path / "instance"),
    )
    assert warm_up(empty, freeze=False) is False


def test_the_heatmap_is_made_once_per_state_and_follows_each_change(
    client, auth, two_orgs, monkeypatch
) -> None:
    from riskapp.web import wizard as wizard_views

    closing_cache.clear()
    made: list[int] = []
    real = wizard_views.coverage_page_figures

    def figures(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(wizard_views, "coverage_page_figures", figures)
    a = two_orgs.assessment_a
    _select(a, "CTL-02")
    a.step_reached = "coverage"
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    url = f"/assessments/{a.id}/steps/coverage"
    first = _figure(client.get(url).get_data(as_text=True), "coverage-heatmap")
    again = _figure(client.get(url).get_data(as_text=True), "coverage-heatmap")
    assert again == first and len(made) == 1  # the same state: the same figure, made once

    choice = db.session.scalar(
        sa.select(SelectedControl).where(SelectedControl.assessment_id == a.id)
    )
    choice.status = "planned"  # a status: T1.2's cell changes colour
    db.session.commit()
    changed = _figure(client.get(url).get_data(as_text=True), "coverage-heatmap")
    assert len(made) == 2 and changed["data"][0]["z"] != first["data"][0]["z"]
    assert changed == _figure(client.get(url).get_data(as_text=True), "coverage-heatmap")
    assert len(made) == 2
