"""Hostile text in every text field the pages offer: never a 500, nothing stored beyond its column.

The test walks the guided path, then follows the links of every page a signed-in owner
reaches (and the signed-out sign-up page), reads every POST form on them, and submits
each text field in turn with control characters, a lone surrogate and text longer than
any column, the other fields keeping sensible values. Afterwards every string column
of every table must hold only what fits it, with no NUL or control character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask.testing import FlaskClient

from riskapp.extensions import db
from tests.conftest import PASSWORD, AuthActions
from tests.test_wizard_web import SCOPE, _ids

TEXT_TYPES = {"", "text", "email", "search", "url", "tel"}
# Forms whose submission ends the session or removes what the walk needs next.
# (A new organisation becomes the current one: tried last, on its own.)
SKIP_ACTIONS = re.compile(r"sign-out|delete|remove|/switch|undo|/revoke|withdraw|leave|/orgs/new")
ROW_FIELD = re.compile(r"^[a-z]{1,2}-\d+$")  # a rating or treatment row keeps what it shows
CONTROL = "Nul\x00 bell\x07 escape\x1b text\x7f"
LONG = "x" * 10_000
# A lone surrogate cannot be encoded in UTF-8: a client sends its raw bytes (ED A0 80).
SURROGATE_BYTES = "%ED%A0%80"
STORED_BADLY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)
    selects: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[str, tuple[str, ...]]:
        names = sorted({n for n, _, _ in self.fields} | set(self.selects))
        return re.sub(r"\d+", "N", self.action), tuple(names)

    def text_names(self) -> list[str]:
        """The text fields to try: every one, but only the first row of a table of rows."""
        names = dict.fromkeys(n for n, kind, _ in self.fields if kind == "text")
        shapes = {re.sub(r"\d+$", "", n) if ROW_FIELD.match(n) else n: n for n in reversed(names)}
        return sorted(shapes.values(), key=list(names).index)


class FormReader(HTMLParser):
    """Collect POST forms (fields associated by nesting) and same-site links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = Form(a.get("action", "")) if method == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "").lower()
            if kind in TEXT_TYPES:
                form.fields.append((name, "text", a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, "choice", a.get("value", "on")))
            elif kind in ("hidden", "number", "date"):
                form.fields.append((name, "fixed", a.get("value", "")))
            elif kind == "password":
                form.fields.append((name, "password", ""))
        elif tag == "textarea" and name:
            form.fields.append((name, "text", ""))
            self._textarea = name
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                form.selects[self._select] = value
            elif self._first_option is None and value:
                self._first_option = value

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None and data.strip():
            name, kind, _ = self._form.fields[-1]
            self._form.fields[-1] = (name, kind, data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.selects.setdefault(self._select, self._first_option or "")
            self._select = None


def _sensible(name: str, kind: str, n: int) -> str:
    if kind == "password":
        return PASSWORD
    if ROW_FIELD.match(name) or kind not in ("text", "password"):
        return ""
    if "email" in name:
        return f"tester{n}@example.com"
    if name == "url":
        return "https://example.com/evidence"
    return f"Sensible {name} {n}"


def _body(form: Form, target: str, payload: str, token: str, n: int) -> str:
    """The form urlencoded, `target` carrying `payload` (already encoded), the rest sensible."""
    parts = [f"csrf_token={quote(token)}"]
    for name, kind, value in form.fields:
        if name == "csrf_token":
            continue
        if name == target:
            parts.append(f"{quote(name)}={payload}")
        else:
            parts.append(f"{quote(name)}={quote(value or _sensible(name, kind, n))}")
    parts += [f"{quote(k)}={quote(v)}" for k, v in form.selects.items()]
    return "&".join(parts)


def _walk_the_path(client: FlaskClient, auth: AuthActions, assessment) -> None:
    base = f"/assessments/{assessment.id}/steps"
    auth.post(f"{base}/scope", SCOPE, token_from=f"{base}/scope")
    auth.post(f"{base}/profile", {"remote-workforce": "yes"}, token_from=f"{base}/profile")
    ids = _ids(assessment)
    ratings = {f"{k}-{i}": "4" for i in ids.values() for k in ("l", "i")}
    auth.post(f"{base}/risks", ratings, token_from=f"{base}/risks")
    treat = {f"{k}-{i}": v for i in ids.values() for k, v in (("t", "mitigate"), ("o", "CTO"))}
    auth.post(f"{base}/treatment", treat, token_from=f"{base}/treatment")
    auth.post(f"{base}/controls/select", {"control": "CTL-01"}, token_from=f"{base}/controls")


def _pages(client: FlaskClient, start: list[str], limit: int = 120) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", url)
        if shape in seen or url.startswith(("/static", "/sign-out")) or "export" in url:
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield url, html
        reader = FormReader()
        reader.feed(html)
        queue += [link for link in reader.links if urlsplit(link).path]


Done = set[tuple[str, tuple[str, ...]]]


def _submit_every_text_field(client: FlaskClient, start: list[str], done: Done) -> list[str]:
    """Submit each text field of every form reached from `start` and not `done` yet;
    return what answered 500."""
    failures: list[str] = []
    n = 0
    for url, html in list(_pages(client, start)):
        reader = FormReader()
        reader.feed(html)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        for form in reader.forms:
            skip = SKIP_ACTIONS.search(form.action) and form.action not in start
            if form.key() in done or skip or not token:
                continue
            done.add(form.key())
            for target in form.text_names():
                for payload in (quote(CONTROL), SURROGATE_BYTES + "tail", quote(LONG)):
                    n += 1
                    response = client.post(
                        form.action or url,
                        data=_body(form, target, payload, token.group(1), n),
                        content_type="application/x-www-form-urlencoded",
                    )
                    if response.status_code >= 500:
                        failures.append(f"{form.action} {target}: {response.status_code}")
                # a later submission may overwrite it: look now
                failures += [f"{form.action} {target}: {v}" for v in _overflowing_values()]
    return failures


def _overflowing_values() -> list[str]:
    """Every column holding a string longer than the column (asked of the database: fast)."""
    found: list[str] = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            bounded = [c for c in table.columns if isinstance(c.type, sa.String) and c.type.length]
            if not bounded:
                continue
            longest = conn.execute(sa.select(*(sa.func.max(sa.func.length(c)) for c in bounded)))
            for column, length in zip(bounded, longest.one(), strict=True):
                if length is not None and length > column.type.length:
                    found.append(f"{table.name}.{column.name}: {length} > {column.type.length}")
    return found


def _unstorable_values() -> list[str]:
    """Every stored string holding NUL, another control character or a lone surrogate."""
    found: list[str] = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            if not columns:
                continue
            for row in conn.execute(sa.select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str) and STORED_BADLY.search(value):
                        found.append(f"{table.name}.{column.name}: {value[:40]!r}")
    return found


def test_hostile_text_in_every_field_is_never_a_500_nor_stored_beyond_its_column(
    app, client, auth, two_orgs
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is an answer to count, not a crash
    done: Done = set()
    assert _submit_every_text_field(client, ["/sign-up"], done) == []
    auth.sign_in(two_orgs.owner_a.user.email)
    _walk_the_path(client, auth, two_orgs.assessment_a)
    base = f"/assessments/{two_orgs.assessment_a.id}"
    start = ["/", "/assessments/", f"{base}", f"{base}/steps/risks", f"{base}/steps/controls"]
    failures = _submit_every_text_field(client, start, done)
    failures += _submit_every_text_field(client, start, done)  # pages the first round created
    assert failures == []
    assert len(done) >= 25, sorted(done)  # the crawl reached the app's forms
    new_org = _submit_every_text_field(client, ["/orgs/new"], set())
    assert new_org == []
    assert _overflowing_values() == []
    assert _unstorable_values() == []
