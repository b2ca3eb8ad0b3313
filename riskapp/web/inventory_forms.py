"""Forms of the system inventory pages: a system, the list's filters, a CSV import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.inventory.model import CLASSIFICATIONS, KINDS, MAX_NAME, MAX_NOTES, MAX_OWNER, ROLES
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
