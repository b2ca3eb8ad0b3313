"""Map an assessment's rows to the domain's AssessmentData (and custom content)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from ..domain.assessment.applicability import active_tags, is_applicable
from ..domain.assessment.model import (
    AssessmentData,
    ControlChoice,
    CustomContent,
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
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    Organization,
    PolicyTemplate,
    Risk,
    SelectedControl,
)
from . import inventory as inventory_repo
from . import vendors as vendors_repo


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """Return an assessment by id, whatever its organisation (CLI and services only)."""
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFound("assessment", assessment_id)
    return row


def _own_and_retired_rows(
    session: Session, assessment_id: int
) -> tuple[list[Risk], list[Control], list[Control], list[Risk]]:
    """Return the assessment's own risks and controls, and the retired library controls it
    selects and risks it rates: one query per table, split here by whose row it is."""
    retired_selected = (
        sa.select(SelectedControl.id)
        .where(
            SelectedControl.assessment_id == assessment_id,
            SelectedControl.control_id == Control.id,
        )
        .exists()
    )
    controls = session.scalars(
        sa.select(Control)
        .where(
            (Control.assessment_id == assessment_id)
            | (Control.assessment_id.is_(None) & Control.retired & retired_selected)
        )
        .order_by(Control.id)
    ).all()
    retired_rated = (
        sa.select(AssessedRisk.id)
        .where(AssessedRisk.assessment_id == assessment_id, AssessedRisk.risk_id == Risk.id)
        .exists()
    )
    risks = session.scalars(
        sa.select(Risk)
        .where(
            (Risk.assessment_id == assessment_id)
            | (Risk.assessment_id.is_(None) & Risk.retired & retired_rated)
        )
        .order_by(Risk.id)
    ).all()
    return (
        [r for r in risks if r.assessment_id is not None],
        [c for c in controls if c.assessment_id is not None],
        [c for c in controls if c.assessment_id is None],
        [r for r in risks if r.assessment_id is None],
    )


_NO_TEXT = sa.cast(sa.null(), sa.String)
_NO_NUMBER = sa.cast(sa.null(), sa.Integer)


def _custom_edges(session: Session, assessment_id: int, custom: CustomContent) -> None:
    """Add the assessment's own edges to `custom`, all four kinds in one query (by kind, then
    in the order they were added), read column by column."""
    satisfies = (
        sa.select(
            sa.literal_column("0", sa.Integer).label("kind"),
            ControlCriterion.id.label("row"),
            Control.ref.label("control"),
            Framework.slug.label("a"),
            Criterion.ref.label("b"),
            ControlCriterion.strength.label("c"),
            _NO_NUMBER.label("x"),
            _NO_NUMBER.label("y"),
        )
        .select_from(ControlCriterion)
        .join(Control, Control.id == ControlCriterion.control_id)
        .join(Criterion, Criterion.id == ControlCriterion.criterion_id)
        .join(Framework, Framework.id == Criterion.framework_id)
        .where(ControlCriterion.assessment_id == assessment_id)
    )
    mitigates = (
        sa.select(
            sa.literal_column("1", sa.Integer),
            ControlRisk.id,
            Control.ref,
            Risk.ref,
            _NO_TEXT,
            _NO_TEXT,
            ControlRisk.likelihood_effect,
            ControlRisk.impact_effect,
        )
        .select_from(ControlRisk)
        .join(Control, Control.id == ControlRisk.control_id)
        .join(Risk, Risk.id == ControlRisk.risk_id)
        .where(ControlRisk.assessment_id == assessment_id)
    )
    evidenced = (
        sa.select(
            sa.literal_column("2", sa.Integer),
            ControlEvidence.id,
            Control.ref,
            EvidenceType.ref,
            _NO_TEXT,
            _NO_TEXT,
            _NO_NUMBER,
            _NO_NUMBER,
        )
        .select_from(ControlEvidence)
        .join(Control, Control.id == ControlEvidence.control_id)
        .join(EvidenceType, EvidenceType.id == ControlEvidence.evidence_type_id)
        .where(ControlEvidence.assessment_id == assessment_id)
    )
    documented = (
        sa.select(
            sa.literal_column("3", sa.Integer),
            ControlPolicy.id,
            Control.ref,
            PolicyTemplate.ref,
            _NO_TEXT,
            _NO_TEXT,
            sa.case(
                (ControlPolicy.is_primary, sa.literal_column("1")), else_=sa.literal_column("0")
            ),
            _NO_NUMBER,
        )
        .select_from(ControlPolicy)
        .join(Control, Control.id == ControlPolicy.control_id)
        .join(PolicyTemplate, PolicyTemplate.id == ControlPolicy.policy_id)
        .where(ControlPolicy.assessment_id == assessment_id)
    )
    edges = sa.union_all(satisfies, mitigates, evidenced, documented).subquery()
    for kind, _, control, a, b, c, x, y in session.execute(
        sa.select(edges).order_by(edges.c.kind, edges.c.row)
    ):
        if kind == 0:
            custom.satisfies.append(dom.Satisfies(control, a, b, c))
        elif kind == 1:
            custom.mitigates.append(dom.Mitigates(control, a, x, y))
        elif kind == 2:
            custom.evidenced_by.append(dom.EvidencedBy(control, a))
        else:
            custom.documented_in.append(dom.DocumentedIn(control, a, bool(x)))


def _custom_content(session: Session, assessment_id: int) -> CustomContent:
    """Return the assessment's own risks, controls and edges, and the retired library controls
    and risks it still uses (three queries in all, whatever the number of rows)."""
    own_risks, own_controls, retired_controls, retired_risks = _own_and_retired_rows(
        session, assessment_id
    )
    custom = CustomContent()
    custom.risks.extend(_domain_risk(r) for r in own_risks)
    custom.controls.extend(_domain_control(c) for c in own_controls)
    _custom_edges(session, assessment_id, custom)
    _add_retired(session, custom, retired_controls, retired_risks)
    return custom


def _add_retired(
    session: Session, custom: CustomContent, rows: list[Control], risks: list[Risk]
) -> None:
    """Add retired library controls and risks the assessment still uses to `custom`.

    Each comes with its mappings as kept at retirement: a retired control's
    edges, and the mitigations of a retired risk by current controls.
    """
    ids = [row.id for row in rows]
    risk_ids = {row.id for row in risks}
    for row in rows:
        custom.controls.append(_domain_control(row))
        custom.retired[row.ref] = dom.Retirement(tuple(row.successors or ()), row.retired_in)
    for risk in risks:
        custom.risks.append(_domain_risk(risk))
        custom.retired_risks.add(risk.ref)
    if risk_ids:
        for e in session.scalars(
            sa.select(ControlRisk)
            .join(Control, Control.id == ControlRisk.control_id)
            .where(
                ControlRisk.assessment_id.is_(None),
                ControlRisk.risk_id.in_(risk_ids),
                ~Control.retired,
            )
            .order_by(ControlRisk.id)
        ):
            custom.mitigates.append(
                dom.Mitigates(e.control.ref, e.risk.ref, e.likelihood_effect, e.impact_effect)
            )
    if not ids:
        return

    def edges(model: Any) -> list:
        return list(
            session.scalars(
                sa.select(model)
                .where(model.assessment_id.is_(None), model.control_id.in_(ids))
                .order_by(model.id)
            )
        )

    # a mapping to an entry the library has since retired too is left out
    for e in edges(ControlCriterion):
        if e.criterion.retired:
            continue
        custom.satisfies.append(
            dom.Satisfies(e.control.ref, e.criterion.framework.slug, e.criterion.ref, e.strength)
        )
    for e in edges(ControlRisk):
        if e.risk.retired and e.risk_id not in risk_ids:
            continue
        custom.mitigates.append(
            dom.Mitigates(e.control.ref, e.risk.ref, e.likelihood_effect, e.impact_effect)
        )
    for e in edges(ControlEvidence):
        if e.evidence_type.retired:
            continue
        custom.evidenced_by.append(dom.EvidencedBy(e.control.ref, e.evidence_type.ref))
    for e in edges(ControlPolicy):
        if e.policy.retired:
            continue
        custom.documented_in.append(dom.DocumentedIn(e.control.ref, e.policy.ref, e.is_primary))


def _domain_risk(r: Risk) -> dom.Risk:
    return dom.Risk(
        ref=r.ref,
        title=r.title,
        category=r.category,
        threat=r.threat,
        weakness=r.weakness,
        consequence=r.consequence,
        likelihood=r.likelihood,
        likelihood_rationale=r.likelihood_rationale,
        impact=r.impact,
        impact_rationale=r.impact_rationale,
        tags=tuple(r.tags),
    )


def _domain_control(c: Control) -> dom.Control:
    return dom.Control(
        ref=c.ref,
        title=c.title,
        statement=c.statement,
        domain=c.domain,
        type=c.type,
        nature=c.nature,
        frequency=c.frequency,
        owner_role=c.owner_role,
    )


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


def _ratings(
    session: Session, assessment: Assessment, library: dom.Library | None = None
) -> list[RiskRating]:
    """Return the applicable ratings, in `applicable_ratings`' order, read column by column.

    A current library risk's tags are taken from `library` (the cached library)
    rather than decoded from each row again; custom and retired risks' tags are read.
    """
    active = active_tags(assessment.profile or {})
    in_library = sa.and_(Risk.assessment_id.is_(None), ~Risk.retired)
    read_tags = library is not None
    rows = (
        session.connection()
        .execute(  # Core rows: no ORM layer per row
            sa.select(
                Risk.ref,
                sa.case((in_library, sa.null()), else_=Risk.tags).label("tags")
                if read_tags
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
            .where(AssessedRisk.assessment_id == assessment.id)
            .order_by(Risk.assessment_id.is_not(None), Risk.position, AssessedRisk.id)
        )
        .all()
    )
    known = {ref: risk.tags for ref, risk in library.risks.items()} if library else {}
    missing = [r.ref for r in rows if r.current and r.tags is None and r.ref not in known]
    if missing:  # a library risk the cached library lacks: read its tags after all
        known.update(
            (ref, tuple(value or ()))
            for ref, value in session.execute(
                sa.select(Risk.ref, Risk.tags).where(
                    Risk.assessment_id.is_(None), Risk.ref.in_(missing)
                )
            )
        )

    ratings = []
    for ref, tags, current, custom, *rating in rows:
        if current and tags is None and ref in known:
            tags = known[ref]
        if custom or is_applicable(tuple(tags or ()), active):
            ratings.append(_rating(ref, *rating))
    return ratings


def _rating(
    ref: str,
    likelihood: int | None,
    impact: int | None,
    excluded: bool,
    exclusion_reason: str,
    treatment: str | None,
    owner: str,
    rationale: str,
    residual_likelihood: int | None,
    residual_impact: int | None,
    override_reason: str,
) -> RiskRating:
    return RiskRating(
        ref,
        likelihood,  # type: ignore[arg-type]
        impact,  # type: ignore[arg-type]
        excluded,
        exclusion_reason,
        treatment,
        owner,
        rationale,
        (residual_likelihood, residual_impact) if residual_likelihood and residual_impact else None,
        override_reason,
    )


def to_assessment_data(
    session: Session, assessment: Assessment, library: dom.Library | None = None
) -> AssessmentData:
    """Return the domain view of an assessment: scope, ratings, choices, custom content.

    Only the columns the domain needs are read (no library row is loaded whole):
    at 5,000 selected controls, loading each selection's full `Control` row
    took most of the coverage page's time. With `library` (the cached library)
    the current library risks' tags are taken from it instead of decoded again.
    """
    if session.autoflush:  # the Core reads below do not flush pending changes themselves
        session.flush()
    org = session.get(Organization, assessment.organization_id)
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
    custom = _custom_content(session, assessment.id)
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
        exclusions=vendors_repo.exclusions(session, assessment),
    )
