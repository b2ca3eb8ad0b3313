"""A vendor as plain data: what it does for us, its risk tier, and when it is next reviewed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..assessment.wizard import add_months

DATA_CLASSES: tuple[str, ...] = (
    "none",
    "public",
    "internal",
    "confidential",
    "restricted-personal",
)
DATA_LABELS: dict[str, str] = {
    "none": "None",
    "public": "Public",
    "internal": "Internal",
    "confidential": "Confidential",
    "restricted-personal": "Restricted / personal",
}
CRITICALITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
TIERS: tuple[int, ...] = (1, 2, 3)
# tier → months between vendor assessments
REVIEW_MONTHS: dict[int, int] = {1: 12, 2: 24, 3: 36}

MAX_NAME = 200
MAX_SERVICE = 300
MAX_SYSTEMS = 500
MAX_TEXT = 4000
MAX_REASON = 1000


@dataclass(frozen=True)
class VendorFacts:
    """What the register records about one vendor (the assurance report apart)."""

    name: str
    service: str = ""
    systems: str = ""
    data: str = "none"
    criticality: str = "low"
    tier_override: int | None = None
    override_reason: str = ""
    last_assessed: date | None = None
    contingency: str = ""
    notes: str = ""
    cuecs: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def computed_tier(data: str, criticality: str) -> int:
    """Return the vendor's risk tier (1 highest) from the data shared and its criticality.

    The rule, applied in order:
    - tier 1 when the vendor is critical, or it holds restricted/personal data;
    - tier 2 when the vendor is high, or it holds confidential data;
    - tier 3 otherwise (low or medium vendors with none, public or internal data).
    """
    if criticality == "critical" or data == "restricted-personal":
        return 1
    if criticality == "high" or data == "confidential":
        return 2
    return 3


def effective_tier(facts: VendorFacts) -> int:
    """Return the override when one is set, else the computed tier."""
    if facts.tier_override in TIERS:
        return facts.tier_override
    return computed_tier(facts.data, facts.criticality)


def next_due(last_assessed: date | None, tier: int) -> date | None:
    """Return when the next assessment is due: tier 1 after 12 months, 2 after 24, 3 after 36.

    A vendor never assessed has no due date (it is due now; the page says so).
    """
    if last_assessed is None:
        return None
    return add_months(last_assessed, REVIEW_MONTHS[tier])


def is_overdue(last_assessed: date | None, tier: int, today: date) -> bool:
    """Answer whether the vendor's assessment is due on or before `today` (never assessed: yes)."""
    due = next_due(last_assessed, tier)
    return due is None or due <= today
