"""Forms of the Checks page: a decision on a candidate, a second source, an explanation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.period.population_file import clean_text


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


class DecisionForm(FlaskForm):
    population = IntegerField(validators=[DataRequired()])
    item = HiddenField(validators=[DataRequired(), Length(max=200)])
    check = HiddenField(validators=[DataRequired(), Length(max=60)])
    decision = HiddenField()
    reason = TextAreaField("Reason", validators=[Optional()], filters=[_clean])


class SecondSourceForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])
    file = FileField(
        "Second source file (.csv or .xlsx)",
        description="Columns id, date and description, and the key column named above.",
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


class ExplainForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])
    side = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField("Why", validators=[Optional()], filters=[_clean])
