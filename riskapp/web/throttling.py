"""Per-address limits on the requests that cost the server most (hashes, solver, exports)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

from ..domain.accounts.throttle import (
    RATE_LIMITS,
    RateLimit,
    seconds_until_next_window,
    window_start,
)
from ..services.throttle import count_request
from .access import client_address

F = TypeVar("F", bound=Callable[..., Any])


def _limit(bucket: str) -> RateLimit:
    configured = current_app.config.get("RISKAPP_RATE_LIMITS") or {}
    return cast(RateLimit, configured.get(bucket, RATE_LIMITS[bucket]))


def rate_limited(bucket: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[F], F]:
    """Answer 429 once an address has spent this bucket's requests for the current window."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                limit = _limit(bucket)
                now = datetime.now(UTC)
                hits = count_request(
                    bucket, client_address() or "-", window_start(now, limit.window)
                )
                if hits > limit.limit:
                    wait = seconds_until_next_window(now, limit.window)
                    minutes = max(1, -(-wait // 60))
                    raise TooManyRequests(
                        description=(
                            "Too many requests of this kind from your address. Nothing was "
                            f"changed; try again in {minutes} minute{'s' if minutes != 1 else ''}."
                        ),
                        retry_after=wait,
                    )
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate
