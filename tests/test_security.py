"""The security base: every route scoped and signed-in, CSRF, roles, headers, sizes."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter, Rule

from riskapp.config import PROJECT_ROOT
from riskapp.domain.errors import UploadRejected
from riskapp.extensions import db
from riskapp.models import (
    Assessment,
    Criterion,
    CriterionExclusion,
    Incident,
    Membership,
    UserEntityControl,
    Vendor,
    VendorCuec,
    VendorReport,
)
from riskapp.web.access import PUBLIC_ENDPOINTS, safe_next
from riskapp.web.security import CONTENT_SECURITY_POLICY
from riskapp.web.uploads import check_upload
from tests.conftest import AuthActions, TwoOrgs


def _invitation_of(w: TwoOrgs) -> int:
    """Return the id of a pending invitation to organisation A (made on first use)."""
    from riskapp.models import Invitation
    from riskapp.services import organizations

    found = db.session.query(Invitation).filter_by(organization_id=w.a.id).first()
    if found is None:
        added = organizations.add_member(w.a.id, "invitee@alpha.example", "viewer")
        db.session.commit()
        assert added.invitation is not None
        found = added.invitation
    return found.id


# Every route that takes an id: how to aim it at organisation A's object.
Target = Callable[[TwoOrgs], dict[str, int]]
SCOPED: dict[str, Target] = {
    "assessments.show": lambda w: {"assessment_id": w.assessment_a.id},
    "assessments.confirm_delete": lambda w: {"assessment_id": w.assessment_a.id},
    "assessments.rename": lambda w: {"assessment_id": w.assessment_a.id},
    "assessments.delete": lambda w: {"assessment_id": w.assessment_a.id},
    "org.change_role": lambda w: {"membership_id": w.viewer_a.id},
    "org.remove_member": lambda w: {"membership_id": w.viewer_a.id},
    "org.withdraw_invitation": lambda w: {"invitation_id": _invitation_of(w)},
    "org.switch": lambda w: {"organization_id": w.a.id},
    "inventory.edit": lambda w: {"system_id": w.system_a.id},
    "inventory.retire": lambda w: {"system_id": w.system_a.id},
    "inventory.restore": lambda w: {"system_id": w.system_a.id},
    "exports.workbook": lambda w: {"assessment_id": w.assessment_a.id},
    "exports.policies": lambda w: {"assessment_id": w.assessment_a.id},
    "exports.policy": lambda w: {"assessment_id": w.assessment_a.id, "ref": "POL-ONE"},
    **{
        f"period.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id}
        for endpoint in (
            "calendar",
            "populations",
            "preview_population",
            "confirm_population",
            "empty_population",
            "samples",
            "draw",
            "evidence",
            "add_evidence",
            "package",
            "set_daily_mode",
            "set_table",
            "use_shipped_table",
            "control_options",
            "checks",
            "decide_check",
            "import_second_source",
            "explain_mismatch",
        )
    },
    # A's assessment with an evidence id: the assessment's scoping answers first; a real
    # evidence of A is tried in tests/period/test_period_web.py
    "period.download_evidence": lambda w: {"assessment_id": w.assessment_a.id, "evidence_id": 1},
    "period.delete_evidence": lambda w: {"assessment_id": w.assessment_a.id, "evidence_id": 1},
    # testing the period; tests/period/test_results_web.py tries A's own control too
    **{
        f"period.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id}
        for endpoint in ("testing", "deviations", "readiness", "set_conclusion")
    },
    **{
        f"period.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id, "ref": "CTL-01"}
        for endpoint in ("testing_control", "record_internal", "record_auditor")
    },
    **{
        f"period.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id}
        for endpoint in ("requests", "generate_requests", "preview_requests", "confirm_requests")
    },
    "period.export_requests": lambda w: {"assessment_id": w.assessment_a.id, "kind": "csv"},
    "period.audit_request": lambda w: {"assessment_id": w.assessment_a.id, "request_id": 1},
    "period.update_request": lambda w: {"assessment_id": w.assessment_a.id, "request_id": 1},
    **{
        f"wizard.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id}
        for endpoint in (
            "scope",
            "save_scope",
            "profile",
            "save_profile",
            "risks",
            "save_risks",
            "add_custom_risk",
            "edit_custom_risk",
            "delete_custom_risk",
            "treatment",
            "save_treatment",
            "controls",
            "select_controls",
            "tailor_control",
            "control_editor",
            "bulk_controls",
            "remove_control",
            "add_custom_control",
            "edit_custom_control",
            "delete_custom_control",
            "coverage",
            "close_gaps",
            "leave_coverage",
            "quality",
            "set_aside",
        )
    },
    "wizard.undo_set_aside": lambda w: {
        "assessment_id": w.assessment_a.id,
        "exclusion_id": w.exclusion_a.id,  # type: ignore[attr-defined]
    },
    **{
        f"vendors.{endpoint}": lambda w: {"vendor_id": w.vendor_a.id}  # type: ignore[attr-defined]
        for endpoint in ("edit", "retire", "reinstate", "add_cuec")
    },
    "vendors.remove_cuec": lambda w: {"cuec_id": w.cuec_a.id},  # type: ignore[attr-defined]
    "exports.description": lambda w: {"assessment_id": w.assessment_a.id},
    **{
        f"description.{endpoint}": lambda w: {"assessment_id": w.assessment_a.id}
        for endpoint in ("preview", "changes", "cuecs")
    },
    "description.delete_cuec": lambda w: {
        "assessment_id": w.assessment_a.id,
        "cuec_id": w.user_cuec_a.id,  # type: ignore[attr-defined]
    },
    **{
        f"description.{endpoint}": lambda w: {"incident_id": w.incident_a.id}  # type: ignore[attr-defined]
        for endpoint in ("edit_incident", "delete_incident")
    },
}
# Routes with an id-like argument that is not an organisation's object, and why.
EXEMPT: dict[str, str] = {}
# Form data that would change A's object if the scoping check were missing.
CHANGES: dict[str, dict[str, str]] = {
    "assessments.rename": {"name": "Taken over"},
    "org.change_role": {"role": "owner"},
    "inventory.edit": {"name": "Taken over", "kind": "other", "classification": "public"},
    "wizard.save_scope": {
        "name": "Taken over",
        "report_type": "type1",
        "as_of": "2027-01-01",
        "appetite": "9",
    },
    "wizard.close_gaps": {"control": "CTL-01"},
    "wizard.set_aside": {"criterion": "T1.2", "kind": "not_applicable", "reason": "Taken over"},
    "vendors.edit": {"name": "Taken over", "data": "none", "criticality": "low"},
    "vendors.add_cuec": {"description": "Taken over", "control_ref": "CTL-01"},
    "description.cuecs": {"text": "Taken over"},
    "description.edit_incident": {"occurred_on": "2026-01-02", "nature": "Taken over"},
    "period.draw": {"control": "CTL-01"},
    "period.control_options": {"control": "CTL-01", "census": "y"},
    "period.set_daily_mode": {"daily_mode": "every-day"},
    "period.set_table": {"table": "periodic: {monthly: 9}\nbands: [{up_to: null, size: 9}]"},
    "period.empty_population": {"control": "CTL-01", "source_system": "HR"},
    "period.explain_mismatch": {
        "control": "CTL-01",
        "side": "population",
        "key": "x",
        "reason": "Taken over",
    },  # fmt: skip
    "period.record_internal": {"internal-item": "#1", "internal-outcome": "passed"},
    "period.record_auditor": {"auditor-item": "#1", "auditor-outcome": "passed"},
    "period.set_conclusion": {"control": "CTL-01", "conclusion": "effective", "reason": "x"},
    "wizard.add_custom_risk": {
        "title": "x",
        "threat": "x",
        "weakness": "x",
        "consequence": "x",
        "likelihood": "3",
        "impact": "3",
    },
}
LIBRARY_ARGS: dict[str, dict[str, str]] = {
    "library.framework": {"slug": "testfw"},
    "library.criterion": {"slug": "testfw", "ref": "T1.1"},
    "library.control": {"ref": "CTL-01"},
    "library.risk": {"ref": "R-TST-01"},
    "library.evidence": {"ref": "EV-ONE"},
    "library.policy": {"ref": "POL-ONE"},
    "static": {"filename": "css/app.css"},
    "auth.invitation": {"token": "no-such-invitation-token-0123456789abcdefghijk"},
}


@pytest.fixture
def two_orgs(two_orgs: TwoOrgs) -> TwoOrgs:
    """The two organisations, A with a vendor (report, one CUEC) and a criterion set aside."""
    vendor = Vendor(organization_id=two_orgs.a.id, name="Alpha Cloud", service="Hosting")
    vendor.report = VendorReport(kind="soc2-type2")
    vendor.cuecs.append(VendorCuec(description="Review access", control_ref="CTL-01"))
    db.session.add(vendor)
    db.session.flush()
    criterion = db.session.scalar(sa.select(Criterion).where(Criterion.ref == "T1.1"))
    exclusion = CriterionExclusion(
        assessment_id=two_orgs.assessment_a.id,
        criterion_id=criterion.id,
        kind="not_applicable",
        reason="Alpha has no such thing",
    )
    db.session.add(exclusion)
    incident = Incident(
        organization_id=two_orgs.a.id, occurred_on=date(2026, 2, 1), nature="Outage"
    )
    user_cuec = UserEntityControl(assessment_id=two_orgs.assessment_a.id, text="Review users")
    db.session.add_all([incident, user_cuec])
    db.session.commit()
    two_orgs.incident_a = incident  # type: ignore[attr-defined]
    two_orgs.user_cuec_a = user_cuec  # type: ignore[attr-defined]
    two_orgs.vendor_a = vendor  # type: ignore[attr-defined]
    two_orgs.cuec_a = vendor.cuecs[0]  # type: ignore[attr-defined]
    two_orgs.exclusion_a = exclusion  # type: ignore[attr-defined]
    return two_orgs


def _methods(rule: Rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


def _id_like(rule: Rule) -> bool:
    return any(
        isinstance(conv, IntegerConverter) or name == "id" or name.endswith("_id")
        for name, conv in rule._converters.items()
    )


def _rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if not r.endpoint.endswith("-for-test")]


def _url(app: Flask, rule: Rule, world: TwoOrgs) -> str:
    args: dict[str, object] = {}
    if rule.endpoint in SCOPED:
        args = dict(SCOPED[rule.endpoint](world))
    elif rule.arguments:
        assert rule.endpoint in LIBRARY_ARGS, f"add sample arguments for {rule.endpoint}"
        args = dict(LIBRARY_ARGS[rule.endpoint])
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **args)


# Request counters record that a request was made (throttling), not a change to anyone's data.
BOOKKEEPING = {"rate_counter"}


def _state() -> dict[str, int]:
    """Count the rows of every table: what a request changed shows here."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
        if table.name not in BOOKKEEPING
    }


