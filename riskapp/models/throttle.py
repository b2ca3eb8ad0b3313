"""Request counters per client address and kind of request, shared by every worker."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class RateCounter(Model):
    """How many requests of one kind an address made in one fixed window."""

    __tablename__ = "rate_counter"
    __table_args__ = (sa.UniqueConstraint("bucket", "key", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(100))
    window_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    hits: Mapped[int] = mapped_column(default=0)
