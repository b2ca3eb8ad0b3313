"""Forms of the system inventory pages: a system, the list's filters, a CSV import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.inventory.model import (
    CLASSIFICATIONS,
    KINDS,
    MAX_NAME,
    MAX_NOTES,
    MAX_OWNER,
    ROLES,
    SystemEntry,
    lookup,
    parse_roles,
)
from ..domain.textsafety import clean_text
from .forms import choices

ROLE_CHOICES = choices((role, f"{{{role}}}: {label}") for role, (label, _kind) in ROLES.items())


class SystemForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Name the system."), Length(max=MAX_NAME)],
        description="As your team calls it, e.g. AWS, Okta, GitHub, the Berlin office.",
        render_kw={"maxlength": MAX_NAME},
    )
    kind = SelectField("Kind", choices=choices(KINDS.items()), default="other")
    owner = StringField(
        "Owner",
        validators=[Optional(), Length(max=MAX_OWNER)],
        description="The person or role answerable for it, e.g. Head of Engineering.",
        render_kw={"maxlength": MAX_OWNER},
    )
    classification = SelectField(
        "Most sensitive data it holds",
        choices=choices(CLASSIFICATIONS.items()),
        default="internal",
    )
    in_scope = BooleanField("In scope of the audit", default=True)
    roles = SelectMultipleField(
        "Placeholders it fills",
        choices=ROLE_CHOICES,
        validators=[Optional()],
        description="Statements name this system wherever these placeholders appear. "
        "Each placeholder takes one system.",
        render_kw={"size": 8},
    )
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=MAX_NOTES)],
        render_kw={"rows": 3, "maxlength": MAX_NOTES},
    )


class InventoryFilterForm(FlaskForm):
    """The list's filters, sent by GET (a search changes nothing: no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Kind", choices=choices([("", "Any kind"), *KINDS.items()]), validators=[Optional()]
    )
    in_scope = SelectField(
        "In scope",
        choices=choices([("", "Either"), ("yes", "In scope"), ("no", "Out of scope")]),
        validators=[Optional()],
    )
    retired = SelectField(
        "Retired",
        choices=choices([("no", "Active only"), ("yes", "Retired only"), ("any", "Both")]),
        validators=[Optional()],
        default="no",
    )


class ImportForm(FlaskForm):
    file = FileField("CSV file")


def entry_from_form(form: Mapping[str, object], system_id: int | None = None) -> SystemEntry:
    """Return the entry a submitted form describes, text cleaned (not yet validated)."""

    def text(name: str, multiline: bool = False) -> str:
        value = form.get(name)
        return clean_text(value if isinstance(value, str) else "", multiline=multiline)

    raw_roles = form.get("roles")
    roles: Iterable[object] = (
        parse_roles(raw_roles)
        if isinstance(raw_roles, str)
        else raw_roles
        if isinstance(raw_roles, list | tuple)
        else ()
    )
    return SystemEntry(
        id=system_id,
        name=text("name"),
        kind=lookup(text("kind"), KINDS) or text("kind"),
        owner=text("owner"),
        classification=lookup(text("classification"), CLASSIFICATIONS) or text("classification"),
        in_scope=bool(form.get("in_scope")),
        notes=text("notes", multiline=True),
        roles=tuple(r for r in roles if isinstance(r, str)),
    )
