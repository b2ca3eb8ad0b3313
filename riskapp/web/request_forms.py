"""Forms of the auditor's request list: generate, import a firm's list, map its columns, assign."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional

from ..domain.testing.requests import FIELDS
from ..models.period import REQUEST_STATUSES
from .forms import choices


class GenerateForm(FlaskForm):
    """Generate the request list from the plan (CSRF only)."""


class ImportForm(FlaskForm):
    file = FileField(
        "The audit firm's list (.csv or .xlsx)",
        description=(
            "A header row and one request a row, with columns such as Request ID, Control Code, "
            "Details, Assigned To and Due On; you map them on the next page."
        ),
    )


class MappingForm(FlaskForm):
    """Map the firm's columns to ours: one select per field of ours, choices set per file."""

    token = HiddenField()
    filename = HiddenField()
    map_code = SelectField(FIELDS["code"], validate_choice=False)
    map_control = SelectField(FIELDS["control"], validate_choice=False)
    map_requested = SelectField(FIELDS["requested"], validate_choice=False)
    map_assignee = SelectField(FIELDS["assignee"], validate_choice=False)
    map_due_on = SelectField(FIELDS["due_on"], validate_choice=False)

    def set_headers(self, headers: tuple[str, ...]) -> None:
        options = choices([("", "(not in the file)"), *((h, h) for h in headers if h)])
        for name in FIELDS:
            self[f"map_{name}"].choices = options

    def mapping(self) -> dict[str, str]:
        return {name: self[f"map_{name}"].data or "" for name in FIELDS}

    def fill(self, mapping: dict[str, str]) -> None:
        for name in FIELDS:
            self[f"map_{name}"].data = mapping.get(name, "")


class AssignForm(FlaskForm):
    assignee = SelectField("Assigned to", validate_choice=False)
    due_on = DateField("Due on", validators=[Optional()])
    status = SelectField(
        "Status", choices=choices((s, s.replace("-", " ")) for s in REQUEST_STATUSES)
    )
