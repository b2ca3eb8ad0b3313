"""An organisation's vendor register: vendors, their assurance reports and expected CUECs."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vendors.assurance import REPORT_KINDS
from ..domain.vendors.register import (
    CRITICALITIES,
    DATA_CLASSES,
    MAX_NAME,
    MAX_SERVICE,
)
from ..extensions import Model, db
from .base import utcnow
from .inventory import System

MAX_CUEC = 1000
MAX_CONTROL_REF = 40

# Which of the organisation's inventory systems each vendor provides or runs.
vendor_system = sa.Table(
    "vendor_system",
    db.metadata,
    sa.Column("vendor_id", sa.ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("system_id", sa.ForeignKey("system.id", ondelete="CASCADE"), primary_key=True),
)


class Vendor(Model):
    """A third party the organisation relies on, with its tier and review dates."""

    __tablename__ = "vendor"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "name"),
        sa.CheckConstraint(f"data_shared IN {DATA_CLASSES!r}", name="data_shared"),
        sa.CheckConstraint(f"criticality IN {CRITICALITIES!r}", name="criticality"),
        sa.CheckConstraint("tier_override IN (1, 2, 3)", name="tier_override"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    service: Mapped[str] = mapped_column(sa.String(MAX_SERVICE), default="")
    data_shared: Mapped[str] = mapped_column(sa.String(30), default="none")
    criticality: Mapped[str] = mapped_column(sa.String(20), default="low")
    tier_override: Mapped[int | None]
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    last_assessed: Mapped[date | None]
    contingency_plan: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    provided_systems: Mapped[list[System]] = relationship(
        secondary=vendor_system, order_by="System.name"
    )
    report: Mapped[VendorReport | None] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", passive_deletes=True
    )
    cuecs: Mapped[list[VendorCuec]] = relationship(
        back_populates="vendor",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VendorCuec.id",
    )


class VendorReport(Model):
    """The vendor's latest assurance report: its kind, the days it covers, its exceptions."""

    __tablename__ = "vendor_report"
    __table_args__ = (sa.CheckConstraint(f"kind IN {REPORT_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vendor.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), default="none")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    report_date: Mapped[date | None]
    exceptions: Mapped[str] = mapped_column(sa.Text, default="")

    vendor: Mapped[Vendor] = relationship(back_populates="report")


class VendorCuec(Model):
    """A complementary user-entity control the vendor expects of us, mapped to one of ours."""

    __tablename__ = "vendor_cuec"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vendor.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.String(MAX_CUEC))
    control_ref: Mapped[str] = mapped_column(sa.String(MAX_CONTROL_REF))

    vendor: Mapped[Vendor] = relationship(back_populates="cuecs")
