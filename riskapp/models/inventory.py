"""The organisation's system inventory."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.inventory.model import CLASSIFICATIONS, KINDS, MAX_NAME, MAX_NOTES, MAX_OWNER
from ..extensions import Model
from .base import utcnow


class System(Model):
    """A system the organisation runs or uses; `roles` lists the placeholders it fills."""

    __tablename__ = "system"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "name"),
        sa.CheckConstraint(f"kind IN {tuple(KINDS)!r}", name="kind"),
        sa.CheckConstraint(f"classification IN {tuple(CLASSIFICATIONS)!r}", name="classification"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    kind: Mapped[str] = mapped_column(sa.String(30), default="other")
    # a member's name or a role, as free text
    owner: Mapped[str] = mapped_column(sa.String(MAX_OWNER), default="")
    classification: Mapped[str] = mapped_column(sa.String(20), default="internal")
    in_scope: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(sa.String(MAX_NOTES), default="")
    retired: Mapped[bool] = mapped_column(default=False)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
