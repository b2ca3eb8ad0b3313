"""Form classes for every page that takes input; each POST form carries a CSRF token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..domain.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from ..domain.accounts.roles import ROLE_DESCRIPTIONS, ROLES
from ..domain.audit import KIND_LABELS
from ..models import Assessment, Organization, User
from ..models.limits import column_length, length_problem
from ..services.organizations import MAX_SETTING, SETTING_KEYS


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Return (value, label) pairs as a SelectField's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class FitsColumn:
    """Refuse text longer than the model column it is stored in, with the one message for it;
    the field is rendered with that `maxlength` (the limit is read from the model)."""

    def __init__(self, attribute: Any, label: str) -> None:
        self.attribute, self.label = attribute, label
        self.field_flags = {"maxlength": column_length(attribute)}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if message := length_problem(self.label, (field.data or "").strip(), self.attribute):
            raise ValidationError(message)


ROLE_CHOICES = choices((r, f"{r.capitalize()}: {ROLE_DESCRIPTIONS[r]}") for r in ROLES)
PASSWORD_HELP = f"At least {MIN_LENGTH} characters; a passphrase of a few words is good."


def _password(label: str, **extra: object) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(f"Enter {label.lower()}."), Length(max=MAX_LENGTH)],
        **extra,  # type: ignore[arg-type]
    )


def _email() -> EmailField:
    return EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."), FitsColumn(User.email, "email")],
        render_kw={"autocomplete": "email"},
    )


def apply_problems(form: FlaskForm, problems: Mapping[str, str]) -> None:
    """Show a service's problems beside the fields they name (others above the form)."""
    for name, message in problems.items():
        field = form._fields.get(name)  # type: ignore[attr-defined]
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


class SignInForm(FlaskForm):
    email = _email()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class SignUpForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[Optional(), FitsColumn(User.name, "name")],
        render_kw={"autocomplete": "name"},
    )
    email = _email()
    password = _password(
        "Password", description=PASSWORD_HELP, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    organization = StringField(
        "Organisation name",
        validators=[
            DataRequired("Name your organisation."),
            FitsColumn(Organization.name, "organisation name"),
        ],
        description="Your company; you will be its owner and can invite colleagues.",
        render_kw={"autocomplete": "organization"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = _password("Current password", render_kw={"autocomplete": "current-password"})
    new_password = _password(
        "New password", description=PASSWORD_HELP, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("new_password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class OrganizationForm(FlaskForm):
    name = StringField(
        "Organisation name",
        validators=[
            DataRequired("Name the organisation."),
            FitsColumn(Organization.name, "organisation name"),
        ],
    )


def _setting_label(key: str) -> str:
    return key.replace("_", " ").capitalize()


class SettingsForm(OrganizationForm):
    """The organisation's name, its risk bands and the values its statements' placeholders take."""

    risk_bands = StringField(
        "Risk bands",
        validators=[Optional(), Length(max=MAX_SETTING)],
        description="Score ranges for each band, e.g. 'low 1-4, medium 5-9, high 10-16, "
        "critical 17-25' (the default when blank).",
    )


for _key in SETTING_KEYS:
    setattr(
        SettingsForm,
        _key,
        StringField(
            _setting_label(_key),
            validators=[Optional(), Length(max=MAX_SETTING)],
            description=f"Fills {{{_key}}} in control statements and policies.",
        ),
    )


class AddMemberForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter the member's email address."),
            FitsColumn(User.email, "email"),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="viewer")


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[Optional(), FitsColumn(User.name, "name")],
        render_kw={"autocomplete": "name"},
    )
    password = _password(
        "Password", description=PASSWORD_HELP, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=choices((r, r.capitalize()) for r in ROLES))


class AssessmentForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the assessment a name."),
            FitsColumn(Assessment.name, "assessment name"),
        ],
        description='For example "SOC 2 Type 2, 2026".',
    )
    framework = SelectField("Framework", choices=[])


class RenameForm(FlaskForm):
    name = StringField(
        "New name",
        validators=[
            DataRequired("Give the assessment a name."),
            FitsColumn(Assessment.name, "assessment name"),
        ],
    )


class AuditFilterForm(FlaskForm):
    """The audit page's filters, sent by GET (a search changes nothing: no CSRF token)."""

    class Meta:
        csrf = False

    user = SelectField("User", choices=[], validators=[Optional()])
    assessment = SelectField("Assessment", choices=[], validators=[Optional()])
    kind = SelectField(
        "Object kind",
        choices=choices([("", "Any kind"), *KIND_LABELS.items()]),
        validators=[Optional()],
    )
    start = DateField("From", validators=[Optional()])
    end = DateField("To (included)", validators=[Optional()])
