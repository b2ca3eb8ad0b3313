"""Tailor statement templates: fill `{placeholder}`s from an organisation's values.

A placeholder is a name in braces (`{identity_provider}`, spaces inside the
braces tolerated). Filling never fails: a placeholder with no value (missing
or blank) becomes an *unfilled* segment shown as `[identity provider]`, so
editors (the docx writer, the wizard) can highlight it instead of leaving raw
braces. Braces that do not hold a name are kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..assessment.model import AssessmentData, ControlChoice
from ..assessment.selection import effective_frequency, effective_owner
from ..library.model import Control

PLACEHOLDER_RE = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
FREQUENCY_NOUNS: dict[str, str] = {
    "annual": "year",
    "semi-annual": "half-year",
    "quarterly": "quarter",
    "monthly": "month",
    "weekly": "week",
    "daily": "day",
}


@dataclass(frozen=True)
class Segment:
    """A run of statement text; `placeholder` names the value it stands for, if any."""

    text: str
    filled: bool = True
    placeholder: str | None = None


def unfilled_label(name: str) -> str:
    """Return how an unfilled placeholder reads in a document: `[identity provider]`."""
    return f"[{name.replace('_', ' ')}]"


def fill_placeholders(template: str, values: Mapping[str, str]) -> list[Segment]:
    """Split `template` into literal, filled and unfilled segments (adjacent literals merged)."""
    segments: list[Segment] = []

    def literal(text: str) -> None:
        if not text:
            return
        if segments and segments[-1].placeholder is None:
            segments[-1] = Segment(segments[-1].text + text)
        else:
            segments.append(Segment(text))

    position = 0
    for match in PLACEHOLDER_RE.finditer(template):
        literal(template[position : match.start()])
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if value:
            segments.append(Segment(value, True, name))
        else:
            segments.append(Segment(unfilled_label(name), False, name))
        position = match.end()
    literal(template[position:])
    return segments


def render_statement(template: str, values: Mapping[str, str]) -> str:
    """Return `template` filled from `values`, unfilled placeholders shown as `[name]`."""
    return "".join(s.text for s in fill_placeholders(template, values))


def frequency_noun(frequency: str) -> str:
    """Return the noun a `{frequency}` placeholder takes ("quarter"), or "" for triggers."""
    return FREQUENCY_NOUNS.get(frequency, "")


def organisation_values(assessment: AssessmentData) -> dict[str, str]:
    """Return the organisation's placeholder values: its settings plus `org`."""
    values = {k: v for k, v in assessment.settings.items() if isinstance(v, str)}
    if assessment.organization.strip():
        values["org"] = assessment.organization
    return values


def control_values(
    assessment: AssessmentData, control: Control, choice: ControlChoice | None = None
) -> dict[str, str]:
    """Return the values for one control's statement: settings, org, owner and frequency.

    `owner` is the tailored owner, else the library's owner role; `frequency`
    is the noun of the tailored frequency (when a known one), else of the
    library default. A
    per-event or continuous control gets no `{frequency}` value: its template
    names its trigger in words.
    """
    values = organisation_values(assessment)
    values["owner"] = effective_owner(control, choice)
    noun = frequency_noun(effective_frequency(control, choice))
    if noun:
        values["frequency"] = noun
    else:
        values.pop("frequency", None)
    return values


def statement_template(control: Control, choice: ControlChoice | None = None) -> str:
    """Return the statement to fill: the tailored one when written, else the library's."""
    tailored = choice.statement.strip() if choice else ""
    return tailored or control.statement


def tailored_segments(
    assessment: AssessmentData, control: Control, choice: ControlChoice | None = None
) -> list[Segment]:
    """Return a selected control's statement as segments, filled for this organisation."""
    return fill_placeholders(
        statement_template(control, choice), control_values(assessment, control, choice)
    )


def tailored_statement(
    assessment: AssessmentData, control: Control, choice: ControlChoice | None = None
) -> str:
    """Return a selected control's statement as text, filled for this organisation."""
    return "".join(s.text for s in tailored_segments(assessment, control, choice))


def _normal(text: str) -> str:
    return " ".join(text.split())


def is_user_edit(control: Control, choice: ControlChoice | None) -> bool:
    """Answer whether the user wrote their own wording for this selected control."""
    return bool(choice and choice.statement.strip())


def template_changed(control: Control, choice: ControlChoice | None) -> bool:
    """Answer whether the library template changed since the user wrote their own wording."""
    if not is_user_edit(control, choice) or choice is None or not choice.statement_base:
        return False
    return _normal(choice.statement_base) != _normal(control.statement)


def override_for(
    submitted: str, assessment: AssessmentData, control: Control, choice: ControlChoice | None
) -> str | None:
    """Return what to store as the user's wording: None when `submitted` follows the template.

    Blank text, the library template itself, and the template as it renders
    now (spacing ignored) all mean "follow the template"; anything else is
    the user's own wording, kept exactly as typed.
    """
    text = submitted.strip()
    if not text:
        return None
    following = replace(choice, statement="", statement_base="") if choice else None
    rendered = tailored_statement(assessment, control, following)
    if _normal(text) in (_normal(control.statement), _normal(rendered)):
        return None
    if (
        choice
        and choice.statement
        and _normal(text) == _normal(tailored_statement(assessment, control, choice))
    ):
        return choice.statement  # the edit shown filled, sent back unchanged
    return text
