"""Criteria an assessment sets aside: not applicable, or carved out to a vendor."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.assessment.exclusions import EXCLUSION_KINDS, MAX_VENDOR_CONTROLS
from ..extensions import Model
from .base import utcnow
from .library import Criterion
from .vendors import Vendor


class CriterionExclusion(Model):
    """One criterion of an assessment marked not applicable or carved out to a vendor."""

    __tablename__ = "criterion_exclusion"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "criterion_id"),
        sa.CheckConstraint(f"kind IN {EXCLUSION_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    vendor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    vendor_controls: Mapped[str] = mapped_column(sa.String(MAX_VENDOR_CONTROLS), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    criterion: Mapped[Criterion] = relationship()
    vendor: Mapped[Vendor | None] = relationship()
