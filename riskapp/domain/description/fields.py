"""The description's forms as plain data: length limits and the messages of bad input."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from ..textsafety import clean_text
from .model import Incident, OrganisationAnswers

MAX_ANSWER = 4000
MAX_NATURE = 500
MAX_TIMING = 500
MAX_EXTENT = 2000
MAX_DISPOSITION = 2000
MAX_CUEC = 1000

ANSWER_LIMITS: dict[str, int] = {
    "services": MAX_ANSWER,
    "commitments": MAX_ANSWER,
    "security_commitments": MAX_ANSWER,
    "legal_requirements": MAX_ANSWER,
}
INCIDENT_LIMITS: dict[str, int] = {
    "nature": MAX_NATURE,
    "timing": MAX_TIMING,
    "extent": MAX_EXTENT,
    "disposition": MAX_DISPOSITION,
}


@dataclass(frozen=True)
class Example:
    """A field's label and the example shown beside it."""

    label: str
    example: str


ANSWER_EXAMPLES: dict[str, Example] = {
    "services": Example(
        "Services provided",
        "A hosted payroll service for mid-sized employers: payroll runs, payslips and "
        "tax filings, used through a web application and an API.",
    ),
    "commitments": Example(
        "Commitments to customers",
        "99.9% monthly availability of the web application; support answers within one "
        "business day; restores from backup within 24 hours.",
    ),
    "security_commitments": Example(
        "Security and confidentiality commitments in contracts",
        "Customer data encrypted in transit and at rest; access limited to named staff; "
        "customers told of a breach within 72 hours; data deleted 30 days after the contract ends.",
    ),
    "legal_requirements": Example(
        "Legal and regulatory requirements",
        "GDPR and the UK Data Protection Act for employee data; payroll record retention "
        "rules in each country served.",
    ),
}


def _limited(values: dict[str, str], limits: dict[str, int]) -> dict[str, str]:
    return {
        name: f"Keep this under {limit} characters (it has {len(values.get(name, ''))})."
        for name, limit in limits.items()
        if len(values.get(name, "")) > limit
    }


def answers_from(form: dict[str, str]) -> OrganisationAnswers:
    """Return the organisation's answers from submitted text, control characters removed."""
    return OrganisationAnswers(
        **{name: clean_text(form.get(name, ""), multiline=True) for name in ANSWER_LIMITS}
    )


def answers_problems(answers: OrganisationAnswers) -> dict[str, str]:
    """Return field → message for answers that cannot be saved."""
    return _limited({f.name: getattr(answers, f.name) for f in fields(answers)}, ANSWER_LIMITS)


def incident_from(form: dict[str, str], incident_id: int | None = None) -> Incident:
    """Return an incident from submitted text (an unreadable date kept as None)."""
    raw = clean_text(form.get("occurred_on", "")).strip()
    try:
        occurred = date.fromisoformat(raw) if raw else None
    except ValueError:
        occurred = None
    return Incident(
        occurred_on=occurred,
        nature=clean_text(form.get("nature", "")).strip(),
        timing=clean_text(form.get("timing", "")).strip(),
        extent=clean_text(form.get("extent", ""), multiline=True).strip(),
        disposition=clean_text(form.get("disposition", ""), multiline=True).strip(),
        significant=form.get("significant") in ("y", "on", "true", "1"),
        id=incident_id,
    )


def incident_problems(incident: Incident, raw_date: str) -> dict[str, str]:
    """Return field → message for an incident that cannot be saved."""
    problems = _limited(
        {name: getattr(incident, name) for name in INCIDENT_LIMITS}, INCIDENT_LIMITS
    )
    if incident.occurred_on is None:
        problems["occurred_on"] = (
            "Give the date as YYYY-MM-DD." if raw_date.strip() else "Give the incident's date."
        )
    if not incident.nature:
        problems.setdefault("nature", "Say what happened.")
    return problems


def cuec_problems(text: str) -> dict[str, str]:
    """Return field → message for a user-entity control that cannot be saved."""
    if not text.strip():
        return {"text": "Write what customers are expected to do."}
    if len(text) > MAX_CUEC:
        return {"text": f"Keep this under {MAX_CUEC} characters (it has {len(text)})."}
    return {}
