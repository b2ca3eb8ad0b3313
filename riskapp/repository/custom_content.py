"""Read an assessment's own content, and the retired library entries it still uses.

A fixed number of queries whatever the number of rows: the assessment's own
and retired risks and controls one query per table, the four kinds of own
edges one UNION ALL; only retired entries' kept mappings take more.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.assessment.model import CustomContent
from ..domain.library import model as dom
from ..models import (
    AssessedRisk,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    PolicyTemplate,
    Risk,
    SelectedControl,
)

# The statements are built once (building them took longer than running them); the
# assessment's id is bound at each execution.
_ID: sa.BindParameter[int] = sa.bindparam("assessment_id", type_=sa.Integer)
_OWN_AND_RETIRED_CONTROLS = (
    sa.select(Control)
    .where(
        (Control.assessment_id == _ID)
        | (
            Control.assessment_id.is_(None)
            & Control.retired
            & sa.select(SelectedControl.id)
            .where(SelectedControl.assessment_id == _ID, SelectedControl.control_id == Control.id)
            .exists()
        )
    )
    .order_by(Control.id)
)
_OWN_AND_RETIRED_RISKS = (
    sa.select(Risk)
    .where(
        (Risk.assessment_id == _ID)
        | (
            Risk.assessment_id.is_(None)
            & Risk.retired
            & sa.select(AssessedRisk.id)
            .where(AssessedRisk.assessment_id == _ID, AssessedRisk.risk_id == Risk.id)
            .exists()
        )
    )
    .order_by(Risk.id)
)


def _own_and_retired_rows(
    session: Session, assessment_id: int
) -> tuple[list[Risk], list[Control], list[Control], list[Risk]]:
    """Return the assessment's own risks and controls, and the retired library controls it
    selects and risks it rates: one query per table, split here by whose row it is."""
    bound = {"assessment_id": assessment_id}
    controls = session.scalars(_OWN_AND_RETIRED_CONTROLS, bound).all()
    risks = session.scalars(_OWN_AND_RETIRED_RISKS, bound).all()
    return (
        [r for r in risks if r.assessment_id is not None],
        [c for c in controls if c.assessment_id is not None],
        [c for c in controls if c.assessment_id is None],
        [r for r in risks if r.assessment_id is None],
    )


def _edges_statement() -> sa.Select[Any]:
    """Return the four kinds of own edges as one UNION ALL, by kind then in the order added."""
    no_text = sa.cast(sa.null(), sa.String)
    no_number = sa.cast(sa.null(), sa.Integer)
    satisfies = (
        sa.select(
            sa.literal_column("0", sa.Integer).label("kind"),
            ControlCriterion.id.label("row"),
            Control.ref.label("control"),
            Framework.slug.label("a"),
            Criterion.ref.label("b"),
            ControlCriterion.strength.label("c"),
            no_number.label("x"),
            no_number.label("y"),
        )
        .select_from(ControlCriterion)
        .join(Control, Control.id == ControlCriterion.control_id)
        .join(Criterion, Criterion.id == ControlCriterion.criterion_id)
        .join(Framework, Framework.id == Criterion.framework_id)
        .where(ControlCriterion.assessment_id == _ID)
    )
    mitigates = (
        sa.select(
            sa.literal_column("1", sa.Integer),
            ControlRisk.id,
            Control.ref,
            Risk.ref,
            no_text,
            no_text,
            ControlRisk.likelihood_effect,
            ControlRisk.impact_effect,
        )
        .select_from(ControlRisk)
        .join(Control, Control.id == ControlRisk.control_id)
        .join(Risk, Risk.id == ControlRisk.risk_id)
        .where(ControlRisk.assessment_id == _ID)
    )
    evidenced = (
        sa.select(
            sa.literal_column("2", sa.Integer),
            ControlEvidence.id,
            Control.ref,
            EvidenceType.ref,
            no_text,
            no_text,
            no_number,
            no_number,
        )
        .select_from(ControlEvidence)
        .join(Control, Control.id == ControlEvidence.control_id)
        .join(EvidenceType, EvidenceType.id == ControlEvidence.evidence_type_id)
        .where(ControlEvidence.assessment_id == _ID)
    )
    documented = (
        sa.select(
            sa.literal_column("3", sa.Integer),
            ControlPolicy.id,
            Control.ref,
            PolicyTemplate.ref,
            no_text,
            no_text,
            sa.case(
                (ControlPolicy.is_primary, sa.literal_column("1")), else_=sa.literal_column("0")
            ),
            no_number,
        )
        .select_from(ControlPolicy)
        .join(Control, Control.id == ControlPolicy.control_id)
        .join(PolicyTemplate, PolicyTemplate.id == ControlPolicy.policy_id)
        .where(ControlPolicy.assessment_id == _ID)
    )
    edges = sa.union_all(satisfies, mitigates, evidenced, documented).subquery()
    return sa.select(edges).order_by(edges.c.kind, edges.c.row)


_EDGES = _edges_statement()


def _custom_edges(session: Session, assessment_id: int, custom: CustomContent) -> None:
    """Add the assessment's own edges to `custom`, all four kinds in one query, read as
    plain rows (Core: no ORM work per row)."""
    rows = session.connection().execute(_EDGES, {"assessment_id": assessment_id})
    for kind, _, control, a, b, c, x, y in rows:
        if kind == 0:
            custom.satisfies.append(dom.Satisfies(control, a, b, c))
        elif kind == 1:
            custom.mitigates.append(dom.Mitigates(control, a, x, y))
        elif kind == 2:
            custom.evidenced_by.append(dom.EvidencedBy(control, a))
        else:
            custom.documented_in.append(dom.DocumentedIn(control, a, bool(x)))


def custom_content(session: Session, assessment_id: int) -> CustomContent:
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
