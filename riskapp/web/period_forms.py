"""Forms of the period pages: population import, draw, evidence upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..domain.period.population_file import clean_text


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


class PopulationForm(FlaskForm):
    control = SelectField("Control", validators=[DataRequired("Choose a control.")])
    file = FileField(
        "Population file (.csv or .xlsx)",
        description=(
            "The first row names the columns id, date (YYYY-MM-DD) and description; further "
            "columns are kept."
        ),
    )
    pasted = TextAreaField(
        "Or type or paste the rows",
        validators=[Optional(), Length(max=1_000_000)],
        description="The same columns, one event a line: id,date,description",
        render_kw={"rows": 6},
    )
    source_system = StringField(
        "Source system",
        validators=[DataRequired("Name the system it was exported from."), Length(max=200)],
        filters=[_clean],
    )
    query = TextAreaField(
        "Query or report", validators=[Optional(), Length(max=2000)], filters=[_clean]
    )
    pulled_by = StringField("Pulled by", validators=[Optional(), Length(max=200)], filters=[_clean])
    pulled_at = DateField("Pulled on", validators=[Optional()])


class ConfirmPopulationForm(FlaskForm):
    control = HiddenField()
    token = HiddenField()
    fingerprint = HiddenField()
    filename = HiddenField()
    source_system = HiddenField(filters=[_clean])
    query = HiddenField(filters=[_clean])
    pulled_by = HiddenField(filters=[_clean])
    pulled_at = HiddenField()


class EmptyPopulationForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])
    source_system = StringField(
        "Source system",
        validators=[DataRequired("Name the system that returned no rows."), Length(max=200)],
        filters=[_clean],
    )


class DrawForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])


class EvidenceForm(FlaskForm):
    control = SelectField("Control", validators=[DataRequired("Choose a control.")])
    occurrence = IntegerField(
        "Occurrence number",
        validators=[Optional()],
        description="As numbered on the calendar; leave empty for a sampled item.",
    )
    item = StringField(
        "Sampled item id", validators=[Optional(), Length(max=200)], filters=[_clean]
    )
    file = FileField(
        "File",
        description=("PDF, PNG, JPEG, CSV, XLSX, DOCX, TXT, JSON or ZIP; checked by content."),
    )
    url = StringField("Or a link", validators=[Optional(), Length(max=2000)], filters=[_clean])
    effective_date = DateField(
        "Effective date",
        validators=[DataRequired("Give the date the evidence shows (YYYY-MM-DD).")],
        description="The date the evidence shows, not today's.",
    )
    collected_by = StringField(
        "Collected by", validators=[Optional(), Length(max=200)], filters=[_clean]
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=4000)], filters=[_clean])


class TableForm(FlaskForm):
    table = TextAreaField(
        "Your audit firm's sample-size table (YAML)",
        validators=[DataRequired("Paste the table, or use the shipped one."), Length(max=20_000)],
        description="The format of seed_library/sampling/default.yaml: name, periodic, bands.",
        render_kw={"rows": 14},
    )


class ControlOptionsForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])
    census = BooleanField("Test every item (census)")
    deviation = BooleanField("A deviation in the previous period (next larger size)")


class DailyModeForm(FlaskForm):
    daily_mode = SelectField(
        "Daily controls run on",
        choices=[
            SelectChoice("business-days", "business days (Monday to Friday)"),
            SelectChoice("every-day", "every day"),
        ],
    )