def test_every_id_route_is_declared_scoped_or_exempt(app: Flask) -> None:
    id_routes = {r.endpoint for r in _rules(app) if _id_like(r)}
    undeclared = id_routes - set(SCOPED) - set(EXEMPT)
    assert not undeclared, (
        f"routes taking an id must read through repository.scoping and be listed in SCOPED "
        f"(or EXEMPT, with a reason) in {__file__}: {sorted(undeclared)}"
    )
    assert not (set(SCOPED) | set(EXEMPT)) - id_routes, "SCOPED lists a route that is gone"


def test_a_member_of_b_gets_404_for_every_object_of_a(
    app: Flask, client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_b.user.email)
    targets = [(rule, _url(app, rule, two_orgs)) for rule in _rules(app) if rule.endpoint in SCOPED]
    before = _state()
    names = (two_orgs.a.name, two_orgs.assessment_a.name)
    tried = 0
    for rule, url in targets:
        for method in _methods(rule):
            if method == "GET":
                response = client.get(url)
            else:
                response = auth.post(url, CHANGES.get(rule.endpoint, {}))
            body = response.get_data(as_text=True)
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            assert "Page not found" in body
            assert not any(name in body for name in names), f"{method} {url} leaks A's data"
            tried += 1
    assert tried == sum(len(_methods(r)) for r in _rules(app) if r.endpoint in SCOPED)
    db.session.expire_all()
    assert _state() == before
    assert db.session.get(Assessment, two_orgs.assessment_a.id).name == "Alpha SOC 2"
    assert db.session.get(Membership, two_orgs.viewer_a.id).role == "viewer"


