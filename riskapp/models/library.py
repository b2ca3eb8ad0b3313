"""The library graph as relational tables: nodes, and the four edges from a control.

Library rows have `assessment_id` NULL. An assessment's custom risks, controls
and mappings live in the same tables with `assessment_id` set, so the graph is
built the same way for both; partial unique indexes keep library refs unique.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import utcnow

LIBRARY_ONLY = sa.text("assessment_id IS NULL")


class LibraryRelease(Model):
    """One successful load of a library: what was loaded and when."""

    __tablename__ = "library_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(100))
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    retired: Mapped[int] = mapped_column(default=0)


class ApplicabilityTag(Model):
    """A tag risks carry, asked as a yes/no question of the assessment profile."""

    __tablename__ = "applicability_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    description: Mapped[str] = mapped_column(sa.Text)
    question: Mapped[str] = mapped_column(sa.Text, default="")
    help: Mapped[str] = mapped_column(sa.Text, default="")
    default: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)


class Framework(Model):
    __tablename__ = "framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(100))
    categories: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    series: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="framework", order_by="Criterion.position"
    )


class Criterion(Model):
    __tablename__ = "criterion"
    __table_args__ = (sa.UniqueConstraint("framework_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("framework.id"), index=True)
    ref: Mapped[str] = mapped_column(sa.String(40))
    series: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    points_of_focus: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criterion.id"))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    framework: Mapped[Framework] = relationship(back_populates="criteria")
    parent: Mapped[Criterion | None] = relationship(remote_side=[id])


class Risk(Model):
    __tablename__ = "risk"
    __table_args__ = (
        sa.Index(
            "uq_risk_library_ref",
            "ref",
            unique=True,
            sqlite_where=LIBRARY_ONLY,
            postgresql_where=LIBRARY_ONLY,
        ),
        sa.UniqueConstraint("assessment_id", "ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    category: Mapped[str] = mapped_column(sa.String(40))
    threat: Mapped[str] = mapped_column(sa.Text)
    weakness: Mapped[str] = mapped_column(sa.Text)
    consequence: Mapped[str] = mapped_column(sa.Text)
    likelihood: Mapped[int]
    likelihood_rationale: Mapped[str] = mapped_column(sa.Text, default="")
    impact: Mapped[int]
    impact_rationale: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    mitigations: Mapped[list[ControlRisk]] = relationship(back_populates="risk")


class Control(Model):
    __tablename__ = "control"
    __table_args__ = (
        sa.Index(
            "uq_control_library_ref",
            "ref",
            unique=True,
            sqlite_where=LIBRARY_ONLY,
            postgresql_where=LIBRARY_ONLY,
        ),
        sa.UniqueConstraint("assessment_id", "ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    statement: Mapped[str] = mapped_column(sa.Text)
    domain: Mapped[str] = mapped_column(sa.String(40))
    type: Mapped[str] = mapped_column(sa.String(20))
    nature: Mapped[str] = mapped_column(sa.String(20))
    frequency: Mapped[str] = mapped_column(sa.String(20))
    owner_role: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    # set on a retired library row: the refs replacing it, and the version that retired it
    successors: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    retired_in: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # computed checks and second source declared in the library (domain/testing/checks.py)
    checks: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list, server_default="[]")
    reconcile: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)

    criteria_links: Mapped[list[ControlCriterion]] = relationship(back_populates="control")
    risk_links: Mapped[list[ControlRisk]] = relationship(back_populates="control")
    evidence_links: Mapped[list[ControlEvidence]] = relationship(back_populates="control")
    policy_links: Mapped[list[ControlPolicy]] = relationship(back_populates="control")


class EvidenceType(Model):
    __tablename__ = "evidence_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    collection: Mapped[str] = mapped_column(sa.Text)
    sample: Mapped[str] = mapped_column(sa.Text)
    frequency: Mapped[str] = mapped_column(sa.String(20))
    population: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    completeness: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    sample_unit: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    control_links: Mapped[list[ControlEvidence]] = relationship(back_populates="evidence_type")


class PolicyTemplate(Model):
    __tablename__ = "policy_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    owner_role: Mapped[str] = mapped_column(sa.String(120))
    purpose: Mapped[str] = mapped_column(sa.Text)
    scope: Mapped[str] = mapped_column(sa.Text)
    roles: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    sections: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    exceptions: Mapped[str] = mapped_column(sa.Text)
    enforcement: Mapped[str] = mapped_column(sa.Text)
    review: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    control_links: Mapped[list[ControlPolicy]] = relationship(back_populates="policy")


def _edge_indexes(table: str, *columns: str) -> tuple[Any, ...]:
    return (
        sa.Index(
            f"uq_{table}_library",
            *columns,
            unique=True,
            sqlite_where=LIBRARY_ONLY,
            postgresql_where=LIBRARY_ONLY,
        ),
        sa.UniqueConstraint(*columns, "assessment_id", name=f"uq_{table}_custom"),
    )


class ControlCriterion(Model):
    """Control → Criterion (satisfies), primary or supporting."""

    __tablename__ = "control_criterion"
    __table_args__ = _edge_indexes("control_criterion", "control_id", "criterion_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), index=True)
    strength: Mapped[str] = mapped_column(sa.String(20))
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )

    control: Mapped[Control] = relationship(back_populates="criteria_links")
    criterion: Mapped[Criterion] = relationship()


class ControlRisk(Model):
    """Control → Risk (mitigates), with its reduction of likelihood and impact."""

    __tablename__ = "control_risk"
    __table_args__ = _edge_indexes("control_risk", "control_id", "risk_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    risk_id: Mapped[int] = mapped_column(sa.ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    likelihood_effect: Mapped[int] = mapped_column(default=0)
    impact_effect: Mapped[int] = mapped_column(default=0)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )

    control: Mapped[Control] = relationship(back_populates="risk_links")
    risk: Mapped[Risk] = relationship(back_populates="mitigations")


class ControlEvidence(Model):
    """Control → EvidenceType (evidenced by)."""

    __tablename__ = "control_evidence"
    __table_args__ = _edge_indexes("control_evidence", "control_id", "evidence_type_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    evidence_type_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_type.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )

    control: Mapped[Control] = relationship(back_populates="evidence_links")
    evidence_type: Mapped[EvidenceType] = relationship(back_populates="control_links")


class ControlPolicy(Model):
    """Control → PolicyTemplate (documented in); one primary policy per control."""

    __tablename__ = "control_policy"
    __table_args__ = _edge_indexes("control_policy", "control_id", "policy_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_template.id"), index=True)
    is_primary: Mapped[bool] = mapped_column(default=True)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )

    control: Mapped[Control] = relationship(back_populates="policy_links")
    policy: Mapped[PolicyTemplate] = relationship(back_populates="control_links")
