"""Read and map the vendor register and an assessment's criteria set aside."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..domain.assessment.exclusions import CriterionExclusion as ExclusionData
from ..domain.vendors.assurance import AssuranceReport, bridge, needed_days
from ..domain.vendors.register import VendorFacts
from ..domain.vendors.validation import VendorRecord
from ..models import Assessment, Control, Criterion, CriterionExclusion, Vendor
from .scoping import owned_by


def _vendors_statement(include_retired: bool) -> sa.Select:
    query = (
        owned_by(Vendor, sa.bindparam("organization_id", type_=sa.Integer))
        .options(selectinload(Vendor.report), selectinload(Vendor.cuecs))
        .order_by(sa.func.lower(Vendor.name), Vendor.id)
    )
    return query if include_retired else query.where(Vendor.retired_at.is_(None))


# built once per process, with and without the retired vendors; the organisation is bound
_VENDORS = {retired: _vendors_statement(retired) for retired in (False, True)}


def vendors(
    session: Session, organization_id: int, *, include_retired: bool = False
) -> list[Vendor]:
    """Return the organisation's vendors by name (retired ones only when asked)."""
    return list(session.scalars(_VENDORS[include_retired], {"organization_id": organization_id}))


def vendor_named(session: Session, organization_id: int, name: str) -> Vendor | None:
    """Return the organisation's vendor with this name (ignoring case), retired or not."""
    return session.scalars(
        owned_by(Vendor, organization_id).where(sa.func.lower(Vendor.name) == name.lower())
    ).first()


def report_of(vendor: Vendor) -> AssuranceReport:
    """Return the vendor's assurance report as plain data (kind none when there is none)."""
    r = vendor.report
    if r is None:
        return AssuranceReport()
    return AssuranceReport(r.kind, r.period_start, r.period_end, r.report_date, r.exceptions)


def to_record(vendor: Vendor) -> VendorRecord:
    """Return a vendor row as the domain's record."""
    return VendorRecord(
        facts=VendorFacts(
            name=vendor.name,
            service=vendor.service,
            systems="; ".join(s.name for s in vendor.provided_systems),
            data=vendor.data_shared,
            criticality=vendor.criticality,
            tier_override=vendor.tier_override,
            override_reason=vendor.override_reason,
            last_assessed=vendor.last_assessed,
            contingency=vendor.contingency_plan,
            notes=vendor.notes,
            cuecs=tuple((c.control_ref, c.description) for c in vendor.cuecs),
        ),
        report=report_of(vendor),
    )


# built once (every coverage read runs it); the assessment is bound at each execution
_EXCLUSION_ROWS = (
    sa.select(CriterionExclusion)
    .where(CriterionExclusion.assessment_id == sa.bindparam("assessment_id", type_=sa.Integer))
    .options(
        selectinload(CriterionExclusion.criterion).selectinload(Criterion.framework),
        selectinload(CriterionExclusion.vendor).selectinload(Vendor.report),
    )
    .order_by(CriterionExclusion.criterion_id)
)


def exclusion_rows(
    session: Session, assessment_id: int, *, fresh: bool = False
) -> list[CriterionExclusion]:
    """Return the assessment's criteria set aside, by criterion position.

    With `fresh`, rows already in the session are refreshed from what the query read.
    """
    return list(
        session.scalars(
            _EXCLUSION_ROWS,
            {"assessment_id": assessment_id},
            execution_options={"populate_existing": fresh},
        )
    )


def exclusions(
    session: Session, assessment: Assessment, *, fresh: bool = False
) -> list[ExclusionData]:
    """Return the assessment's criteria set aside as domain data, with each report's bridge.

    With `fresh`, what the session already holds is read again (see `exclusion_rows`).
    """
    needed = needed_days(
        assessment.report_type,
        assessment.as_of_date,
        assessment.period_start,
        assessment.period_end,
    )
    found = []
    for row in exclusion_rows(session, assessment.id, fresh=fresh):
        report = report_of(row.vendor) if row.vendor is not None else None
        found.append(
            ExclusionData(
                framework=row.criterion.framework.slug,
                ref=row.criterion.ref,
                kind=row.kind,
                reason=row.reason,
                id=row.id,
                vendor=row.vendor.name if row.vendor is not None else "",
                vendor_id=row.vendor_id,
                vendor_controls=row.vendor_controls,
                report_kind=report.kind if report is not None else "",
                bridge=bridge(report, needed) if row.kind == "carved_out" else None,
            )
        )
    return found


def custom_control_refs(session: Session, organization_id: int) -> set[str]:
    """Return the refs of the custom controls in any of the organisation's assessments."""
    return set(
        session.scalars(
            sa.select(Control.ref)
            .join(Assessment, Assessment.id == Control.assessment_id)
            .where(Assessment.organization_id == organization_id)
        )
    )


def dated_assessments(session: Session, organization_id: int) -> list[Assessment]:
    """Return the organisation's assessments, newest first (their dates decide bridges)."""
    return list(
        session.scalars(owned_by(Assessment, organization_id).order_by(Assessment.id.desc()))
    )


def criterion_row(session: Session, framework_id: int, ref: str) -> Criterion | None:
    """Return the library criterion `ref` of a framework, or None."""
    return session.scalars(
        sa.select(Criterion).where(Criterion.framework_id == framework_id, Criterion.ref == ref)
    ).first()


def exclusion_for(
    session: Session, assessment_id: int, criterion_id: int
) -> CriterionExclusion | None:
    """Return the assessment's set-aside row for a criterion, or None."""
    return session.scalars(
        sa.select(CriterionExclusion).where(
            CriterionExclusion.assessment_id == assessment_id,
            CriterionExclusion.criterion_id == criterion_id,
        )
    ).first()