def test_the_same_id_routes_work_for_a_member_of_a(
    app: Flask, client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    """The 404s above come from scoping, not from broken routes."""
    auth.sign_in(two_orgs.owner_a.user.email)
    for endpoint in ("assessments.show", "assessments.confirm_delete"):
        rule = next(r for r in _rules(app) if r.endpoint == endpoint)
        response = client.get(_url(app, rule, two_orgs))
        assert response.status_code == 200
        assert "Alpha SOC 2" in response.get_data(as_text=True)
    url = f"/org/members/{two_orgs.viewer_a.id}/role"
    response = auth.post(url, {f"m{two_orgs.viewer_a.id}-role": "editor"})
    assert response.status_code == 302
    assert db.session.get(Membership, two_orgs.viewer_a.id).role == "editor"


def test_every_page_but_the_public_ones_requires_sign_in(
    app: Flask, client, two_orgs: TwoOrgs
) -> None:
    assert {
        "auth.sign_in",
        "auth.sign_up",
        "auth.invitation",  # the invitation link: the token is the credential
        "main.healthz",
        "static",
    } == PUBLIC_ENDPOINTS
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _url(app, rule, two_orgs)
        for method in _methods(rule):
            if method == "GET":
                response = client.get(url)
                assert response.status_code == 302, f"GET {url}"
                assert response.location.startswith("/sign-in?next="), url
            else:
                token = AuthActions(client).token("/sign-in")
                response = client.post(url, data={"csrf_token": token})
                assert response.status_code == 302, f"{method} {url}"
                assert response.location.startswith("/sign-in")


def test_every_post_without_a_csrf_token_is_rejected_with_400(
    app: Flask, client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    assert app.config["WTF_CSRF_ENABLED"] is not False
    auth.sign_in(two_orgs.owner_a.user.email)
    writes = [r for r in _rules(app) if _methods(r) & {"POST", "PUT", "DELETE", "PATCH"}]
    targets = [(rule, _url(app, rule, two_orgs)) for rule in writes]
    before = _state()
    posts = 0
    for rule, url in targets:
        response = client.post(url, data=CHANGES.get(rule.endpoint, {"name": "x"}))
        assert response.status_code == 400, f"POST {url} without a token"
        assert "security token is missing" in response.get_data(as_text=True)
        posts += 1
    assert posts >= 10
    db.session.expire_all()
    assert _state() == before


def test_no_get_changes_data(app: Flask, client, auth: AuthActions, two_orgs: TwoOrgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    before = _state()
    for rule in _rules(app):
        if "GET" in _methods(rule) and rule.endpoint != "auth.sign_out":
            response = client.get(_url(app, rule, two_orgs))
            response.close()
            assert response.status_code < 500, rule.endpoint
    db.session.expire_all()
    assert _state() == before  # the audit trail included: nothing was recorded either


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("assessments.create", {"name": "New", "framework": "testfw"}),
        ("assessments.rename", {"name": "Renamed"}),
        ("assessments.delete", {}),
        ("org.settings", {"name": "Viewer's Ltd"}),
        ("org.add_member", {"email": "x@example.com", "role": "owner"}),
        ("org.change_role", {"role": "owner"}),
        ("org.remove_member", {}),
        ("org.withdraw_invitation", {}),
        ("inventory.new", {"name": "Viewer's system", "kind": "other"}),
        ("inventory.edit", {"name": "Renamed", "kind": "other"}),
        ("inventory.retire", {}),
        ("inventory.restore", {}),
        ("inventory.import_csv", {}),
        ("vendors.new", {"name": "Viewer's vendor"}),
        ("vendors.edit", {"name": "Renamed"}),
        ("vendors.retire", {}),
        ("vendors.add_cuec", {"description": "x", "control_ref": "CTL-01"}),
        ("vendors.remove_cuec", {}),
        ("description.answers", {"services": "Viewer's words"}),
        ("description.new_incident", {"occurred_on": "2026-01-02", "nature": "x"}),
        ("description.edit_incident", {"occurred_on": "2026-01-02", "nature": "x"}),
        ("description.delete_incident", {}),
        ("description.cuecs", {"text": "x"}),
        ("description.delete_cuec", {}),
        ("description.changes", {"event": "1"}),
        ("vendors.import_csv", {}),
        ("wizard.set_aside", {"criterion": "T1.2", "kind": "not_applicable", "reason": "x"}),
        ("wizard.undo_set_aside", {}),
    ],
)
def test_a_viewer_cannot_change_data(
    app: Flask, client, auth: AuthActions, two_orgs: TwoOrgs, endpoint: str, data: dict
) -> None:
    auth.sign_in(two_orgs.viewer_a.user.email)
    rule = next(r for r in _rules(app) if r.endpoint == endpoint and "POST" in _methods(r))
    url = _url(app, rule, two_orgs)
    before = _state()
    response = auth.post(url, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Not allowed" in body and "As viewer of Alpha Ltd you cannot" in body
    db.session.expire_all()
    assert _state() == before
    assert db.session.get(Assessment, two_orgs.assessment_a.id).name == "Alpha SOC 2"


EXPECTED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize("url", ["/sign-in", "/", "/assessments/", "/no/such/page", "/healthz"])
def test_security_headers_are_on_every_page(signed_in_client, url: str) -> None:
    response = signed_in_client.get(url)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]
    assert "'unsafe-inline'" not in csp and script_src == "'self'"
    assert "frame-ancestors 'none'" in csp


def test_signed_in_pages_are_not_cached_but_static_assets_may_be(signed_in_client) -> None:
    assert signed_in_client.get("/assessments/").headers["Cache-Control"] == "no-store"
    static = signed_in_client.get("/static/css/app.css")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_hsts_only_over_https(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for path in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {path}"
        assert "<style" not in text and " style=" not in text, f"inline style in {path}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path}"
        assert "//cdn" not in text and "https://" not in text, f"remote asset in {path}"


def test_a_too_large_request_gets_a_friendly_413(app: Flask, client) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/sign-in", data={"email": "a@example.com", "password": "x" * (limit + 1)}
    )
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "larger than the 5 MB this server accepts" in body
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/assessments/", "/assessments/"),
        ("/library/?q=1", "/library/?q=1"),
        ("//evil.example/", None),
        ("https://evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_next_only_goes_to_this_site(target: str | None, expected: str | None) -> None:
    assert safe_next(target) == expected


# --- uploads --------------------------------------------------------------------------------

ZIP_ONLY = {".zip": frozenset({"application/zip", "application/x-zip-compressed"})}


class CountingStream(io.BytesIO):
    """A stream that counts how many bytes were read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def upload(data: bytes, name: str = "library.zip", mimetype: str = "application/zip"):
    stream = CountingStream(data)
    return FileStorage(stream=stream, filename=name, content_type=mimetype), stream


def test_a_good_upload_is_measured_without_being_read() -> None:
    file, stream = upload(b"PK\x03\x04" + b"\0" * 1000, name="../My Library.ZIP")
    checked = check_upload(file, ZIP_ONLY, 2000, signatures={".zip": b"PK\x03\x04"})
    assert (checked.filename, checked.extension, checked.size) == ("My_Library.ZIP", ".zip", 1004)
    assert stream.bytes_read == 4 and stream.tell() == 0


@pytest.mark.parametrize(
    ("data", "name", "mimetype", "message"),
    [
        (b"PK\x03\x04", "", "application/zip", "Choose a file to upload."),
        (b"PK\x03\x04", "evil.exe", "application/zip", "only .zip files can be uploaded here"),
        (b"PK\x03\x04", "lib.zip", "text/html", "a .zip file cannot be of type text/html"),
        (b"", "lib.zip", "application/zip", "lib.zip is empty."),
        (b"<html>", "lib.zip", "application/zip", "lib.zip is not a real .zip file."),
    ],
)
def test_uploads_of_the_wrong_kind_are_rejected(
    data: bytes, name: str, mimetype: str, message: str
) -> None:
    file, _ = upload(data, name, mimetype)
    with pytest.raises(UploadRejected, match=re.escape(message)):
        check_upload(file, ZIP_ONLY, 1000, signatures={".zip": b"PK\x03\x04"})


def test_a_too_large_upload_is_rejected_before_reading_it() -> None:
    file, stream = upload(b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    with pytest.raises(UploadRejected, match=r"is 3 MB; the largest file accepted is 2 MB") as exc:
        check_upload(file, ZIP_ONLY, 2 * 1024 * 1024, signatures={".zip": b"PK\x03\x04"})
    assert exc.value.too_large and stream.bytes_read == 0


def test_an_upload_rejection_is_a_clear_page(app: Flask) -> None:
    handler = app.error_handler_spec[None][None][UploadRejected]
    with app.test_request_context():
        body, status = handler(UploadRejected("big.zip is 9 MB.", too_large=True))
    assert status == 413 and "File not accepted" in body and "big.zip is 9 MB." in body


def test_behind_a_proxy_the_forwarded_scheme_and_address_count(
    app: Flask, _migrated: str, instance_dir: Path
) -> None:
    from riskapp.app import create_app
    from riskapp.models import SignInFailure

    def make(**extra: object) -> Flask:
        config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": _migrated}
        return create_app({**config, **extra}, instance_path=str(instance_dir))

    forwarded = {
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "HTTP_REFERER": "https://localhost/sign-in",
    }
    proxied_app, direct_app = make(RISKAPP_BEHIND_PROXY=True), make()
    proxied = proxied_app.test_client()
    proxied.environ_base.update(forwarded)
    response = proxied.get("/sign-in")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    auth = AuthActions(proxied)
    assert auth.sign_in("nobody@example.com", "wrong password!").status_code == 422
    keys = db.session.scalars(
        sa.select(SignInFailure.key).where(SignInFailure.scope == "address")
    ).all()
    assert keys == ["203.0.113.9"]

    direct = direct_app.test_client()
    direct.environ_base.update(forwarded)
    assert "Secure" not in direct.get("/sign-in").headers["Set-Cookie"]
    for other in (proxied_app, direct_app):
        with other.app_context():
            db.engine.dispose()
