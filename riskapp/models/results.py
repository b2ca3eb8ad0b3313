"""Results of testing the period per item, and conclusions recorded over the rule's."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.testing.results import OUTCOMES, SIDES
from ..extensions import Model
from .base import utcnow
from .library import Control


class ItemResult(Model):
    """One side's result for one tested item (sampled item, occurrence "#n" or census item)."""

    __tablename__ = "item_result"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "control_id", "side", "item_id"),
        sa.CheckConstraint(f"side IN {SIDES!r}", name="side"),
        sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(sa.String(10))
    item_id: Mapped[str] = mapped_column(sa.String(200))
    item_date: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(sa.String(12))
    what: Mapped[str] = mapped_column(sa.Text, default="")
    found_on: Mapped[date | None]
    nature: Mapped[str] = mapped_column(sa.String(20), default="other")
    cause: Mapped[str] = mapped_column(sa.Text, default="")
    recurring: Mapped[bool] = mapped_column(default=False)
    design: Mapped[bool] = mapped_column(default=False)
    involves: Mapped[str] = mapped_column(sa.String(200), default="")
    response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_on: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(sa.String(320), default="")
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    control: Mapped[Control] = relationship()


class ConclusionOverride(Model):
    """A conclusion recorded over the rule's for one control, with its reason."""

    __tablename__ = "conclusion_override"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    conclusion: Mapped[str] = mapped_column(sa.String(40))
    rule_conclusion: Mapped[str] = mapped_column(sa.String(40), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(320), default="")
    recorded_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    control: Mapped[Control] = relationship()
