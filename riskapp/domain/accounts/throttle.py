"""How long sign-in pauses after repeated failures: an exponential lockout with a cap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failures allowed before a pause, the first pause, the longest, and when to forget."""

    free_failures: int
    first_pause: timedelta = timedelta(minutes=1)
    longest_pause: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=12)


# One account is guessed at from anywhere; one address may serve a whole office.
ACCOUNT_POLICY = ThrottlePolicy(free_failures=5)
ADDRESS_POLICY = ThrottlePolicy(free_failures=20)


def pause_after(failures: int, policy: ThrottlePolicy) -> timedelta | None:
    """Return how long sign-in pauses after `failures` consecutive failures, or None.

    The first `free_failures` failures cost nothing; failure number
    free_failures + n (n = 0, 1, 2, ...) pauses first_pause * 2**n, capped at
    longest_pause.
    """
    if failures < policy.free_failures:
        return None
    extra = failures - policy.free_failures
    if extra >= 32:  # 2**32 minutes is past any cap; avoid a huge timedelta
        return policy.longest_pause
    return min(policy.first_pause * (2**extra), policy.longest_pause)


def minutes_left(until: datetime, now: datetime) -> int:
    """Return the whole minutes, rounded up and at least 1, from `now` to `until`."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests of one kind per `window` from one client address."""

    limit: int
    window: timedelta


# Sign-up and password changes each cost an Argon2id hash (64 MiB); the closing set runs a
# solver and exports build whole files. An office behind one address stays well inside these.
RATE_LIMITS: dict[str, RateLimit] = {
    "sign-up": RateLimit(limit=10, window=timedelta(hours=1)),
    "password": RateLimit(limit=10, window=timedelta(hours=1)),
    "closing-set": RateLimit(limit=30, window=timedelta(minutes=1)),
    "export": RateLimit(limit=30, window=timedelta(minutes=1)),
}


def window_start(now: datetime, window: timedelta) -> datetime:
    """Return the start of the fixed window that holds `now` (windows align to the epoch)."""
    seconds = int(window.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=now.tzinfo)


def seconds_until_next_window(now: datetime, window: timedelta) -> int:
    """Return the whole seconds, at least 1, until the next window opens."""
    ends = window_start(now, window) + window
    return max(1, math.ceil((ends - now).total_seconds()))
