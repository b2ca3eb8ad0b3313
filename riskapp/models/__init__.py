"""SQLAlchemy models; importing this module registers every table on `db.metadata`."""

from ..domain.assessment.model import REPORT_TYPES, TREATMENTS
from ..domain.assessment.model import STATUSES as IMPLEMENTATION_STATUSES
from .assessment import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    SelectedControl,
)
from .carveouts import CriterionExclusion
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
from .vendors import Vendor, VendorCuec, VendorReport

__all__ = [
    "ApplicabilityTag",
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
    "CriterionExclusion",
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
    "Vendor",
    "VendorCuec",
    "VendorReport",
]
