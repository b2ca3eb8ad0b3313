"""Forms of the system description pages: the organisation's answers, an incident, a CUEC."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..domain.description.fields import (
    ANSWER_EXAMPLES,
    MAX_ANSWER,
    MAX_CUEC,
    MAX_DISPOSITION,
    MAX_EXTENT,
    MAX_NATURE,
    MAX_TIMING,
)


def _answer(name: str) -> TextAreaField:
    example = ANSWER_EXAMPLES[name]
    return TextAreaField(
        example.label,
        validators=[Optional(), Length(max=MAX_ANSWER)],
        description=f"For example: {example.example}",
        render_kw={"maxlength": MAX_ANSWER, "rows": 4},
    )


class AnswersForm(FlaskForm):
    services = _answer("services")
    commitments = _answer("commitments")
    security_commitments = _answer("security_commitments")
    legal_requirements = _answer("legal_requirements")


class IncidentForm(FlaskForm):
    occurred_on = DateField(
        "Date",
        validators=[DataRequired("Give the incident's date (YYYY-MM-DD).")],
        description="The day it happened or was found.",
    )
    nature = StringField(
        "What happened",
        validators=[DataRequired("Say what happened."), Length(max=MAX_NATURE)],
        description="For example: a phishing e-mail took over one support mailbox.",
        render_kw={"maxlength": MAX_NATURE},
    )
    timing = StringField(
        "Timing",
        validators=[Optional(), Length(max=MAX_TIMING)],
        description="When it was found and closed, e.g. found within 2 hours, closed the same day.",
        render_kw={"maxlength": MAX_TIMING},
    )
    extent = TextAreaField(
        "Extent",
        validators=[Optional(), Length(max=MAX_EXTENT)],
        description="What and whom it touched, e.g. one mailbox; no customer data read.",
        render_kw={"maxlength": MAX_EXTENT, "rows": 3},
    )
    disposition = TextAreaField(
        "Disposition",
        validators=[Optional(), Length(max=MAX_DISPOSITION)],
        description="How it was resolved, e.g. password reset, MFA enforced, staff retrained.",
        render_kw={"maxlength": MAX_DISPOSITION, "rows": 3},
    )
    significant = BooleanField(
        "Significant: it prevented or could have prevented a commitment being met"
    )


class CuecForm(FlaskForm):
    text = TextAreaField(
        "What customers are expected to do",
        validators=[DataRequired("Write what customers are expected to do."), Length(max=MAX_CUEC)],
        description="For example: customers remove their leavers' accounts from the application.",
        render_kw={"maxlength": MAX_CUEC, "rows": 2},
    )
    control_ref = StringField("From control", validators=[Optional(), Length(max=40)])


class ChangesForm(FlaskForm):
    """A CSRF-checked form whose checkboxes (name "event") are read from the request."""
