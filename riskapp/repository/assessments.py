"""Map an assessment's rows to the domain's AssessmentData (and custom content)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, joinedload

from ..domain.assessment.applicability import active_tags, is_applicable
from ..domain.assessment.model import (
    AssessmentData,
    ControlChoice,
    RiskRating,
    Scope,
)
from ..domain.errors import NotFound
from ..domain.inventory.model import in_scope_names, placeholder_values
from ..domain.library import model as dom
from ..models import (
    AssessedRisk,
    Assessment,
    Control,
    Organization,
    Risk,
    SelectedControl,
)
from . import inventory as inventory_repo
from . import vendors as vendors_repo
from .custom_content import custom_content
from .scoping import LARGEST_ROW_ID, owned_by


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """Return an assessment by id, whatever its organisation (CLI and services only)."""
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFound("assessment", assessment_id)
    return row


# built once (every page of an assessment runs it); the ids are bound at each execution
_OWNED_ASSESSMENT = (
    owned_by(Assessment, sa.bindparam("organization_id", type_=sa.Integer))
    .where(Assessment.id == sa.bindparam("assessment_id", type_=sa.Integer))
    .options(joinedload(Assessment.framework))
)


def owned_assessment(session: Session, organization_id: int, assessment_id: int) -> Assessment:
    """Return the organisation's assessment, or raise NotFound (as `get_owned` does).

    Its framework comes in the same query: every page of an assessment reads
    the framework's slug, and a lazy load of it was a query of its own.
    """
    row = (
        session.scalars(
            _OWNED_ASSESSMENT,
            {"organization_id": organization_id, "assessment_id": assessment_id},
        ).first()
        if 0 <= assessment_id <= LARGEST_ROW_ID
        else None
    )
    if row is None:
        raise NotFound("assessment", assessment_id)
    return row


def applicable_ratings(session: Session, assessment: Assessment) -> list[AssessedRisk]:
    """Return the assessment's rating rows for risks that apply under its profile.

    Custom risks always apply; a library risk applies when it has no tags or a
    profile answer switched one of its tags on.
    """
    active = active_tags(assessment.profile or {})
    rows = session.scalars(
        sa.select(AssessedRisk)
        .join(Risk, Risk.id == AssessedRisk.risk_id)
        .where(AssessedRisk.assessment_id == assessment.id)
        .options(contains_eager(AssessedRisk.risk))  # the joined risk, no second query
        .order_by(Risk.assessment_id.is_not(None), Risk.position, AssessedRisk.id)
    )
    return [
        r
        for r in rows
        if r.risk.assessment_id is not None or is_applicable(tuple(r.risk.tags), active)
    ]


def scope_of(assessment: Assessment) -> Scope:
    """Return the assessment's scope as domain data."""
    return Scope(
        framework=assessment.framework.slug,
        categories=tuple(assessment.categories or ()),
        report_type=assessment.report_type,
        as_of=assessment.as_of_date,
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        appetite=assessment.risk_appetite,
    )


def _ratings_statement(cached_tags: bool) -> sa.Select[Any]:
    """Return the ratings query; with `cached_tags`, current library risks' tags are not read."""
    in_library = sa.and_(Risk.assessment_id.is_(None), ~Risk.retired)
    return (
        sa.select(
            Risk.ref,
            sa.case((in_library, sa.null()), else_=Risk.tags).label("tags")
            if cached_tags
            else Risk.tags,
            in_library.label("current"),
            Risk.assessment_id.is_not(None).label("custom"),
            AssessedRisk.likelihood,
            AssessedRisk.impact,
            AssessedRisk.excluded,
            AssessedRisk.exclusion_reason,
            AssessedRisk.treatment,
            AssessedRisk.owner,
            AssessedRisk.rationale,
            AssessedRisk.residual_likelihood_override,
            AssessedRisk.residual_impact_override,
            AssessedRisk.override_reason,
        )
        .select_from(AssessedRisk)
        .join(Risk, Risk.id == AssessedRisk.risk_id)
        .where(AssessedRisk.assessment_id == sa.bindparam("assessment_id", type_=sa.Integer))
        .order_by(Risk.assessment_id.is_not(None), Risk.position, AssessedRisk.id)
    )


# built once per process (building took longer than running), by whether tags come cached
_RATINGS = {cached: _ratings_statement(cached) for cached in (False, True)}


