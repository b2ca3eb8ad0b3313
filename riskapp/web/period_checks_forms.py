"""Forms of the Checks page: a decision on a candidate, a second source, an explanation."""

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
from wtforms.validators import DataRequired, Length, Optional

from ..domain.period.population_file import clean_text
from ..domain.testing.results import OTHER, DeviationFacts
from ..models import CheckDecision
from .forms import FitsColumn
from .results_forms import DESIGN_LABEL, NATURE_CHOICES, RECURRING_LABEL


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


class DecisionForm(FlaskForm):
    population = IntegerField(validators=[DataRequired()])
    item = HiddenField(validators=[DataRequired(), Length(max=200)])
    check = HiddenField(validators=[DataRequired(), Length(max=60)])
    decision = HiddenField()
    reason = TextAreaField("Reason", validators=[Optional()], filters=[_clean])
    # the deviation's facts, as on the Testing page (stored only when confirming)
    nature = SelectField("Nature", choices=NATURE_CHOICES, default=OTHER)
    cause = TextAreaField(
        "Identified cause",
        validators=[Optional(), FitsColumn(CheckDecision.cause, "cause")],
        filters=[_clean],
    )
    involves = StringField(
        "Person or system involved",
        validators=[
            Optional(),
            FitsColumn(CheckDecision.involves, "person or system involved"),
        ],
        filters=[_clean],
    )
    recurring = BooleanField(RECURRING_LABEL)
    design = BooleanField(DESIGN_LABEL)

    SHOWN = ("reason", "nature", "cause", "involves", "recurring", "design")

    def facts(self) -> DeviationFacts:
        """Return the deviation's facts as typed."""
        return DeviationFacts(
            nature=self.nature.data or OTHER,
            cause=self.cause.data or "",
            involves=self.involves.data or "",
            recurring=bool(self.recurring.data),
            design=bool(self.design.data),
        )

    def typed(self) -> dict[str, object]:
        """Return what was typed into the visible fields (a refused submission shows it again)."""
        return {name: self[name].data for name in self.SHOWN}

    def problems(self) -> dict[str, str]:
        """Return visible field → its first problem."""
        return {name: self[name].errors[0] for name in self.SHOWN if self[name].errors}


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
