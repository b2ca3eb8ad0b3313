"""The Type 2 period of an assessment: settings, populations, samples and evidence on file.

Occurrences are not stored: they follow from the period and each control's
frequency (`domain/period/occurrences.py`), so changing either recomputes them;
an evidence row keeps the window it was filed against, so a past occurrence
that has evidence survives any later change of schedule.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import utcnow
from .library import Control

EVIDENCE_KINDS: tuple[str, ...] = ("file", "link")


class PeriodSettings(Model):
    """How an assessment runs its period: daily mode and its sample-size table."""

    __tablename__ = "period_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), unique=True
    )
    daily_mode: Mapped[str] = mapped_column(sa.String(20), default="business-days")
    # None: the shipped table; else the table as plain data (domain/period/sizes.py)
    sample_table: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    census_controls: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    deviation_controls: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Population(Model):
    """The full list of a per-event control's events in the period, and where it came from."""

    __tablename__ = "population"
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
    # the last import's change: counts and the first ids added and removed
    last_change: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    control: Mapped[Control] = relationship()
    items: Mapped[list[PopulationItem]] = relationship(
        back_populates="population", cascade="all, delete-orphan", passive_deletes=True
    )


class PopulationItem(Model):
    """One event of a population (recorded through its population's audit events)."""

    __tablename__ = "population_item"
    __table_args__ = (sa.UniqueConstraint("population_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    population_id: Mapped[int] = mapped_column(
        sa.ForeignKey("population.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(200))
    item_date: Mapped[date]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    extra: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    population: Mapped[Population] = relationship(back_populates="items")


class Sample(Model):
    """A seeded draw of a control's occurrences or population items; earlier draws are kept."""

    __tablename__ = "sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    current: Mapped[bool] = mapped_column(default=True)
    drawn_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    drawn_by: Mapped[str] = mapped_column(sa.String(320), default="")
    source: Mapped[str] = mapped_column(sa.String(20))  # population | occurrences
    seed: Mapped[str] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    population_size: Mapped[int]
    size: Mapped[int]
    rule: Mapped[str] = mapped_column(sa.String(300), default="")
    table_name: Mapped[str] = mapped_column(sa.String(200), default="")
    census: Mapped[bool] = mapped_column(default=False)
    prior_deviation: Mapped[bool] = mapped_column(default=False)
    # the picked items in draw order: [{"id", "date", "description"}]
    items: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)

    control: Mapped[Control] = relationship()


class Evidence(Model):
    """A file or link proving an occurrence or a sampled item; deleting hides it."""

    __tablename__ = "evidence"
    __table_args__ = (sa.CheckConstraint(f"kind IN {EVIDENCE_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int] = mapped_column(
        sa.ForeignKey("control.id", ondelete="CASCADE"), index=True
    )
    # the occurrence's window as it was when filed (occurrences are computed)
    occurrence_kind: Mapped[str] = mapped_column(sa.String(20), default="")
    window_start: Mapped[date | None]
    window_end: Mapped[date | None]
    # or a sampled population item
    item_id: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(10), default="file")
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    media_type: Mapped[str] = mapped_column(sa.String(100), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    size: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(sa.String(2000), default="")
    effective_date: Mapped[date | None]
    collected_by: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(320), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_by: Mapped[str] = mapped_column(sa.String(320), default="")

    control: Mapped[Control] = relationship()


REQUEST_STATUSES: tuple[str, ...] = ("open", "in-progress", "provided", "accepted")
REQUEST_SOURCES: tuple[str, ...] = ("plan", "imported")


class AuditRequest(Model):
    """One item of the auditor's request list: generated from the plan or imported from the firm."""

    __tablename__ = "audit_request"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "code"),
        sa.CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="status"),
        sa.CheckConstraint(f"source IN {REQUEST_SOURCES!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(60))  # the request id shown: REQ-001, PBC-12
    source: Mapped[str] = mapped_column(sa.String(10), default="plan")
    # the plan's key of a generated request (control, kind, window), so regenerating adds only new
    plan_key: Mapped[str] = mapped_column(sa.String(200), default="")
    control_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("control.id", ondelete="SET NULL"), index=True
    )
    control_code: Mapped[str] = mapped_column(sa.String(60), default="")  # as the firm wrote it
    requested: Mapped[str] = mapped_column(sa.Text, default="")
    scope_kind: Mapped[str] = mapped_column(
        sa.String(20), default=""
    )  # occurrence|population|sample
    scope_label: Mapped[str] = mapped_column(sa.String(300), default="")
    occurrence_kind: Mapped[str] = mapped_column(sa.String(20), default="")
    window_start: Mapped[date | None]
    window_end: Mapped[date | None]
    item_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    firm_assignee: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    control: Mapped[Control | None] = relationship()
