"""Forms of testing the period: a result per item, and a conclusion recorded over the rule's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.period.population_file import clean_text
from ..domain.testing.conclusion import CHOOSABLE
from ..domain.testing.results import NATURE_LABELS, NATURES, OTHER, OUTCOMES
from .forms import choices


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


NATURE_CHOICES = choices((n, NATURE_LABELS[n]) for n in NATURES)
RECURRING_LABEL = "The cause recurs"
DESIGN_LABEL = "The cause is in the control's design"


class ResultForm(FlaskForm):
    item = StringField(
        "Item",
        validators=[
            DataRequired("Give the sampled item, occurrence (#n) or census item."),
            Length(max=200),
        ],
        filters=[_clean],
        description="A sampled item's id, an occurrence as #n, or an item of the population.",
    )
    outcome = SelectField("Result", choices=choices((o, o.capitalize()) for o in OUTCOMES))
    what = TextAreaField(
        "What happened",
        validators=[Optional(), Length(max=4000)],
        filters=[_clean],
        render_kw={"rows": 2},
    )
    found_on = DateField("Found on", validators=[Optional()])
    nature = SelectField("Nature", choices=NATURE_CHOICES, default=OTHER)
    cause = TextAreaField(
        "Identified cause",
        validators=[Optional(), Length(max=2000)],
        filters=[_clean],
        render_kw={"rows": 2},
    )
    involves = StringField(
        "Person or system involved", validators=[Optional(), Length(max=200)], filters=[_clean]
    )
    recurring = BooleanField(RECURRING_LABEL)
    design = BooleanField(DESIGN_LABEL)
    response = TextAreaField(
        "Management's response",
        validators=[Optional(), Length(max=4000)],
        filters=[_clean],
        render_kw={"rows": 2},
    )
    responded_on = DateField("Responded on", validators=[Optional()])


class ConclusionForm(FlaskForm):
    control = HiddenField(validators=[DataRequired()])
    conclusion = SelectField(
        "Conclusion",
        choices=choices([("", "The rule's conclusion"), *((c, c.capitalize()) for c in CHOOSABLE)]),
    )
    reason = TextAreaField(
        "Reason",
        validators=[Optional(), Length(max=4000)],
        filters=[_clean],
        render_kw={"rows": 2},
    )
