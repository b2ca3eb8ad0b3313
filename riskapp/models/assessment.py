"""An organisation's assessment: scope, profile, rated risks, selected controls, audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.assessment.model import REPORT_TYPES
from ..extensions import Model
from .base import utcnow
from .library import Control, Framework, Risk


class Assessment(Model):
    __tablename__ = "assessment"
    __table_args__ = (sa.CheckConstraint(f"report_type IN {REPORT_TYPES!r}", name="report_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("framework.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    report_type: Mapped[str] = mapped_column(sa.String(10), default="type1")
    as_of_date: Mapped[date | None]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    risk_appetite: Mapped[int] = mapped_column(default=9)
    profile: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    step_reached: Mapped[str] = mapped_column(sa.String(20), default="scope")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    framework: Mapped[Framework] = relationship()
    risks: Mapped[list[AssessedRisk]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    controls: Mapped[list[SelectedControl]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )


class AssessedRisk(Model):
    """A library or custom risk as this assessment rates and treats it."""

    __tablename__ = "assessed_risk"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "risk_id"),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood"),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    risk_id: Mapped[int] = mapped_column(sa.ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    likelihood: Mapped[int]
    impact: Mapped[int]
    excluded: Mapped[bool] = mapped_column(default=False)
    exclusion_reason: Mapped[str] = mapped_column(sa.Text, default="")
    treatment: Mapped[str | None] = mapped_column(sa.String(20))
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    residual_likelihood_override: Mapped[int | None]
    residual_impact_override: Mapped[int | None]
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="risks")
    risk: Mapped[Risk] = relationship()


class SelectedControl(Model):
    """A library or custom control chosen for this assessment, tailored to the organisation."""

    __tablename__ = "selected_control"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    # the user's own wording (may hold placeholders); None follows the library template
    statement: Mapped[str | None] = mapped_column(sa.Text)
    # the library template the user's wording was written against (None: not edited)
    statement_base: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    frequency: Mapped[str] = mapped_column(sa.String(20), default="")
    status: Mapped[str] = mapped_column(sa.String(30), default="planned")
    na_reason: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="controls")
    control: Mapped[Control] = relationship()


class AuditEvent(Model):
    """Who changed what in an organisation's data, with each field before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # who acted, as shown then (an email, or "command line"): kept if the user is deleted
    actor: Mapped[str] = mapped_column(sa.String(320), default="", server_default="")
    assessment_id: Mapped[int | None] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    object_kind: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
