"""A failed submit on the guided path loses nothing typed: every row comes back as sent,
the message sits beside its field, and a banner on top links to that field."""

from __future__ import annotations

import re

from riskapp.extensions import db
from riskapp.models import AssessedRisk
from tests.test_wizard_web import SCOPE, _ids


def _to_risks(client, auth, two_orgs) -> tuple[str, dict[str, int]]:
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps"
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post(f"{base}/scope", SCOPE, token_from=f"{base}/scope")
    auth.post(f"{base}/profile", {"remote-workforce": "yes"}, token_from=f"{base}/profile")
    return base, _ids(a)


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return re.search(r'<option value="(\d)" selected>', select.group(1)).group(1)


def _value(page: str, name: str) -> str:
    return re.search(rf'<input id="{name}" name="[^"]+"[^>]*value="([^"]*)"', page).group(1)


def test_an_empty_custom_risk_keeps_every_rating_as_typed(client, auth, two_orgs) -> None:
    base, ids = _to_risks(client, auth, two_orgs)
    one, two = ids["R-TST-01"], ids["R-TST-02"]
    typed = {f"l-{one}": "5", f"i-{one}": "2", f"x-{two}": "on", f"xr-{two}": "Not our stack"}
    typed |= {f"l-{two}": "1", f"i-{two}": "4", f"ol-{one}": "2", f"oi-{one}": "1"}
    typed |= {f"or-{one}": "Backups tested", f"xr-{one}": ""}
    # the page's script sends the unsaved ratings along with the custom risk form
    response = auth.post(f"{base}/risks/custom", {"title": "", **typed}, token_from=f"{base}/risks")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (_selected(page, f"l-{one}"), _selected(page, f"i-{one}")) == ("5", "2")
    assert (_selected(page, f"l-{two}"), _selected(page, f"i-{two}")) == ("1", "4")
    assert _value(page, f"xr-{two}") == "Not our stack"
    assert re.search(rf'name="x-{two}" checked', page) and not re.search(
        rf'name="x-{one}" checked', page
    )
    assert (_value(page, f"ol-{one}"), _value(page, f"oi-{one}")) == ("2", "1")
    assert _value(page, f"or-{one}") == "Backups tested" and "None" not in page
    # the message beside the field, and the banner on top linking to it
    assert (
        '<ul class="field-errors" id="cr-title-error"><li>Enter the risk&#39;s title.</li>' in page
    )
    banner = page.index('id="error-summary"')
    assert banner < page.index('id="risk-matrix"')
    assert (
        'href="#cr-title" data-focus="cr-title">Your own risk, title: Enter the risk&#39;s title.'
        in page
    )
    db.session.expire_all()
    assert db.session.get(AssessedRisk, one).likelihood == 3  # nothing was saved


def test_without_the_script_a_failed_custom_risk_shows_the_saved_ratings(
    client, auth, two_orgs
) -> None:
    base, ids = _to_risks(client, auth, two_orgs)
    one = ids["R-TST-01"]
    auth.post(
        f"{base}/risks",
        {
            f"l-{one}": "4",
            f"i-{one}": "5",
            f"l-{ids['R-TST-02']}": "2",
            f"i-{ids['R-TST-02']}": "2",
        },
        token_from=f"{base}/risks",
    )
    response = auth.post(
        f"{base}/risks/custom", {"title": "Kept title"}, token_from=f"{base}/risks"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (_selected(page, f"l-{one}"), _selected(page, f"i-{one}")) == ("4", "5")
    assert "None" not in page and _value(page, "cr-title") == "Kept title"
    assert 'data-focus="cr-threat">Your own risk, threat: Enter the threat.' in page


def test_a_failed_ratings_save_links_each_problem_to_its_field(client, auth, two_orgs) -> None:
    base, ids = _to_risks(client, auth, two_orgs)
    one, two = ids["R-TST-01"], ids["R-TST-02"]
    sent = {f"l-{one}": "4", f"i-{one}": "4", f"l-{two}": "2", f"i-{two}": "2", f"x-{two}": "on"}
    response = auth.post(f"{base}/risks", sent, token_from=f"{base}/risks")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#xr-{two}" data-focus="xr-{two}">R-TST-02, reason for exclusion: Say why' in page
    assert (
        f'<ul class="field-errors" id="xr-{two}-error"><li>Say why this risk does not apply.'
        in page
    )
    assert _selected(page, f"l-{one}") == "4" and re.search(rf'name="x-{two}" checked', page)


def test_the_scope_banner_links_to_the_date_it_refuses(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    base = f"/assessments/{a.id}/steps/scope"
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post(base, {**SCOPE, "period_end": "9999-01-01"}, token_from=base)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-focus="period_end">Type 2 period end: Enter a date between 2000 and 2100.' in page


def test_a_form_page_banner_links_each_field_message(client, auth) -> None:
    sent = {"email": "not-an-email", "password": "short", "confirm": "short"}
    response = auth.post("/sign-up", {**sent, "name": "Dana"}, token_from="/sign-up")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not saved: 1 answer needs attention" in page
    assert 'href="#organization" data-focus="organization">Organisation name: Name your' in page
    assert 'value="Dana"' in page
