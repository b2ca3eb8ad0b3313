"""The vendor register over HTTP: add, refuse, edit, retire, CUECs, CSV, roles and audit."""

from __future__ import annotations

import io

import sqlalchemy as sa

from riskapp.domain.vendors.csvio import HEADER
from riskapp.extensions import db
from riskapp.models import AuditEvent, Vendor, VendorCuec
from tests.conftest import AuthActions, TwoOrgs


def _vendors() -> list[Vendor]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Vendor).order_by(Vendor.id)))


def _form(**extra: str) -> dict[str, str]:
    return {
        "name": "Acme Cloud",
        "service": "Hosting",
        "data": "confidential",
        "criticality": "medium",
        "report_kind": "none",
        **extra,
    }


def test_an_owner_adds_a_vendor_and_sees_its_tier_and_due_date(
    client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = auth.post(
        "/vendors/new", _form(last_assessed="2026-03-15"), token_from="/vendors/new"
    )
    assert response.status_code == 302
    page = client.get("/vendors/").get_data(as_text=True)
    row = page.split('<tr id="vendor-')[1].split("</tr>")[0]
    assert "Acme Cloud" in row and "Tier 2" in row and "2028-03-15" in row
    [vendor] = _vendors()
    assert (vendor.organization_id, vendor.data_shared) == (two_orgs.a.id, "confidential")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_kind == "vendor"))
    assert event.action == "create" and event.summary == "Acme Cloud"


