"""Forms of the vendor register: a vendor, a user-entity control, a CSV import, the filters.

The vendor form's field names are the CSV header's, so the form and a file
row go through the same check in the service.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..domain.vendors.assurance import REPORT_KINDS, REPORT_LABELS
from ..domain.vendors.register import (
    CRITICALITIES,
    DATA_CLASSES,
    DATA_LABELS,
    MAX_NAME,
    MAX_REASON,
    MAX_SERVICE,
    MAX_TEXT,
    REVIEW_MONTHS,
)
from ..domain.vendors.validation import clean
from ..models.vendors import MAX_CONTROL_REF, MAX_CUEC
from .forms import choices

DATA_CHOICES_PAIRS = [(d, DATA_LABELS[d]) for d in DATA_CLASSES]
DATA_CHOICES = choices(DATA_CHOICES_PAIRS)
CRITICALITY_CHOICES = choices((c, c.capitalize()) for c in CRITICALITIES)
TIER_CHOICES = choices(
    [("", "Use the computed tier"), *((str(t), f"Tier {t}") for t in REVIEW_MONTHS)]
)
REPORT_CHOICES = choices((k, REPORT_LABELS[k]) for k in REPORT_KINDS)
DATE_KW = {"type": "date", "placeholder": "YYYY-MM-DD"}


def _text(label: str, longest: int, description: str = "", area: bool = False) -> StringField:
    kind = TextAreaField if area else StringField
    return kind(
        label,
        validators=[
            Optional(),
            Length(max=longest, message=f"Keep it under {longest:,} characters."),
        ],
        description=description,
        filters=[clean],
        render_kw={"maxlength": longest, **({"rows": 3} if area else {})},
    )


def _date(label: str, description: str = "") -> StringField:
    return StringField(
        label,
        validators=[Optional()],
        description=description,
        filters=[clean],
        render_kw=DATE_KW,
    )


class VendorForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[Length(max=MAX_NAME, message=f"Keep it under {MAX_NAME} characters.")],
        filters=[clean],
        render_kw={"maxlength": MAX_NAME},
    )
    service = _text("Service", MAX_SERVICE, "What the vendor does for you.")
    systems = SelectMultipleField(
        "Systems it provides",
        choices=[],
        description="The systems of your inventory this vendor runs or provides (hold Ctrl or "
        "Cmd to choose several). A system not listed is added on the Systems page first.",
    )
    data = SelectField("Data shared (highest classification)", choices=DATA_CHOICES)
    criticality = SelectField(
        "Criticality",
        choices=CRITICALITY_CHOICES,
        description="Critical: you cannot serve customers without it.",
    )
    tier_override = SelectField(
        "Tier override",
        choices=TIER_CHOICES,
        validators=[Optional()],
        description="Computed from the data and criticality; override it with a reason.",
    )
    override_reason = _text("Reason for the override", MAX_REASON, area=True)
    last_assessed = _date(
        "Last assessed",
        "Next due: tier 1 after 12 months, tier 2 after 24, tier 3 after 36.",
    )
    contingency_plan = _text(
        "Contingency plan",
        MAX_TEXT,
        "Required for a critical vendor: what you do when it is unavailable.",
        area=True,
    )
    report_kind = SelectField("Assurance report", choices=REPORT_CHOICES, default="none")
    report_period_start = _date("Report period start", "Type 2 period, or certificate issued.")
    report_period_end = _date("Report period end", "Type 2 period end, or certificate expiry.")
    report_date = _date("Report date", "The date a Type 1 report speaks for.")
    report_exceptions = _text("Exceptions noted in the report", MAX_TEXT, area=True)
    notes = _text("Notes", MAX_TEXT, area=True)


class CuecForm(FlaskForm):
    description = StringField(
        "User-entity control the vendor expects",
        validators=[Length(max=MAX_CUEC, message=f"Keep it under {MAX_CUEC:,} characters.")],
        render_kw={"maxlength": MAX_CUEC},
    )
    control_ref = StringField(
        "Our control that meets it (ref)",
        validators=[Length(max=MAX_CONTROL_REF, message="That is not a control ref.")],
        description="A library control (e.g. IAM-02) or one of your custom controls.",
        render_kw={"maxlength": MAX_CONTROL_REF},
    )


class VendorImportForm(FlaskForm):
    file = FileField("CSV file")


class VendorFilterForm(FlaskForm):
    """The list's filters, sent by GET (a search changes nothing: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or service", validators=[Optional(), Length(max=MAX_NAME)])
    tier = SelectField(
        "Tier", choices=choices([("", "Any tier"), ("1", "1"), ("2", "2"), ("3", "3")]), default=""
    )
    criticality = SelectField(
        "Criticality", choices=choices([("", "Any"), *((c, c.capitalize()) for c in CRITICALITIES)])
    )
    data = SelectField("Data shared", choices=choices([("", "Any"), *DATA_CHOICES_PAIRS]))
    state = SelectField(
        "Show",
        choices=choices([("active", "Active vendors"), ("retired", "Retired"), ("all", "All")]),
    )
    assessment = SelectField("Bridge letters against", choices=[], validators=[Optional()])
    bridge = SelectField("Report", choices=choices([("", "Any"), ("1", "Bridge letter needed")]))
