"""Turn the guided path's submitted forms into the services' typed commands.

The HTML field names live here and in the templates only: a rating row's
fields are `l-<id>`, `i-<id>`, `x-<id>`, `xr-<id>`, `ol-<id>`, `oi-<id>` and
`or-<id>` (the rating's id), a treatment row's `t-<id>`, `o-<id>`, `r-<id>`.
Text is stripped of NUL and other control characters on the way in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from werkzeug.datastructures import MultiDict

from ..domain.assessment.commands import (
    CustomControlInput,
    CustomRiskInput,
    RatingInput,
    TailorInput,
    TreatmentInput,
)
from ..domain.assessment.wizard import ScopeAnswers
from ..domain.textsafety import clean_input, clean_text

Form = MultiDict[str, str]
_ROW_FIELD = re.compile(r"^[a-z]{1,2}-(\d{1,18})$")


def _text(form: Form, name: str, default: str = "") -> str:
    return clean_input(form.get(name, default))


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
    except ValueError:
        return None


def _date(form: Form, name: str, problems: dict[str, str]) -> date | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems[name] = "Enter a date as YYYY-MM-DD."
        return None


def scope_answers(form: Form) -> tuple[ScopeAnswers, dict[str, str]]:
    """Return the scope step's answers and the problems found while reading them (dates)."""
    problems: dict[str, str] = {}
    answers = ScopeAnswers(
        name=_text(form, "name"),
        categories=tuple(form.getlist("categories")),
        report_type=form.get("report_type", ""),
        as_of=_date(form, "as_of", problems),
        period_start=_date(form, "period_start", problems),
        period_end=_date(form, "period_end", problems),
        appetite=_int(form.get("appetite")),
    )
    return answers, problems


def profile_answers(form: Form, keys: Iterable[str]) -> dict[str, bool]:
    """Return profile answers: a question is yes when the form sent 'yes' for its key."""
    return {key: form.get(key) == "yes" for key in keys}


def _row_ids(form: Form) -> set[int]:
    return {int(m.group(1)) for name in form if (m := _ROW_FIELD.match(name))}


def rating_inputs(form: Form) -> dict[int, RatingInput]:
    """Return each submitted rating row, by rating id."""
    return {
        i: RatingInput(
            likelihood=_int(form.get(f"l-{i}")),
            impact=_int(form.get(f"i-{i}")),
            excluded=form.get(f"x-{i}") == "on",
            exclusion_reason=_text(form, f"xr-{i}"),
            residual_likelihood=_int(form.get(f"ol-{i}")),
            residual_impact=_int(form.get(f"oi-{i}")),
            override_reason=_text(form, f"or-{i}"),
        )
        for i in _row_ids(form)
    }


def treatment_inputs(form: Form) -> dict[int, TreatmentInput]:
    """Return each submitted treatment row, by rating id."""
    return {
        i: TreatmentInput(
            treatment=form.get(f"t-{i}", ""),
            owner=_text(form, f"o-{i}"),
            rationale=_text(form, f"r-{i}"),
        )
        for i in _row_ids(form)
    }


def tailor_input(form: Form) -> TailorInput:
    """Return a selected control's tailoring: one-line owner, multi-line wording and reason,
    each trimmed, line endings as newlines (so wording equal to the template is recognised)."""
    return TailorInput(
        ref=form.get("control", ""),
        statement=clean_text(form.get("statement", ""), multiline=True),
        owner=clean_text(form.get("owner", "")),
        frequency=form.get("frequency", ""),
        status=form.get("status", ""),
        na_reason=clean_text(form.get("na_reason", ""), multiline=True),
        reviewed=form.get("reviewed") == "on",
    )


def custom_risk_input(form: Form) -> CustomRiskInput:
    """Return a custom risk as entered."""
    return CustomRiskInput(
        title=_text(form, "title"),
        category=form.get("category") or "governance",
        threat=_text(form, "threat"),
        weakness=_text(form, "weakness"),
        consequence=_text(form, "consequence"),
        likelihood=_int(form.get("likelihood")),
        impact=_int(form.get("impact")),
    )


def custom_control_input(form: Form) -> CustomControlInput:
    """Return a custom control as entered, with the criteria and risks it reaches."""
    return CustomControlInput(
        title=_text(form, "title"),
        statement=_text(form, "statement"),
        owner_role=_text(form, "owner_role"),
        type=form.get("type", ""),
        nature=form.get("nature", ""),
        frequency=form.get("frequency", ""),
        criteria=tuple(dict.fromkeys(form.getlist("criteria"))),
        risks=tuple(dict.fromkeys(form.getlist("risks"))),
    )