def test_a_refused_vendor_keeps_what_was_typed_and_writes_nothing(
    client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    form = _form(criticality="critical", service="Runs\x00 our database", name="Big\x07 Vendor")
    response = auth.post("/vendors/new", form, token_from="/vendors/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = page.split('id="contingency_plan-error"')[1].split("</ul>")[0]
    assert "critical vendor needs a contingency plan" in field
    assert 'value="Runs our database"' in page and 'value="Big Vendor"' in page
    assert _vendors() == []
    response = auth.post("/vendors/new", _form(name="x" * 201), token_from="/vendors/new")
    assert response.status_code == 422 and "under 200" in response.get_data(as_text=True)
    response = auth.post("/vendors/new", _form(name=""), token_from="/vendors/new")
    assert response.status_code == 422 and "Name the vendor." in response.get_data(as_text=True)
    assert _vendors() == []


def test_duplicate_names_are_refused_ignoring_case(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    response = auth.post("/vendors/new", _form(name="ACME cloud"), token_from="/vendors/new")
    assert response.status_code == 422
    assert "already in the register" in response.get_data(as_text=True)
    assert len(_vendors()) == 1


def test_an_override_keeps_both_tiers_and_the_reason(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    [vendor] = _vendors()
    url = f"/vendors/{vendor.id}/edit"
    form = _form(tier_override="1", override_reason="It holds our signing keys.")
    assert auth.post(url, form, token_from=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Tier 1" in page and "computed tier 2" in page and "It holds our signing keys." in page
    listed = client.get("/vendors/").get_data(as_text=True)
    assert "(overridden; computed 2: It holds our signing keys.)" in listed


def test_retire_hides_a_vendor_and_reinstate_brings_it_back(
    client, auth: AuthActions, two_orgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    [vendor] = _vendors()
    assert auth.post(f"/vendors/{vendor.id}/retire", token_from="/vendors/").status_code == 302
    assert '<tr id="vendor-' not in client.get("/vendors/").get_data(as_text=True)
    retired = client.get("/vendors/?state=retired").get_data(as_text=True)
    assert "Acme Cloud" in retired.split('<tr id="vendor-')[1]
    assert auth.post(f"/vendors/{vendor.id}/reinstate", token_from="/vendors/").status_code == 302
    assert "Acme Cloud" in client.get("/vendors/").get_data(as_text=True)


def test_the_list_filters_by_tier_and_text(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    auth.post("/vendors/new", _form(name="Snacks Ltd", data="none", criticality="low"))

    def listed(query: str) -> str:
        page = client.get(f"/vendors/?{query}").get_data(as_text=True)
        return page.split('id="vendor-table"')[1] if 'id="vendor-table"' in page else ""

    assert "Snacks Ltd" not in listed("tier=2") and "Acme Cloud" in listed("tier=2")
    assert "Snacks Ltd" in listed("tier=3") and "Acme Cloud" not in listed("tier=3")
    assert "Snacks Ltd" in listed("q=snack") and "Acme Cloud" not in listed("q=snack")


def test_cuecs_map_to_our_controls(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    [vendor] = _vendors()
    url = f"/vendors/{vendor.id}/edit"
    response = auth.post(
        f"/vendors/{vendor.id}/cuecs",
        {"description": "Review who has console access", "control_ref": "NOPE-1"},
        token_from=url,
    )
    assert response.status_code == 422
    assert "neither a library control" in response.get_data(as_text=True)
    response = auth.post(
        f"/vendors/{vendor.id}/cuecs",
        {"description": "Review who has console access", "control_ref": "ctl-01"},
        token_from=url,
    )
    assert response.status_code == 302
    cuec = db.session.scalar(sa.select(VendorCuec))
    assert cuec.control_ref == "CTL-01"
    assert "Review who has console access" in client.get(url).get_data(as_text=True)
    assert auth.post(f"/vendors/cuecs/{cuec.id}/remove", token_from=url).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VendorCuec)) == 0


def _upload(auth: AuthActions, body: bytes, name: str = "vendors.csv"):
    token = auth.token("/vendors/")
    return auth.client.post(
        "/vendors/import",
        data={"csrf_token": token, "file": (io.BytesIO(body), name, "text/csv")},
        content_type="multipart/form-data",
    )


def _row(name: str, **extra: str) -> str:
    values = {h: "" for h in HEADER} | {"name": name, "data": "internal", "criticality": "low"}
    values |= extra
    return ",".join(values[h] for h in HEADER)


def test_a_bad_csv_is_refused_whole_with_line_numbers(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    body = "\r\n".join(
        [
            ",".join(HEADER),
            _row("Good Co"),
            _row("Bad Co", data="top-secret"),
            _row("good co"),
            _row("Sneaky", notes="=HYPERLINK(1)"),
            _row("Huge", notes="x" * 10_000),
        ]
    ).encode()
    response = _upload(auth, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nothing was changed" in page
    for message in ("line 3, data", "line 4, name", "line 5, notes", "line 6, notes"):
        assert message in page
    assert _vendors() == []
    response = _upload(auth, b"\x00\x01\x02binary")
    assert response.status_code == 422 and "binary" in response.get_data(as_text=True)
    response = _upload(auth, b"name,service\r\nx,y\r\n")
    assert response.status_code == 422 and "The header must be" in response.get_data(as_text=True)
    assert _vendors() == []


def test_a_good_csv_adds_and_updates_and_exports_inert(client, auth: AuthActions, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    auth.post("/vendors/new", _form(), token_from="/vendors/new")
    body = "\r\n".join(
        [",".join(HEADER), _row("ACME Cloud", service="New service"), _row("Other\x07 Ltd")]
    )
    response = _upload(auth, body.encode())
    assert response.status_code == 302
    names = sorted((v.name, v.service) for v in _vendors())
    assert names == [("ACME Cloud", "New service"), ("Other Ltd", "")]
    vendor = _vendors()[0]
    vendor.notes = "=cmd|' /C calc'!A0"
    db.session.commit()
    exported = client.get("/vendors/export.csv")
    text = exported.get_data(as_text=True)
    assert exported.mimetype == "text/csv"
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "'=cmd|" in text and ",=cmd" not in text


def test_viewers_read_the_register_but_cannot_change_it(
    client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.viewer_a.user.email)
    page = client.get("/vendors/").get_data(as_text=True)
    assert 'id="add-vendor"' not in page and 'id="vendor-import"' not in page
    response = auth.post("/vendors/new", _form(), token_from="/vendors/")
    assert response.status_code == 403 and _vendors() == []
    assert client.post("/vendors/new", data=_form()).status_code == 400  # no CSRF token


def test_a_vendor_provides_inventory_systems_and_follows_their_renames(
    client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    from riskapp.domain.inventory.model import SystemEntry
    from riskapp.services import inventory

    aws = inventory.save_system(
        two_orgs.a.id, SystemEntry(name="AWS", kind="cloud-provider", roles=("cloud_provider",))
    )
    inventory.save_system(two_orgs.b.id, SystemEntry(name="Beta's own", kind="other"))
    db.session.commit()
    auth.sign_in(two_orgs.owner_a.user.email)
    page = client.get("/vendors/new").get_data(as_text=True)
    assert '<option value="AWS">AWS</option>' in page and "Beta&#39;s own" not in page
    refused = auth.post("/vendors/new", _form(systems="Beta's own"), token_from="/vendors/new")
    assert refused.status_code == 422 and _vendors() == []
    saved = auth.post("/vendors/new", _form(systems="AWS"), token_from="/vendors/new")
    assert saved.status_code == 302
    [vendor] = _vendors()
    assert [s.id for s in vendor.provided_systems] == [aws.id]
    inventory.save_system(
        two_orgs.a.id,
        SystemEntry(
            name="AWS (eu-west-1)", kind="cloud-provider", roles=("cloud_provider",), id=aws.id
        ),
    )
    db.session.commit()
    exported = client.get("/vendors/export.csv").get_data(as_text=True)
    assert "AWS (eu-west-1)" in exported  # the link follows the system, not its old name


def test_a_csv_naming_a_system_outside_the_inventory_is_refused_by_line(
    client, auth: AuthActions, two_orgs: TwoOrgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    body = "\r\n".join([",".join(HEADER), _row("Good Co"), _row("Cloud Co", systems="Nowhere")])
    response = _upload(auth, body.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "line 3, systems" in page and "Not in your system inventory: Nowhere" in page
    assert _vendors() == []
