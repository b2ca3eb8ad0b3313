"""Set criteria aside in an assessment: not applicable, or carved out to a vendor; and undo.

Also what the coverage step proposes about them: the monitoring controls a
carve-out calls for, and carving CC6.4 out to the cloud provider when the
profile says there is no office (only ever a proposal the user confirms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..domain.assessment.exclusions import (
    CARVED_OUT,
    MAX_VENDOR_CONTROLS,
    MONITORING_CONTROLS,
    SetAsideInput,
    exclusion_problems,
    monitoring_controls_missing,
)
from ..domain.assessment.model import AssessmentData, in_scope_criteria
from ..domain.errors import InvalidInput, NotFound
from ..domain.library.model import Library
from ..extensions import db
from ..models import Assessment, CriterionExclusion, Vendor
from ..repository import library as library_repo
from ..repository import vendors as repo
from ..repository.assessments import scope_of
from ..repository.scoping import get_owned

OFFICE_TAG = "has-office"
OFFICE_CRITERION = "CC6.4"
CLOUD_WORDS = ("cloud", "hosting", "infrastructure", "data centre", "data center")


@dataclass(frozen=True)
class OfficeSuggestion:
    """Carve CC6.4 (physical access) out to the cloud provider: there is no office."""

    criterion: str
    vendor: Vendor | None
    reason: str


def carve_out_vendors(organization_id: int) -> list[Vendor]:
    """Return the active vendors a criterion can be carved out to: those with a report."""
    return [
        v
        for v in repo.vendors(db.session, organization_id)
        if v.report is not None and v.report.kind != "none"
    ]


def set_aside(row: Assessment, request: SetAsideInput) -> CriterionExclusion:
    """Mark a criterion not applicable or carve it out to a vendor (replacing an earlier choice).

    A carve-out names the vendor (one of the organisation's, with an assurance
    report) and what that vendor runs for us.
    """
    ref, kind, reason = request.criterion, request.kind, request.reason
    vendor_controls = request.vendor_controls
    problems = exclusion_problems(kind, reason, request.vendor_id is not None)
    if len(vendor_controls) > MAX_VENDOR_CONTROLS:
        problems["vendor_controls"] = f"Keep this under {MAX_VENDOR_CONTROLS:,} characters."
    library = library_repo.cached_library(db.session)
    scope = {r for fw, r in in_scope_criteria(library, scope_of(row)) if fw == row.framework.slug}
    criterion = repo.criterion_row(db.session, row.framework_id, ref) if ref in scope else None
    if criterion is None:
        problems["criterion"] = f"{ref or 'That'} is not a criterion in this assessment's scope."
    vendor: Vendor | None = None
    if kind == CARVED_OUT and request.vendor_id is not None:
        vendor = _vendor(row.organization_id, request.vendor_id)
        if vendor is None:
            problems["vendor"] = "Choose one of your vendors."
        elif vendor.retired_at is not None:
            problems["vendor"] = f"{vendor.name} is retired; reinstate it first."
        elif vendor.report is None or vendor.report.kind == "none":
            problems["vendor"] = (
                f"{vendor.name} has no assurance report on record; a criterion can only be "
                "carved out to a subservice organisation with a report."
            )
    if problems or criterion is None:
        raise InvalidInput(problems)
    found = repo.exclusion_for(db.session, row.id, criterion.id)
    if found is None:
        found = CriterionExclusion(assessment_id=row.id, criterion_id=criterion.id)
        db.session.add(found)
    found.kind = kind
    found.reason = reason
    found.vendor_id = vendor.id if kind == CARVED_OUT and vendor is not None else None
    found.vendor_controls = vendor_controls if kind == CARVED_OUT else ""
    db.session.flush()
    return found


def undo(row: Assessment, exclusion_id: int) -> str:
    """Bring a criterion set aside back into coverage; return its ref."""
    found = get_owned(db.session, CriterionExclusion, exclusion_id, row.organization_id)
    if found.assessment_id != row.id:
        raise NotFound("criterion set aside", exclusion_id)
    ref = found.criterion.ref
    db.session.delete(found)
    db.session.flush()
    return ref


def _vendor(organization_id: int, vendor_id: int) -> Vendor | None:
    try:
        return get_owned(db.session, Vendor, vendor_id, organization_id)
    except NotFound:
        return None


def cloud_vendor(vendors: list[Vendor], settings: Mapping[str, object]) -> Vendor | None:
    """Return the vendor that is the cloud provider, or None.

    In this order: the vendor that provides the inventory system filling
    `{cloud_provider}`; a vendor named like that system (ignoring case); the
    first that provides a system of kind "cloud provider"; the first whose
    service or systems mention cloud, hosting, infrastructure or a data centre.
    """
    for v in vendors:
        if any("cloud_provider" in (s.roles or ()) for s in v.provided_systems):
            return v
    named = str(settings.get("cloud_provider") or "").strip().casefold()
    if named:
        for v in vendors:
            if v.name.casefold() == named or named in v.name.casefold():
                return v
    for v in vendors:
        if any(s.kind == "cloud-provider" for s in v.provided_systems):
            return v
    for v in vendors:
        text = " ".join([v.service, *(s.name for s in v.provided_systems)]).casefold()
        if any(word in text for word in CLOUD_WORDS):
            return v
    return None


def office_suggestion(
    data: AssessmentData, library: Library, vendors: list[Vendor]
) -> OfficeSuggestion | None:
    """Propose carving CC6.4 out to the cloud provider when the profile says there is no office.

    Only when the answer to has-office is no, CC6.4 is in scope, and it is
    not already set aside.
    """
    if data.profile.get(OFFICE_TAG, True) is not False:
        return None
    framework = data.scope.framework
    in_scope = (framework, OFFICE_CRITERION) in set(in_scope_criteria(library, data.scope))
    if not in_scope or data.exclusion(framework, OFFICE_CRITERION) is not None:
        return None
    vendor = cloud_vendor(vendors, data.settings)
    return OfficeSuggestion(
        criterion=OFFICE_CRITERION,
        vendor=vendor,
        reason="We have no office: physical access to the facilities that hold our systems "
        "is controlled by our cloud provider in its data centres.",
    )


def monitoring_to_select(data: AssessmentData, library: Library) -> list[str]:
    """Return the monitoring controls (VND-03, VND-11) a carve-out calls for, not yet selected.

    A ref the loaded library lacks (VND-11 before it ships) is left out.
    """
    known = set(library.controls) | {c.ref for c in data.custom.controls}
    selected = {c.ref for c in data.controls}
    return monitoring_controls_missing(data.exclusions, selected, known)


__all__ = ["MONITORING_CONTROLS", "carve_out_vendors", "set_aside", "undo"]
