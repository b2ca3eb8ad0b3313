"""Read-only queries behind the library browser; unknown refs raise NotFound."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..domain.errors import NotFound
from ..extensions import db
from ..models import (
    Control,
    ControlCriterion,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    PolicyTemplate,
    Risk,
)


def _library(model: Any) -> sa.Select:
    query = sa.select(model).where(~model.retired)
    if hasattr(model, "assessment_id"):
        query = query.where(model.assessment_id.is_(None))
    return query.order_by(model.position)


def _one(query: sa.Select, kind: str, key: object) -> Any:
    row = db.session.scalars(query).first()
    if row is None:
        raise NotFound(kind, key)
    return row


def frameworks() -> list[Framework]:
    return list(db.session.scalars(sa.select(Framework).where(~Framework.retired)))


def framework(slug: str) -> Framework:
    return _one(sa.select(Framework).where(Framework.slug == slug), "framework", slug)


def criteria_with_counts(fw: Framework) -> list[tuple[Criterion, int, int]]:
    """Return (criterion, primary controls, supporting controls) for each of a framework's."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"primary": 0, "supporting": 0})
    rows = db.session.execute(
        sa.select(ControlCriterion.criterion_id, ControlCriterion.strength, sa.func.count())
        .join(Control, Control.id == ControlCriterion.control_id)
        .join(Criterion, Criterion.id == ControlCriterion.criterion_id)
        .where(
            Criterion.framework_id == fw.id,
            ControlCriterion.assessment_id.is_(None),
            ~Control.retired,
        )
        .group_by(ControlCriterion.criterion_id, ControlCriterion.strength)
    )
    for criterion_id, strength, n in rows:
        counts[criterion_id][strength] = n
    criteria = db.session.scalars(_library(Criterion).where(Criterion.framework_id == fw.id))
    return [(c, counts[c.id]["primary"], counts[c.id]["supporting"]) for c in criteria]


def criterion(slug: str, ref: str) -> Criterion:
    return _one(
        _library(Criterion).join(Framework).where(Framework.slug == slug, Criterion.ref == ref),
        "criterion",
        f"{slug}:{ref}",
    )


def controls_for_criterion(c: Criterion) -> list[tuple[Control, str]]:
    rows = db.session.execute(
        sa.select(Control, ControlCriterion.strength)
        .join(ControlCriterion, ControlCriterion.control_id == Control.id)
        .where(
            ControlCriterion.criterion_id == c.id,
            ControlCriterion.assessment_id.is_(None),
            ~Control.retired,
        )
        .order_by(ControlCriterion.strength, Control.position)
    )
    return [(control, strength) for control, strength in rows]


def controls() -> list[Control]:
    return list(db.session.scalars(_library(Control)))


def control(ref: str) -> Control:
    """Return a library control by ref, retired ones too (assessments may still select them)."""
    return _one(
        sa.select(Control)
        .where(Control.assessment_id.is_(None), Control.ref == ref)
        .options(
            selectinload(Control.criteria_links)
            .selectinload(ControlCriterion.criterion)
            .selectinload(Criterion.framework),
            selectinload(Control.risk_links).selectinload(ControlRisk.risk),
            selectinload(Control.evidence_links),
            selectinload(Control.policy_links).selectinload(ControlPolicy.policy),
        ),
        "control",
        ref,
    )


def risks() -> list[Risk]:
    return list(db.session.scalars(_library(Risk)))


def risk(ref: str) -> Risk:
    return _one(
        _library(Risk)
        .where(Risk.ref == ref)
        .options(selectinload(Risk.mitigations).selectinload(ControlRisk.control)),
        "risk",
        ref,
    )


def evidence_type(ref: str) -> EvidenceType:
    return _one(_library(EvidenceType).where(EvidenceType.ref == ref), "evidence type", ref)


def policies() -> list[PolicyTemplate]:
    return list(db.session.scalars(_library(PolicyTemplate)))


def policy(ref: str) -> PolicyTemplate:
    return _one(_library(PolicyTemplate).where(PolicyTemplate.ref == ref), "policy", ref)


def controls_documented_in(p: PolicyTemplate) -> list[tuple[Control, bool]]:
    rows = db.session.execute(
        sa.select(Control, ControlPolicy.is_primary)
        .join(ControlPolicy, ControlPolicy.control_id == Control.id)
        .where(
            ControlPolicy.policy_id == p.id, ControlPolicy.assessment_id.is_(None), ~Control.retired
        )
        .order_by(Control.domain, Control.position)
    )
    return [(c, primary) for c, primary in rows]
