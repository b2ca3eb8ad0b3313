"""Rate counters, counted on a connection of their own.

A refused or failed request rolls its own work back, but the attempt must
still count; so each hit is written and committed by itself, apart from the
request's session, in one atomic upsert that workers cannot race.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from ..models import RateCounter

# Windows older than this are forgotten whenever a hit is counted.
KEEP_WINDOWS_FOR = timedelta(days=1)


def count_hit(engine: Engine, bucket: str, key: str, window_start: datetime) -> int:
    """Count one request in this bucket's window for this key; return the window's hits."""
    table = cast(sa.Table, RateCounter.__table__)
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(bucket=bucket, key=key[:100], window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=["bucket", "key", "window_start"],
            set_={"hits": table.c.hits + 1},
        )
        .returning(table.c.hits)
    )
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.window_start < window_start - KEEP_WINDOWS_FOR))
        return int(conn.execute(statement).scalar_one())
