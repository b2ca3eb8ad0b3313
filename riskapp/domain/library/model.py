"""The library as plain data: nodes, edges and the vocabularies they draw on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LIKELIHOOD_LEVELS: dict[int, str] = {
    1: "rare",
    2: "unlikely",
    3: "possible",
    4: "likely",
    5: "almost certain",
}
IMPACT_LEVELS: dict[int, str] = {
    1: "negligible",
    2: "minor",
    3: "moderate",
    4: "major",
    5: "severe",
}
FREQUENCIES: tuple[str, ...] = (
    "continuous",
    "per-event",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "semi-annual",
    "annual",
)
CONTROL_TYPES: tuple[str, ...] = ("preventive", "detective", "corrective")
NATURES: tuple[str, ...] = ("manual", "automated")
STRENGTHS: tuple[str, ...] = ("primary", "supporting")
RISK_CATEGORIES: tuple[str, ...] = (
    "access-identity",
    "change-development",
    "infrastructure-operations",
    "vendors-subprocessors",
    "data-protection",
    "availability-continuity",
    "people-hr",
    "physical",
    "incident-handling",
    "governance",
    "legal-privacy",
    "processing-integrity",
    "cloud-management-plane",
    "email-saas-configuration",
    "ai-ml-features",
    "payments-billing",
)
DOMAINS: tuple[str, ...] = (
    "governance",
    "risk-management",
    "human-resources",
    "asset-management",
    "access-control",
    "cryptography",
    "operations",
    "logging-monitoring",
    "vulnerability-management",
    "change-management",
    "secure-development",
    "network-security",
    "data-protection",
    "vendor-management",
    "incident-response",
    "business-continuity",
    "physical-security",
    "privacy",
    "processing-integrity",
)
PLACEHOLDERS: tuple[str, ...] = (
    "org",
    "owner",
    "frequency",
    "system",
    "cloud_provider",
    "identity_provider",
    "code_repository",
    "ci_pipeline",
    "ticketing_system",
    "hr_system",
    "mdm_tool",
    "logging_platform",
    "monitoring_tool",
    "vulnerability_scanner",
    "backup_system",
    "password_manager",
    "training_platform",
    "document_repository",
)
MAX_EFFECT = 3


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    always_in_scope: bool = False


@dataclass(frozen=True)
class Series:
    ref: str
    title: str
    category: str


@dataclass(frozen=True)
class Framework:
    slug: str
    name: str
    version: str
    categories: tuple[Category, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Criterion:
    framework: str
    ref: str
    series: str
    category: str
    title: str
    description: str
    points_of_focus: tuple[str, ...]
    parent: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.framework, self.ref)


@dataclass(frozen=True)
class Risk:
    ref: str
    title: str
    category: str
    threat: str
    weakness: str
    consequence: str
    likelihood: int
    likelihood_rationale: str
    impact: int
    impact_rationale: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Control:
    ref: str
    title: str
    statement: str
    domain: str
    type: str
    nature: str
    frequency: str
    owner_role: str


@dataclass(frozen=True)
class EvidenceType:
    ref: str
    title: str
    description: str
    collection: str
    sample: str
    frequency: str
    population: str = ""
    completeness: str = ""
    sample_unit: str = ""


@dataclass(frozen=True)
class PolicyRole:
    role: str
    responsibilities: str


@dataclass(frozen=True)
class PolicySection:
    heading: str
    text: str


@dataclass(frozen=True)
class PolicyTemplate:
    ref: str
    title: str
    owner_role: str
    purpose: str
    scope: str
    roles: tuple[PolicyRole, ...]
    sections: tuple[PolicySection, ...]
    exceptions: str
    enforcement: str
    review: str


@dataclass(frozen=True)
class Satisfies:
    """Control → Criterion: the control satisfies the criterion."""

    control: str
    framework: str
    criterion: str
    strength: str


@dataclass(frozen=True)
class Mitigates:
    """Control → Risk: the control lowers likelihood and/or impact by whole steps."""

    control: str
    risk: str
    likelihood: int
    impact: int


@dataclass(frozen=True)
class EvidencedBy:
    control: str
    evidence: str


@dataclass(frozen=True)
class DocumentedIn:
    control: str
    policy: str
    primary: bool


@dataclass(frozen=True)
class Tag:
    """An applicability tag, asked as a yes/no question of the assessment profile."""

    key: str
    description: str
    question: str = ""
    help: str = ""
    default: bool = False

    @property
    def prompt(self) -> str:
        return self.question or self.description


@dataclass(frozen=True)
class Retirement:
    """Why a control left the library: the controls replacing it, and the version that did."""

    successors: tuple[str, ...] = ()
    retired_in: str = ""

    @property
    def label(self) -> str:
        """Return the short note shown beside a retired control."""
        if self.successors:
            return f"retired; replaced by {', '.join(self.successors)}"
        return "retired; no successor named"


@dataclass(frozen=True)
class LibraryMeta:
    name: str
    version: str
    minimums: dict[str, int] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    retired: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Control refs this version retires, each with the refs of the controls replacing it."""


@dataclass
class Library:
    """A whole library: nodes keyed by ref (criteria by framework and ref) and edge lists."""

    meta: LibraryMeta
    frameworks: dict[str, Framework] = field(default_factory=dict)
    criteria: dict[tuple[str, str], Criterion] = field(default_factory=dict)
    risks: dict[str, Risk] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    evidence: dict[str, EvidenceType] = field(default_factory=dict)
    policies: dict[str, PolicyTemplate] = field(default_factory=dict)
    satisfies: list[Satisfies] = field(default_factory=list)
    mitigates: list[Mitigates] = field(default_factory=list)
    evidenced_by: list[EvidencedBy] = field(default_factory=list)
    documented_in: list[DocumentedIn] = field(default_factory=list)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per control ref: its declared computed checks and second source, as plain data
    (`{"checks": [...], "reconcile": {...} | None}`, see domain/testing/checks.py)."""
    retired: dict[str, Retirement] = field(default_factory=dict)
    """Retired controls held in `controls` for an assessment that still selects them.

    A library read from the database or a folder holds none;
    `with_custom_content` adds an assessment's.
    """
