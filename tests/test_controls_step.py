"""The controls step at 150 selected controls: table, filters, editor, bulk changes, queries;
the treatment step's bulk action and confirmation; read-only roles on every step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    Control,
    ControlCriterion,
    Criterion,
    SelectedControl,
)
from riskapp.services import wizard
from tests.conftest import TwoOrgs

DOMAINS = ("access-control", "change-management", "operations")
STATUSES = ("implemented", "partially-implemented", "planned")
OWNERS = ("IT Manager", "CTO", "Head of People")


def _select_many(assessment: Assessment, count: int) -> None:
    """Give the assessment `count` controls of its own, selected, mapped to T1.1 or T1.2."""
    criteria = {
        c.ref: c for c in db.session.scalars(sa.select(Criterion).where(Criterion.ref.like("T1.%")))
    }
    for n in range(1, count + 1):
        control = Control(
            assessment_id=assessment.id,
            ref=f"CUS-{n:03d}",
            title=f"Own control {n:03d}",
            statement=f"The team checks thing {n} every month.",
            domain=DOMAINS[n % 3],
            type="detective",
            nature="manual",
            frequency="monthly",
            owner_role="Security lead",
        )
        db.session.add(control)
        db.session.flush()
        criterion = criteria["T1.1" if n % 2 else "T1.2"]
        db.session.add(
            ControlCriterion(
                control_id=control.id,
                criterion_id=criterion.id,
                strength="primary",
                assessment_id=assessment.id,
            )
        )
        db.session.add(
            SelectedControl(
                assessment_id=assessment.id,
                control_id=control.id,
                owner=OWNERS[n % 3],
                frequency="monthly",
                status=STATUSES[n % 3],
            )
        )
    assessment.step_reached = "quality"
    db.session.commit()


@pytest.fixture
def many(two_orgs: TwoOrgs) -> Assessment:
    row = two_orgs.assessment_a
    wizard.save_profile(row, {"remote-workforce": True})
    _select_many(row, 150)
    return row


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="row-([A-Z0-9-]+)"', html)


def _selected(assessment: Assessment, ref: str) -> SelectedControl:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(SelectedControl)
        .join(Control, Control.id == SelectedControl.control_id)
        .where(SelectedControl.assessment_id == assessment.id, Control.ref == ref)
    ).one()


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def test_the_table_lists_filters_and_sorts_150_controls(client, auth, many) -> None:
    auth.sign_in("owner@alpha.example")
    base = f"/assessments/{many.id}/steps/controls"
    page = client.get(base).get_data(as_text=True)
    assert "Selected controls (150)" in page
    assert len(_rows(page)) == 150 and _rows(page)[:2] == ["CUS-001", "CUS-002"]
    assert "Showing 150 of 150 selected controls." in page
    assert 'id="st-' not in page  # no card per control: an editor opens on demand

    by_domain = client.get(f"{base}?domain=operations").get_data(as_text=True)
    assert _rows(by_domain)[:3] == ["CUS-002", "CUS-005", "CUS-008"]
    assert "Showing 50 of 150 selected controls (filtered)." in by_domain

    mixed = client.get(f"{base}?status=implemented&owner=cto&criterion=T1.1").get_data(as_text=True)
    # status implemented: n % 3 == 0; owner CTO: n % 3 == 1 → nothing matches both
    assert _rows(mixed) == [] and "No selected control matches these filters." in mixed
    planned_t11 = _rows(client.get(f"{base}?status=planned&criterion=T1.1").get_data(as_text=True))
    assert planned_t11[:3] == ["CUS-005", "CUS-011", "CUS-017"] and len(planned_t11) == 25

    backwards = _rows(client.get(f"{base}?sort=title&order=desc").get_data(as_text=True))
    assert backwards[:2] == ["CUS-150", "CUS-149"]
    by_status = _rows(client.get(f"{base}?sort=status").get_data(as_text=True))
    assert by_status[0] == "CUS-003" and by_status[-1] == "CUS-149"  # implemented … planned


def test_the_step_does_not_query_once_per_control(client, auth, two_orgs) -> None:
    row = two_orgs.assessment_a
    wizard.save_profile(row, {"remote-workforce": True})
    _select_many(row, 3)
    auth.sign_in("owner@alpha.example")
    url = f"/assessments/{row.id}/steps/controls"
    client.get(url)  # caches warmed
    with counted_queries() as few:
        assert client.get(url).status_code == 200
    _select_many_more(row, 147)
    client.get(url)
    with counted_queries() as many_queries:
        page = client.get(url).get_data(as_text=True)
    assert len(_rows(page)) == 150
    assert len(many_queries) == len(few), (len(few), len(many_queries))


def _select_many_more(assessment: Assessment, count: int) -> None:
    start = 1000
    criterion = db.session.scalars(sa.select(Criterion).where(Criterion.ref == "T1.1")).first()
    for n in range(start, start + count):
        control = Control(
            assessment_id=assessment.id,
            ref=f"CUS-{n}",
            title=f"Own control {n}",
            statement="The team checks it.",
            domain="operations",
            type="detective",
            nature="manual",
            frequency="monthly",
            owner_role="Security lead",
        )
        db.session.add(control)
        db.session.flush()
        db.session.add(
            ControlCriterion(
                control_id=control.id,
                criterion_id=criterion.id,
                strength="primary",
                assessment_id=assessment.id,
            )
        )
        db.session.add(
            SelectedControl(assessment_id=assessment.id, control_id=control.id, status="planned")
        )
    db.session.commit()


def _tailor(ref: str, **extra: str) -> dict[str, str]:
    return {
        "control": ref,
        "statement": "",
        "owner": "Jo Ops",
        "frequency": "quarterly",
        "status": "implemented",
        "na_reason": "",
        **extra,
    }


def test_one_control_is_saved_in_place_and_nothing_else_changes(client, auth, many) -> None:
    auth.sign_in("owner@alpha.example")
    base = f"/assessments/{many.id}/steps/controls"
    editor = client.get(f"{base}/editor?control=CUS-007").get_data(as_text=True)
    assert 'id="editor-CUS-007"' in editor and 'value="CTO"' in editor
    token = re.search(r'name="csrf_token" value="([^"]+)"', editor).group(1)
    before = _selected(many, "CUS-008").owner

    saved = client.post(
        f"{base}/tailor",
        data={"csrf_token": token, **_tailor("CUS-007")},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 200
    answer = saved.get_json()
    assert answer["saved"] is True and answer["message"] == "CUS-007 saved."
    assert '<td class="owner">Jo Ops</td>' in answer["row"] and 'id="row-CUS-007"' in answer["row"]
    assert _selected(many, "CUS-007").owner == "Jo Ops"
    assert _selected(many, "CUS-008").owner == before

    refused = client.post(
        f"{base}/tailor",
        data={"csrf_token": token, **_tailor("CUS-007", status="not-applicable", owner="Sam")},
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 422
    answer = refused.get_json()
    assert answer["saved"] is False and "Say why the control does not apply." in answer["editor"]
    assert 'value="Sam"' in answer["editor"]  # what was typed comes back
    assert _selected(many, "CUS-007").owner == "Jo Ops"  # nothing saved


def test_without_script_the_editor_opens_and_saves_over_plain_forms(client, auth, many) -> None:
    auth.sign_in("owner@alpha.example")
    base = f"/assessments/{many.id}/steps/controls"
    page = client.get(f"{base}?domain=operations&edit=CUS-002").get_data(as_text=True)
    assert 'id="editor-CUS-002"' in page and 'id="editor-CUS-005"' not in page
    assert f'href="{base}?edit=CUS-005&amp;domain=operations#editor-CUS-005"' in page

    done = auth.post(
        f"{base}/tailor", _tailor("CUS-002", keep_domain="operations"), token_from=base
    )
    assert done.status_code == 302
    assert done.location.endswith(f"{base}?domain=operations#row-CUS-002")
    assert _selected(many, "CUS-002").frequency == "quarterly"

    bad = auth.post(
        f"{base}/tailor",
        _tailor("CUS-002", status="not-applicable", owner="Kept owner", keep_domain="operations"),
        token_from=base,
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Say why the control does not apply." in html and 'value="Kept owner"' in html
    assert "Showing 50 of 150" in html  # the filters survive the failed save
    # the banner at the top names the refused field and links to it
    banner = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#na-CUS-002"' in banner and "Say why the control does not apply." in banner
    assert _selected(many, "CUS-002").owner == "Jo Ops"


def test_bulk_sets_status_owner_and_frequency_of_the_ticked_controls(client, auth, many) -> None:
    auth.sign_in("owner@alpha.example")
    base = f"/assessments/{many.id}/steps/controls"
    ticked = ["CUS-001", "CUS-002", "CUS-003"]
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    done = auth.post(
        f"{base}/bulk",
        {
            "control": ticked,
            "bulk_status": "implemented",
            "bulk_owner": "Platform team",
            "bulk_frequency": "weekly",
        },
        token_from=base,
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "3 of 3 ticked controls changed: status implemented, owner Platform team" in page
    for ref in ticked:
        s = _selected(many, ref)
        assert (s.status, s.owner, s.frequency) == ("implemented", "Platform team", "weekly")
    assert _selected(many, "CUS-004").owner == "CTO"
    changed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_kind == "selected_control")
    )
    assert (
        changed >= 3
        and db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= events + 3
    )

    refused = auth.post(
        f"{base}/bulk",
        {"control": ["CUS-004", "CUS-005"], "bulk_status": "not-applicable"},
        token_from=base,
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Say why the ticked controls do not apply." in html
    assert re.search(r'id="pick-CUS-004"[^>]* checked', html)  # the ticks come back
    assert _selected(many, "CUS-004").status == "partially-implemented"

    nothing = auth.post(f"{base}/bulk", {"bulk_owner": "Someone"}, token_from=base)
    assert nothing.status_code == 422
    assert "Tick at least one control in the table." in nothing.get_data(as_text=True)


def _above_appetite(assessment: Assessment) -> list[AssessedRisk]:
    assessment.risk_appetite = 1
    assessment.step_reached = "treatment"
    rows = list(
        db.session.scalars(sa.select(AssessedRisk).where(AssessedRisk.assessment == assessment))
    )
    for r in rows:
        r.likelihood, r.impact = 4, 4
    db.session.commit()
    return rows


def test_treatment_bulk_action_names_owners_and_says_what_was_saved(client, auth, two_orgs) -> None:
    a = two_orgs.assessment_a
    wizard.save_profile(a, {"remote-workforce": True})
    rows = _above_appetite(a)
    assert len(rows) >= 2
    auth.sign_in("owner@alpha.example")
    base = f"/assessments/{a.id}/steps/treatment"
    page = client.get(base).get_data(as_text=True)
    assert 'class="form-errors"' not in page  # nothing shown red before a save
    assert '<option value="viewer@alpha.example">' in page  # members to choose from

    first, second = rows[0], rows[1]
    done = auth.post(
        base,
        {
            "action": "bulk",
            "pick": [str(r.id) for r in rows],
            "bulk_treatment": "mitigate",
            "bulk_owner": "owner@alpha.example",
            f"t-{first.id}": "",
            f"o-{first.id}": "",
        },
        token_from=base,
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert f"{len(rows)} treatments saved; every risk above the appetite is treated." in html
    db.session.expire_all()
    assert {(r.treatment, r.owner) for r in rows} == {("mitigate", "owner@alpha.example")}

    # a plain save of one changed row confirms one
    again = auth.post(
        base,
        {
            **{f"t-{r.id}": "mitigate" for r in rows},
            **{f"o-{r.id}": "owner@alpha.example" for r in rows},
            f"o-{second.id}": "CISO",
        },
        token_from=base,
        follow_redirects=True,
    )
    assert "1 treatment saved; every risk above the appetite is treated." in again.get_data(
        as_text=True
    )

    missing = auth.post(
        base,
        {"action": "bulk", "bulk_owner": "Someone"},
        token_from=base,
    )
    assert missing.status_code == 422
    assert "Tick the risks the bulk treatment or owner applies to." in missing.get_data(
        as_text=True
    )


# --- read-only roles ---------------------------------------------------------------------


class _Controls(HTMLParser):
    """Collect enabled inputs of POST forms and submit buttons, minding disabled fieldsets."""

    def __init__(self) -> None:
        super().__init__()
        self.disabled_depth = 0
        self.stack: list[bool] = []
        self.form_method: list[str] = []
        self.enabled: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "fieldset":
            self.stack.append("disabled" in a)
            self.disabled_depth += "disabled" in a
        elif tag == "form":
            self.form_method.append((a.get("method") or "get").lower())
        elif tag in ("input", "select", "textarea", "button"):
            if a.get("type") == "hidden" or "disabled" in a or self.disabled_depth:
                return
            if a.get("form") is None and self.form_method and self.form_method[-1] == "get":
                return  # a filter: reading, not changing
            self.enabled.append(f"{tag} {a.get('name') or a.get('id') or a.get('type')}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self.stack:
            self.disabled_depth -= self.stack.pop()
        elif tag == "form" and self.form_method:
            self.form_method.pop()


def _enabled_controls(html: str) -> list[str]:
    main = html[html.index("<main") :] if "<main" in html else html
    parser = _Controls()
    parser.feed(main)
    return parser.enabled


STEPS = ("scope", "profile", "risks", "treatment", "controls", "coverage", "quality")


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_read_only_roles_see_every_step_read_only_and_cannot_post(
    app, client, auth, two_orgs, make_member, role
) -> None:
    a = two_orgs.assessment_a
    wizard.save_profile(a, {"remote-workforce": True})
    _above_appetite(a)
    _select_many(a, 4)
    member = make_member(two_orgs.a, role, email=f"{role}2@alpha.example")
    auth.sign_in(member.user.email)
    base = f"/assessments/{a.id}/steps"
    for step in STEPS:
        response = client.get(f"{base}/{step}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, step
        assert "your role in this organisation is read-only" in html, step
        assert _enabled_controls(html) == [], (step, _enabled_controls(html))
        assert not re.search(r"<button[^>]*>\s*(Save|Apply|Add|Remove|Delete)", html), step
    editor = client.get(f"{base}/controls/editor?control=CUS-001").get_data(as_text=True)
    assert 'name="owner"' in editor and _enabled_controls(editor) == []

    token = re.search(r'name="csrf_token" value="([^"]+)"', editor).group(1)
    owner_before = _selected(a, "CUS-001").owner
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("wizard.") and "POST" in (rule.methods or ())
    ]
    assert len(posts) >= 15
    for rule in posts:
        path = rule.rule.replace("<int:assessment_id>", str(a.id)).replace(
            "<int:exclusion_id>", "1"
        )
        answer = client.post(
            path, data={"csrf_token": token, **_tailor("CUS-001", owner="Intruder")}
        )
        assert answer.status_code == 403, (rule.rule, answer.status_code)
    assert _selected(a, "CUS-001").owner == owner_before
