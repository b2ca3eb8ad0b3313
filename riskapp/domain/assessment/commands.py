"""What a user submits on the guided path, as typed commands, and the rules for custom content.

The web layer parses a request into these dataclasses; the services take them
and never see a request, a form or an HTML field name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..library.model import CONTROL_TYPES, FREQUENCIES, NATURES, RISK_CATEGORIES
from .wizard import rating_problems

TITLE_MAX = 300
OWNER_ROLE_MAX = 120
OWNER_MAX = 200
TEXT_MAX = 5000

# How a custom control lowers a risk it mitigates, by control type: (likelihood, impact) steps.
EFFECTS: dict[str, tuple[int, int]] = {
    "preventive": (1, 0),
    "corrective": (0, 1),
    "detective": (1, 1),
}


@dataclass(frozen=True)
class RatingInput:
    """One risk's row on the risks step: its rating, exclusion and residual override."""

    likelihood: int | None = None
    impact: int | None = None
    excluded: bool = False
    exclusion_reason: str = ""
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class TreatmentInput:
    """One risk's row on the treatment step."""

    treatment: str = ""
    owner: str = ""
    rationale: str = ""


@dataclass(frozen=True)
class TailorInput:
    """A selected control's tailoring on the controls step.

    `statement` is the wording as submitted (blank or equal to the rendered
    template: follow the template); `reviewed` says the user checked their own
    wording against today's template.
    """

    ref: str
    statement: str = ""
    owner: str = ""
    frequency: str = ""
    status: str = ""
    na_reason: str = ""
    reviewed: bool = False


@dataclass(frozen=True)
class CustomRiskInput:
    """A risk of the organisation's own, as entered."""

    title: str = ""
    category: str = "governance"
    threat: str = ""
    weakness: str = ""
    consequence: str = ""
    likelihood: int | None = None
    impact: int | None = None


@dataclass(frozen=True)
class CustomControlInput:
    """A control of the organisation's own, with the criteria and risks it reaches."""

    title: str = ""
    statement: str = ""
    owner_role: str = ""
    type: str = ""
    nature: str = ""
    frequency: str = ""
    criteria: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()


def _required(problems: dict[str, str], name: str, value: str, label: str, limit: int) -> None:
    if not value.strip():
        problems[name] = f"Enter the {label}."
    elif len(value.strip()) > limit:
        problems[name] = f"Keep the {label} under {limit} characters."


def custom_risk_problems(entry: CustomRiskInput) -> dict[str, str]:
    """Return field → message for every part of a custom risk that cannot be saved."""
    problems: dict[str, str] = {}
    _required(problems, "title", entry.title, "risk's title", TITLE_MAX)
    _required(problems, "threat", entry.threat, "threat", TEXT_MAX)
    _required(problems, "weakness", entry.weakness, "weakness", TEXT_MAX)
    _required(problems, "consequence", entry.consequence, "consequence", TEXT_MAX)
    if entry.category not in RISK_CATEGORIES:
        problems["category"] = "Choose a category."
    problems.update(rating_problems(entry.likelihood, entry.impact, False, ""))
    return problems


def custom_control_problems(
    entry: CustomControlInput, criteria: set[str], risks: set[str]
) -> dict[str, str]:
    """Return field → message for a custom control; `criteria` and `risks` are the known refs."""
    problems: dict[str, str] = {}
    _required(problems, "title", entry.title, "control's title", TITLE_MAX)
    _required(problems, "statement", entry.statement, "statement", TEXT_MAX)
    _required(problems, "owner_role", entry.owner_role, "owner role", OWNER_ROLE_MAX)
    if entry.type not in CONTROL_TYPES:
        problems["type"] = "Choose preventive, detective or corrective."
    if entry.nature not in NATURES:
        problems["nature"] = "Choose manual or automated."
    if entry.frequency not in FREQUENCIES:
        problems["frequency"] = "Choose a frequency."
    if not entry.criteria or set(entry.criteria) - criteria:
        problems["criteria"] = "Choose at least one criterion this control satisfies."
    if not entry.risks or set(entry.risks) - risks:
        problems["risks"] = "Choose at least one of the assessment's risks it mitigates."
    return problems