def _ratings(
    session: Session, assessment: Assessment, library: dom.Library | None = None
) -> list[RiskRating]:
    """Return the applicable ratings, in `applicable_ratings`' order, read column by column.

    A current library risk's tags are taken from `library` (the cached library)
    rather than decoded from each row again; custom and retired risks' tags are read.
    """
    active = active_tags(assessment.profile or {})
    rows = (
        session.connection()
        .execute(  # Core rows: no ORM layer per row
            _RATINGS[library is not None], {"assessment_id": assessment.id}
        )
        .all()
    )
    library_risks = library.risks if library else {}
    # each row is (ref, tags, current, custom, *rating): read by position, not by name
    missing = [row[0] for row in rows if row[2] and row[1] is None and row[0] not in library_risks]
    found: dict[str, tuple[str, ...]] = {}
    if missing:  # a library risk the cached library lacks: read its tags after all
        found.update(
            (ref, tuple(value or ()))
            for ref, value in session.execute(
                sa.select(Risk.ref, Risk.tags).where(
                    Risk.assessment_id.is_(None), Risk.ref.in_(missing)
                )
            )
        )

    applies: dict[tuple[str, ...], bool] = {}  # per distinct set of tags: few per library
    ratings = []
    # the columns unpacked by name and the rating made here, not through a helper taking
    # *args: at 2,000 ratings the call and the packing showed
    for (
        ref,
        tags,
        current,
        custom,
        likelihood,
        impact,
        excluded,
        exclusion_reason,
        treatment,
        owner,
        rationale,
        residual_likelihood,
        residual_impact,
        override_reason,
    ) in rows:
        if current and tags is None:
            risk = library_risks.get(ref)
            tags = risk.tags if risk is not None else found.get(ref)
        if not custom:
            key = tuple(tags or ())
            applicable = applies.get(key)
            if applicable is None:
                applicable = applies[key] = is_applicable(key, active)
            if not applicable:
                continue
        ratings.append(
            RiskRating(
                ref,
                likelihood,
                impact,
                excluded,
                exclusion_reason,
                treatment,
                owner,
                rationale,
                (residual_likelihood, residual_impact)
                if residual_likelihood and residual_impact
                else None,
                override_reason,
            )
        )
    return ratings


def to_assessment_data(
    session: Session,
    assessment: Assessment,
    library: dom.Library | None = None,
    *,
    fresh: bool = False,
) -> AssessmentData:
    """Return the domain view of an assessment: scope, ratings, choices, custom content.

    Only the columns the domain needs are read (no library row is loaded whole):
    at 5,000 selected controls, loading each selection's full `Control` row
    took most of the coverage page's time. With `library` (the cached library)
    the current library risks' tags are taken from it instead of decoded again.
    With `fresh`, every row comes from a query run now, none from the session's
    identity map (the organisation and the criteria set aside would otherwise be
    taken as the session first read them): what is kept between requests under a
    data revision must be what the database held at that revision.
    """
    if session.autoflush:  # the Core reads below do not flush pending changes themselves
        session.flush()
    org = session.get(Organization, assessment.organization_id, populate_existing=fresh)
    framework = assessment.framework.slug  # loaded once per session; the pages use it too
    choices = (
        session.connection()
        .execute(  # Core rows, as above
            sa.select(
                Control.ref,  # in ControlChoice's field order
                sa.func.coalesce(SelectedControl.statement, ""),
                sa.func.coalesce(SelectedControl.statement_base, ""),
                SelectedControl.owner,
                SelectedControl.frequency,
                SelectedControl.status,
                SelectedControl.na_reason,
            )
            .select_from(SelectedControl)
            .join(Control, Control.id == SelectedControl.control_id)
            .where(SelectedControl.assessment_id == assessment.id)
            .order_by(SelectedControl.id)
        )
        .all()
    )
    ratings = _ratings(session, assessment, library)
    custom = custom_content(session, assessment.id)
    systems = inventory_repo.entries(session, assessment.organization_id)
    settings = {
        k: str(v) for k, v in ((org.settings if org else None) or {}).items() if isinstance(v, str)
    }
    settings.update(placeholder_values(systems))
    return AssessmentData(
        id=assessment.id,
        name=assessment.name,
        organization=org.name if org else "",
        scope=Scope(
            framework=framework or "",
            categories=tuple(assessment.categories or ()),
            report_type=assessment.report_type,
            as_of=assessment.as_of_date,
            period_start=assessment.period_start,
            period_end=assessment.period_end,
            appetite=assessment.risk_appetite,
        ),
        profile=dict(assessment.profile or {}),
        risks=ratings,
        controls=[ControlChoice(*c) for c in choices],
        custom=custom,
        settings=settings,
        systems=in_scope_names(systems),
        exclusions=vendors_repo.exclusions(session, assessment, fresh=fresh),
    )
