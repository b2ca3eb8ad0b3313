"""Form classes for every page that takes input; each POST form carries a CSRF token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..domain.accounts.names import MAX_EMAIL, MAX_NAME
from ..domain.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from ..domain.accounts.roles import ROLE_DESCRIPTIONS, ROLES
from ..domain.audit import KIND_LABELS
from ..services.organizations import MAX_SETTING, SETTING_KEYS


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Return (value, label) pairs as a SelectField's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


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
        validators=[DataRequired("Enter your email address."), Length(max=MAX_EMAIL)],
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
        validators=[Optional(), Length(max=MAX_NAME)],
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
        validators=[DataRequired("Name your organisation."), Length(max=MAX_NAME)],
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
        validators=[DataRequired("Name the organisation."), Length(max=MAX_NAME)],
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
        validators=[DataRequired("Enter the member's email address."), Length(max=MAX_EMAIL)],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="viewer")


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[Optional(), Length(max=MAX_NAME)],
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
        validators=[DataRequired("Give the assessment a name."), Length(max=MAX_NAME)],
        description='For example "SOC 2 Type 2, 2026".',
    )
    framework = SelectField("Framework", choices=[])


class RenameForm(FlaskForm):
    name = StringField(
        "New name",
        validators=[DataRequired("Give the assessment a name."), Length(max=MAX_NAME)],
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
