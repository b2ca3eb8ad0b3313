"""SQLAlchemy models; importing this module registers every table on `db.metadata`."""

from ..domain.assessment.model import REPORT_TYPES, TREATMENTS
from ..domain.assessment.model import STATUSES as IMPLEMENTATION_STATUSES
from .assessment import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    SelectedControl,
)
from .library import (
    ApplicabilityTag,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    LibraryRelease,
    PolicyTemplate,
    Risk,
)
from .org import ROLES, Membership, Organization, SignInFailure, User
from .period import EVIDENCE_KINDS, Evidence, PeriodSettings, Population, PopulationItem, Sample

__all__ = [
    "ApplicabilityTag",
    "EVIDENCE_KINDS",
    "Evidence",
    "PeriodSettings",
    "Population",
    "PopulationItem",
    "Sample",
    "IMPLEMENTATION_STATUSES",
    "REPORT_TYPES",
    "ROLES",
    "TREATMENTS",
    "AssessedRisk",
    "Assessment",
    "AuditEvent",
    "Control",
    "ControlCriterion",
    "ControlEvidence",
    "ControlPolicy",
    "ControlRisk",
    "Criterion",
    "EvidenceType",
    "Framework",
    "LibraryRelease",
    "Membership",
    "Organization",
    "PolicyTemplate",
    "Risk",
    "SelectedControl",
    "SignInFailure",
    "User",
]
