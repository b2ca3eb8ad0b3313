"""Read an assessment's own content, and the retired library entries it still uses.

One query whatever the number of rows: the assessment's own and retired
risks and controls and its four kinds of own edges, one UNION ALL read as
plain rows (no ORM work per row); only retired entries' kept mappings take more.
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

# The statement is built once (building it took longer than running it); the
# assessment's id is bound at each execution.
_ID: sa.BindParameter[int] = sa.bindparam("assessment_id", type_=sa.Integer)
# kinds of row in the one query: the four kinds of own edges, then controls, then risks
_SATISFIES, _MITIGATES, _EVIDENCED, _DOCUMENTED, _CONTROL, _RISK = range(6)


def _content_statement() -> sa.Select[Any]:
    """Return the assessment's own and retired controls and risks and its own edges, one
    UNION ALL of rows of one shape, by kind then by id.

    Each row is (kind, id, own, s1 … s9, x, y, j): a control's or risk's text
    fields and levels, or an edge's ends and attributes, as `_read` maps them.
    Most assessments have none of these, and one query that returns nothing
    costs a third of three.
    """
    text, number, flag = sa.cast(sa.null(), sa.Text), sa.cast(sa.null(), sa.Integer), sa.false()
    no_list = sa.cast(sa.null(), sa.JSON)
    controls = sa.select(
        sa.literal_column(str(_CONTROL), sa.Integer).label("kind"),
        Control.id.label("id"),
        Control.assessment_id.is_not(None).label("own"),
        *(
            sa.cast(column, sa.Text).label(f"s{n}")
            for n, column in enumerate(
                (
                    Control.ref,
                    Control.title,
                    Control.statement,
                    Control.domain,
                    Control.type,
                    Control.nature,
                    Control.frequency,
                    Control.owner_role,
                    Control.retired_in,
                ),
                start=1,
            )
        ),  # fmt: skip
        number.label("x"),
        number.label("y"),
        Control.successors.label("j"),
    ).where(
        (Control.assessment_id == _ID)
        | (
            Control.assessment_id.is_(None)
            & Control.retired
            & sa.select(SelectedControl.id)
            .where(SelectedControl.assessment_id == _ID, SelectedControl.control_id == Control.id)
            .exists()
        )
    )
    risks = sa.select(
        sa.literal_column(str(_RISK), sa.Integer),
        Risk.id,
        Risk.assessment_id.is_not(None),
        Risk.ref,
        Risk.title,
        Risk.category,
        Risk.threat,
        Risk.weakness,
        Risk.consequence,
        Risk.likelihood_rationale,
        Risk.impact_rationale,
        text,
        Risk.likelihood,
        Risk.impact,
        Risk.tags,
    ).where(
        (Risk.assessment_id == _ID)
        | (
            Risk.assessment_id.is_(None)
            & Risk.retired
            & sa.select(AssessedRisk.id)
            .where(AssessedRisk.assessment_id == _ID, AssessedRisk.risk_id == Risk.id)
            .exists()
        )
    )

    def edge(kind: int, row: Any, a: Any, b: Any = text, c: Any = text) -> Any:
        return (
            sa.literal_column(str(kind), sa.Integer),
            row,
            flag,
            Control.ref,
            a,
            b,
            c,
            *(text,) * 5,
        )

    satisfies = (
        sa.select(
            *edge(
                _SATISFIES,
                ControlCriterion.id,
                Framework.slug,
                Criterion.ref,
                ControlCriterion.strength,
            ),
            number,
            number,
            no_list,
        )  # fmt: skip
        .select_from(ControlCriterion)
        .join(Control, Control.id == ControlCriterion.control_id)
        .join(Criterion, Criterion.id == ControlCriterion.criterion_id)
        .join(Framework, Framework.id == Criterion.framework_id)
        .where(ControlCriterion.assessment_id == _ID)
    )
    mitigates = (
        sa.select(
            *edge(_MITIGATES, ControlRisk.id, Risk.ref),
            ControlRisk.likelihood_effect,
            ControlRisk.impact_effect,
            no_list,
        )
        .select_from(ControlRisk)
        .join(Control, Control.id == ControlRisk.control_id)
        .join(Risk, Risk.id == ControlRisk.risk_id)
        .where(ControlRisk.assessment_id == _ID)
    )
    evidenced = (
        sa.select(*edge(_EVIDENCED, ControlEvidence.id, EvidenceType.ref), number, number, no_list)
        .select_from(ControlEvidence)
        .join(Control, Control.id == ControlEvidence.control_id)
        .join(EvidenceType, EvidenceType.id == ControlEvidence.evidence_type_id)
        .where(ControlEvidence.assessment_id == _ID)
    )
    documented = (
        sa.select(
            *edge(_DOCUMENTED, ControlPolicy.id, PolicyTemplate.ref),
            sa.case(
                (ControlPolicy.is_primary, sa.literal_column("1")), else_=sa.literal_column("0")
            ),
            number,
            no_list,
        )
        .select_from(ControlPolicy)
        .join(Control, Control.id == ControlPolicy.control_id)
        .join(PolicyTemplate, PolicyTemplate.id == ControlPolicy.policy_id)
        .where(ControlPolicy.assessment_id == _ID)
    )
    # the controls come first: the union's column types (JSON, booleans) are theirs
    rows = sa.union_all(controls, risks, satisfies, mitigates, evidenced, documented).subquery()
    return sa.select(rows).order_by(rows.c.kind, rows.c.id)


_CONTENT = _content_statement()


def custom_content(session: Session, assessment_id: int) -> CustomContent:
    """Return the assessment's own risks, controls and edges, and the retired library controls
    and risks it still uses (one query, whatever the number of rows; only retired entries'
    kept mappings take more)."""
    rows = session.connection().execute(_CONTENT, {"assessment_id": assessment_id})
    custom = CustomContent()
    own_risks: list[dom.Risk] = []
    retired_controls: list[tuple[int, dom.Control, list[str], str]] = []
    retired_risks: list[tuple[int, dom.Risk]] = []
    for kind, row_id, own, *texts, x, y, listed in rows:
        a, b, c, d, e, f, g, h, i = texts
        if kind == _CONTROL:
            control = dom.Control(a, b, c, d, e, f, g, h)
            if own:
                custom.controls.append(control)
            else:
                retired_controls.append((row_id, control, listed or [], i or ""))
        elif kind == _RISK:
            risk = dom.Risk(a, b, c, d, e, f, x, g, y, h, tuple(listed or ()))
            if own:
                own_risks.append(risk)
            else:
                retired_risks.append((row_id, risk))
        elif kind == _SATISFIES:
            custom.satisfies.append(dom.Satisfies(a, b, c, d))
        elif kind == _MITIGATES:
            custom.mitigates.append(dom.Mitigates(a, b, x, y))
        elif kind == _EVIDENCED:
            custom.evidenced_by.append(dom.EvidencedBy(a, b))
        else:
            custom.documented_in.append(dom.DocumentedIn(a, b, bool(x)))
    custom.risks.extend(own_risks)  # the own risks first, then the own controls, as before
    _add_retired(session, custom, retired_controls, retired_risks)
    return custom


def _add_retired(
    session: Session,
    custom: CustomContent,
    controls: list[tuple[int, dom.Control, list[str], str]],
    risks: list[tuple[int, dom.Risk]],
) -> None:
    """Add retired library controls and risks the assessment still uses to `custom`.

    Each comes with its mappings as kept at retirement: a retired control's
    edges, and the mitigations of a retired risk by current controls.
    """
    ids = [row_id for row_id, *_ in controls]
    risk_ids = {row_id for row_id, _ in risks}
    for _id, control, successors, retired_in in controls:
        custom.controls.append(control)
        custom.retired[control.ref] = dom.Retirement(tuple(successors), retired_in)
    for _id, risk in risks:
        custom.risks.append(risk)
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
