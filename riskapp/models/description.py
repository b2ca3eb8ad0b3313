"""What the system description needs beyond the rest: the organisation's answers,
its incident log, each assessment's user-entity controls and significant changes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.description.fields import (
    MAX_ANSWER,
    MAX_CUEC,
    MAX_DISPOSITION,
    MAX_EXTENT,
    MAX_NATURE,
    MAX_TIMING,
)
from ..extensions import Model
from .base import utcnow


class OrganisationDescription(Model):
    """The organisation's own words for DC1 and DC2 (one row per organisation)."""

    __tablename__ = "organisation_description"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), unique=True
    )
    services: Mapped[str] = mapped_column(sa.String(MAX_ANSWER), default="")
    commitments: Mapped[str] = mapped_column(sa.String(MAX_ANSWER), default="")
    security_commitments: Mapped[str] = mapped_column(sa.String(MAX_ANSWER), default="")
    legal_requirements: Mapped[str] = mapped_column(sa.String(MAX_ANSWER), default="")
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Incident(Model):
    """One incident of the organisation's incident log."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    nature: Mapped[str] = mapped_column(sa.String(MAX_NATURE))
    timing: Mapped[str] = mapped_column(sa.String(MAX_TIMING), default="")
    extent: Mapped[str] = mapped_column(sa.String(MAX_EXTENT), default="")
    disposition: Mapped[str] = mapped_column(sa.String(MAX_DISPOSITION), default="")
    significant: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class UserEntityControl(Model):
    """One complementary user-entity control an assessment assumes its customers run."""

    __tablename__ = "user_entity_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(MAX_CUEC))
    control_ref: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SignificantChange(Model):
    """An audit-trail change an assessment marks significant, for DC9."""

    __tablename__ = "significant_change"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "audit_event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    audit_event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_event.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
