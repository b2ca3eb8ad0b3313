"""The system inventory over HTTP: pages, forms, roles, CSV files, and the audit trail."""

from __future__ import annotations

import io

import sqlalchemy as sa

from riskapp.domain.inventory.csvfile import HEADER
from riskapp.extensions import db
from riskapp.models import AuditEvent, System
from riskapp.web import inventory as inventory_web

HEAD = ",".join(HEADER)


def systems(org_id: int) -> dict[str, System]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(System).where(System.organization_id == org_id))
    return {row.name: row for row in rows}


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0


def upload(auth, data: bytes, name: str = "systems.csv", mimetype: str = "text/csv"):
    return auth.post(
        "/org/systems/import",
        {"file": (io.BytesIO(data), name, mimetype)},
        token_from="/org/systems",
    )


def test_an_editor_adds_edits_filters_retires_and_restores_a_system(
    client, auth, make_member, two_orgs
) -> None:
    a = two_orgs.a
    editor = make_member(a, "editor", email="editor@alpha.example")
    auth.sign_in(editor.user.email)
    response = auth.post(
        "/org/systems/new",
        {
            "name": "Okta\x00",
            "kind": "identity-provider",
            "owner": "IT Manager",
            "classification": "restricted",
            "in_scope": "y",
            "roles": ["identity_provider"],
            "notes": "SSO for <everyone>",
        },
        token_from="/org/systems/new",
    )
    assert response.status_code == 302
    okta = systems(a.id)["Okta"]  # the NUL is stripped
    assert (okta.kind, okta.classification, okta.roles, okta.in_scope) == (
        "identity-provider",
        "restricted",
        ["identity_provider"],
        True,
    )
    page = client.get("/org/systems").get_data(as_text=True)
    assert "SSO for &lt;everyone&gt;" in page
    assert 'id="role-identity_provider"' in page and "2 of 2 systems shown." in page

    filtered = client.get("/org/systems?kind=identity-provider").get_data(as_text=True)
    assert "1 of 2 systems shown." in filtered and "Alpha Cloud" not in filtered

    response = auth.post(
        f"/org/systems/{okta.id}/edit",
        {"name": "Okta Workforce", "kind": "identity-provider", "classification": "restricted"},
        token_from=f"/org/systems/{okta.id}/edit",
    )
    assert response.status_code == 302
    renamed = systems(a.id)["Okta Workforce"]
    assert renamed.in_scope is False and renamed.roles == []  # unticked, none chosen

    assert auth.post(f"/org/systems/{okta.id}/retire", token_from="/org/systems").status_code == 302
    assert systems(a.id)["Okta Workforce"].retired is True
    assert "1 of 2 systems shown." in client.get("/org/systems").get_data(as_text=True)
    retired = client.get("/org/systems?retired=yes").get_data(as_text=True)
    assert "Okta Workforce" in retired and "Restore" in retired
    auth.post(f"/org/systems/{okta.id}/restore", token_from="/org/systems")
    assert systems(a.id)["Okta Workforce"].retired is False

    kinds = {
        e.action
        for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_kind == "system"))
    }
    assert kinds == {"create", "update"}
    trail = client.get("/audit/?kind=system").get_data(as_text=True)
    assert "Okta Workforce" in trail


