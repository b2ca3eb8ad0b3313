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
from .checks import CheckDecision, ReconciliationNote, SecondSource, SecondSourceItem
from .description import Incident, OrganisationDescription, SignificantChange, UserEntityControl
from .inventory import System
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
from .org import (
    ROLES,
    Invitation,
    Membership,
    Organization,
    SignInFailure,
    SignInSession,
    User,
)
from .period import (
    EVIDENCE_KINDS,
    AuditRequest,
    Evidence,
    PeriodSettings,
    Population,
    PopulationItem,
    Sample,
)
from .results import ConclusionOverride, ItemResult
from .throttle import RateCounter
from .vendors import Vendor, VendorCuec, VendorReport

__all__ = [
    "CheckDecision",
    "ReconciliationNote",
    "SecondSource",
    "SecondSourceItem",
    "ApplicabilityTag",
    "AuditRequest",
    "EVIDENCE_KINDS",
    "Evidence",
    "PeriodSettings",
    "Population",
    "PopulationItem",
    "Sample",
    "ConclusionOverride",
    "ItemResult",
    "IMPLEMENTATION_STATUSES",
    "Invitation",
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
    "RateCounter",
    "Risk",
    "SelectedControl",
    "SignInFailure",
    "SignInSession",
    "System",
    "Incident",
    "OrganisationDescription",
    "SignificantChange",
    "UserEntityControl",
    "User",
    "Vendor",
    "VendorCuec",
    "VendorReport",
]
