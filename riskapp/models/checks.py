"""Computed checks and reconciliation: decisions on candidate deviations, second sources.

Candidate deviations are not stored: they follow from a population and its
control's declared checks. What a person decides about one is stored, with
the failure's text as it was, so a decision applies while the item fails the
same way and shows as open again if a re-import changes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.testing.results import OTHER
from ..extensions import Model
from .base import utcnow
from .library import Control

DECISIONS: tuple[str, ...] = ("confirmed", "dismissed")


class CheckDecision(Model):
    """A person's confirmation or dismissal of one item failing one check, with a reason.

    A confirmation also carries what a deviation recorded on the Testing page
    carries (nature, cause, person or system involved, recurring, design-level):
    the conclusion rule reads them. A dismissal keeps them at their defaults.
    """

    __tablename__ = "check_decision"
    __table_args__ = (
        sa.UniqueConstraint("population_id", "item_id", "check_name"),
        sa.CheckConstraint(f"decision IN {DECISIONS!r}", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    population_id: Mapped[int] = mapped_column(
        sa.ForeignKey("population.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(200))
    item_date: Mapped[date | None]
    check_name: Mapped[str] = mapped_column(sa.String(60))
    failure: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    nature: Mapped[str] = mapped_column(sa.String(20), default=OTHER, server_default=OTHER)
    cause: Mapped[str] = mapped_column(sa.String(2000), default="", server_default="")
    involves: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    recurring: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    design: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    decided_by: Mapped[str] = mapped_column(sa.String(320), default="")
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SecondSource(Model):
    """The independent second source of a control's population, reconciled by a key."""

    __tablename__ = "second_source"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    source_system: Mapped[str] = mapped_column(sa.String(200), default="")
    query: Mapped[str] = mapped_column(sa.Text, default="")
    pulled_by: Mapped[str] = mapped_column(sa.String(200), default="")
    pulled_at: Mapped[date | None]
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")
    item_count: Mapped[int] = mapped_column(default=0)
    columns: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    control: Mapped[Control] = relationship()


class SecondSourceItem(Model):
    """One row of a second source (recorded through its source's audit events)."""

    __tablename__ = "second_source_item"
    __table_args__ = (sa.UniqueConstraint("source_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        sa.ForeignKey("second_source.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(200))
    item_date: Mapped[date]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class ReconciliationNote(Model):
    """Why an item found in one source only is not a gap: the recorded explanation."""

    __tablename__ = "reconciliation_note"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "control_id", "side", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(sa.String(20))
    key: Mapped[str] = mapped_column(sa.String(200))
    item_id: Mapped[str] = mapped_column(sa.String(200), default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    explained_by: Mapped[str] = mapped_column(sa.String(320), default="")
    explained_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