def test_a_bad_form_keeps_what_was_typed_and_says_why_beside_each_field(
    client, auth, two_orgs
) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    before = audit_count()
    response = auth.post(
        "/org/systems/new",
        {
            "name": "alpha cloud",
            "kind": "other",
            "owner": "o" * 201,
            "classification": "internal",
            "notes": "kept notes",
        },
        token_from="/org/systems/new",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in page
    assert "kept notes" in page and 'value="alpha cloud"' in page
    response = auth.post(
        "/org/systems/new",
        {"name": "alpha cloud", "kind": "other", "classification": "internal"},
        token_from="/org/systems/new",
    )
    assert response.status_code == 422
    assert "Another system is already called &#39;Alpha Cloud&#39;." in response.get_data(
        as_text=True
    )
    response = auth.post(
        "/org/systems/new",
        {
            "name": "GCP",
            "kind": "cloud-provider",
            "classification": "internal",
            "roles": ["cloud_provider"],
        },
        token_from="/org/systems/new",
    )
    assert response.status_code == 302
    response = auth.post(
        "/org/systems/new",
        {
            "name": "Azure",
            "kind": "cloud-provider",
            "classification": "internal",
            "roles": ["cloud_provider"],
        },
        token_from="/org/systems/new",
    )
    assert response.status_code == 422
    assert "GCP already fills {cloud_provider}" in response.get_data(as_text=True)
    assert set(systems(two_orgs.a.id)) == {"Alpha Cloud", "GCP"}
    assert audit_count() == before + 1


def test_viewers_and_auditors_read_the_inventory_but_cannot_change_it(
    client, auth, make_member, two_orgs
) -> None:
    auditor = make_member(two_orgs.a, "auditor", email="auditor@alpha.example")
    system_id = two_orgs.system_a.id
    for email in (two_orgs.viewer_a.user.email, auditor.user.email):
        auth.sign_in(email)
        page = client.get("/org/systems").get_data(as_text=True)
        assert "Alpha Cloud" in page and "Add a system" not in page
        assert client.get("/org/systems.csv").status_code == 200
        for url in (
            "/org/systems/new",
            f"/org/systems/{system_id}/edit",
            f"/org/systems/{system_id}/retire",
            f"/org/systems/{system_id}/restore",
        ):
            assert auth.post(url, {"name": "x"}, token_from="/org/systems").status_code == 403
        assert upload(auth, f"{HEAD}\nX,other,,,,,,\n".encode()).status_code == 403
        auth.sign_out()
    assert set(systems(two_orgs.a.id)) == {"Alpha Cloud"}


def test_posts_without_a_csrf_token_are_refused(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = client.post("/org/systems/new", data={"name": "No token", "kind": "other"})
    assert response.status_code == 400
    assert set(systems(two_orgs.a.id)) == {"Alpha Cloud"}


def test_csv_export_neutralises_formulas_and_imports_back_unchanged(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    row = systems(two_orgs.a.id)["Alpha Cloud"]
    row.owner = '=HYPERLINK("http://evil")'
    row.roles = ["cloud_provider"]
    db.session.commit()
    response = client.get("/org/systems.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="alpha-ltd-systems.csv"' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == HEAD
    assert "'=HYPERLINK" in text
    assert upload(auth, response.get_data()).status_code == 302
    again = systems(two_orgs.a.id)["Alpha Cloud"]
    assert again.owner == '=HYPERLINK("http://evil")' and again.roles == ["cloud_provider"]


def test_an_import_adds_new_names_and_updates_existing_ones(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    data = (
        f"{HEAD}\n"
        "alpha cloud,cloud-provider,Head of Engineering,confidential,yes,cloud_provider,,no\n"
        "GitHub,code-repository,CTO,confidential,yes,code_repository; ci_pipeline,,no\n"
    ).encode()
    response = upload(auth, data)
    assert response.status_code == 302
    found = systems(two_orgs.a.id)
    assert set(found) == {"alpha cloud", "GitHub"}
    assert found["GitHub"].roles == ["code_repository", "ci_pipeline"]
    assert found["alpha cloud"].owner == "Head of Engineering"
    page = client.get("/org/systems").get_data(as_text=True)
    assert "Imported: 1 system(s) added, 1 updated." in page


BAD_FILES = {
    "wrong header": (b"name,type\nAWS,cloud\n", "line 1, header: Wrong header"),
    "bad classification": (
        f"{HEAD}\nAWS,cloud-provider,,secret,yes,,,no\nJira,ticketing,,internal,yes,,,no\n".encode(),
        "line 2, classification: Unknown classification 'secret'",
    ),
    "duplicate names": (
        f"{HEAD}\nAWS,other,,,,,,\nJira,other,,,,,,\naws,other,,,,,,\n".encode(),
        "line 4, name: 'aws' is also on line 2.",
    ),
    "10,000-character cell": (
        f"{HEAD}\nAWS,other,,,,,{'n' * 10_000},\n".encode(),
        "line 2, notes: Keep the notes to 2000 characters or fewer (10000 given).",
    ),
    "binary": (b"PK\x03\x04\x00\x00binary", "line 1: The file holds binary data"),
    "not UTF-8": (f"{HEAD}\nBj\xf6rn,other,,,,,,\n".encode("latin-1"), "line 2: The file is not"),
    "role taken": (
        f"{HEAD}\nAzure,cloud-provider,,,,system,,\n".encode(),
        "",  # the fixture's Alpha Cloud fills {system} in this test
    ),
}


def test_bad_files_are_refused_whole_with_line_numbered_messages(client, auth, two_orgs) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    row = systems(two_orgs.a.id)["Alpha Cloud"]
    row.roles = ["system"]
    db.session.commit()
    before = (set(systems(two_orgs.a.id)), audit_count())
    for label, (data, message) in BAD_FILES.items():
        response = upload(auth, data)
        page = response.get_data(as_text=True).replace("&#39;", "'")
        assert response.status_code == 422, label
        assert "The file was refused whole; nothing was saved." in page, label
        assert message in page, (label, page[page.find("import-problems") :][:600])
        assert (set(systems(two_orgs.a.id)), audit_count()) == before, label
    assert "line 2, fills: Alpha Cloud already fills {system}" in page


def test_uploads_of_the_wrong_type_or_size_are_refused(client, auth, two_orgs, monkeypatch) -> None:
    auth.sign_in(two_orgs.owner_a.user.email)
    response = upload(auth, b"x", name="systems.xlsx")
    assert response.status_code == 422 and "only .csv files" in response.get_data(as_text=True)
    monkeypatch.setattr(inventory_web, "MAX_CSV_BYTES", 1024)  # the real limit is 1 MB
    big = (HEAD + "\n" + "".join(f"x{i},other,,,,,,\n" for i in range(200))).encode()
    response = upload(auth, big)
    assert response.status_code == 413 and "the largest file accepted is" in response.get_data(
        as_text=True
    )
    assert set(systems(two_orgs.a.id)) == {"Alpha Cloud"}
