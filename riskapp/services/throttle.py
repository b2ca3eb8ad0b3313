"""Per-address request counting for the rate limits, on a connection of its own."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..repository.throttle import count_hit


def count_request(bucket: str, key: str, window_start: datetime) -> int:
    """Count one request in this bucket's window for this key; return the window's hits."""
    return count_hit(db.engine, bucket, key, window_start)
