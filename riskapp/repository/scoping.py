"""The one way to read an organisation's objects: scoped to that organisation, or not found.

Every query for an organisation's data starts from `owned_by`, and every
lookup by id goes through `get_owned`, so an id from another organisation
answers NotFound exactly like an id that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..models import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    AuditRequest,
    ConclusionOverride,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    CriterionExclusion,
    Evidence,
    Incident,
    Invitation,
    ItemResult,
    Membership,
    OrganisationDescription,
    Organization,
    PeriodSettings,
    Population,
    Risk,
    Sample,
    SelectedControl,
    SignificantChange,
    System,
    UserEntityControl,
    Vendor,
    VendorCuec,
    VendorReport,
)

T = TypeVar("T")

# Every id column is INTEGER (SERIAL on PostgreSQL, which binds the compared value as one):
# a larger id cannot name a row, and asking for it would be refused as out of range.
LARGEST_ROW_ID = 2**31 - 1

# Rows that carry organization_id themselves.
DIRECT: tuple[type, ...] = (
    Membership,
    Invitation,
    Assessment,
    AuditEvent,
    System,
    Vendor,
    Incident,
    OrganisationDescription,
)
# Rows that belong to an assessment (custom library rows only when assessment_id is set).
UNDER_ASSESSMENT: tuple[type, ...] = (
    AssessedRisk,
    SelectedControl,
    Risk,
    Control,
    ControlCriterion,
    ControlRisk,
    ControlEvidence,
    ControlPolicy,
    CriterionExclusion,
    PeriodSettings,
    Population,
    Sample,
    Evidence,
    UserEntityControl,
    SignificantChange,
    AuditRequest,
    ItemResult,
    ConclusionOverride,
)
# Rows that belong to a vendor.
UNDER_VENDOR: tuple[type, ...] = (VendorReport, VendorCuec)
ORG_OWNED: tuple[type, ...] = (Organization, *DIRECT, *UNDER_ASSESSMENT, *UNDER_VENDOR)

KINDS: dict[type, str] = {
    Organization: "organisation",
    Membership: "member",
    Invitation: "invitation",
    Assessment: "assessment",
    AuditEvent: "audit event",
    AssessedRisk: "assessed risk",
    SelectedControl: "selected control",
    Risk: "risk",
    Control: "control",
    ControlCriterion: "mapping",
    ControlRisk: "mapping",
    ControlEvidence: "mapping",
    ControlPolicy: "mapping",
    System: "system",
    CriterionExclusion: "criterion set aside",
    Vendor: "vendor",
    VendorReport: "assurance report",
    VendorCuec: "user-entity control",
    PeriodSettings: "period settings",
    Population: "population",
    Sample: "sample",
    Evidence: "evidence",
    AuditRequest: "request",
    Incident: "incident",
    OrganisationDescription: "organisation description",
    UserEntityControl: "user-entity control",
    SignificantChange: "significant change",
    ItemResult: "result",
    ConclusionOverride: "recorded conclusion",
}


def owned_by(model: type[T], organization_id: int | sa.BindParameter[int]) -> sa.Select[T]:
    """Return a select of the `model` rows that belong to the organisation.

    `organization_id` may be a bind parameter, for a statement built once and
    run with the organisation's id given at each execution.
    """
    query: Any = sa.select(model)
    if model is Organization:
        return query.where(Organization.id == organization_id)
    if model in DIRECT:
        return query.where(model.organization_id == organization_id)  # type: ignore[attr-defined]
    if model in UNDER_ASSESSMENT:
        return query.join(Assessment, Assessment.id == model.assessment_id).where(  # type: ignore[attr-defined]
            Assessment.organization_id == organization_id
        )
    if model in UNDER_VENDOR:
        return query.join(Vendor, Vendor.id == model.vendor_id).where(  # type: ignore[attr-defined]
            Vendor.organization_id == organization_id
        )
    raise TypeError(f"{model.__name__} does not belong to an organisation")


def get_owned(session: Session, model: type[T], object_id: int, organization_id: int) -> T:
    """Return the `model` row `object_id` when it belongs to the organisation.

    Raises NotFound when there is no such row or it belongs to another
    organisation; library rows (no assessment) are never an organisation's; an
    id beyond the id columns' range finds nothing without asking the database.
    """
    row = (
        session.scalars(
            owned_by(model, organization_id).where(model.id == object_id)  # type: ignore[attr-defined]
        ).first()
        if 0 <= object_id <= LARGEST_ROW_ID
        else None
    )
    if row is None:
        raise NotFound(KINDS.get(model, model.__name__.lower()), object_id)
    return row
