"""What the benchmarks share: medians, memory peaks, and the demo served to a signed-in client."""

from __future__ import annotations

import gc
import re
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
PASSWORD = "bench password 12345"


def median_time(work: Callable[[], T], runs: int) -> tuple[float, T]:
    """Run `work` `runs` times after a garbage collection each; return the median seconds and
    the last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def traced_peak(work: Callable[[], object]) -> int:
    """Return the tracemalloc peak, in bytes, of one (untimed) run of `work`."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@contextmanager
def signed_in_demo(setup: Callable[[Any], None] | None = None) -> Iterator[tuple[Any, int]]:
    """Yield (test client signed in as an owner, demo assessment id) on a temporary database.

    `setup`, when given, is called with the app before its first request (to add a route).
    """
    from riskapp.app import create_app
    from riskapp.cli import upgrade_database
    from riskapp.config import SEED_LIBRARY
    from riskapp.extensions import db
    from riskapp.models import Membership
    from riskapp.services.accounts import new_user
    from riskapp.services.demo import create_demo
    from riskapp.services.library import load_library

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "RISKAPP_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            },
            instance_path=tmp,
        )
        if setup is not None:
            setup(app)
        with app.app_context():
            upgrade_database()
            load_library(SEED_LIBRARY)
            org_id, assessment_id = create_demo("Bench Co")
            user = new_user("bench@example.com", PASSWORD, "Bench")
            db.session.add(Membership(user_id=user.id, organization_id=org_id, role="owner"))
            db.session.commit()  # the bench is a boundary, like a CLI command
        client = app.test_client()
        sign_in(client, "bench@example.com")
        try:
            yield client, assessment_id
        finally:
            with app.app_context():
                db.engine.dispose()


def sign_in(client: Any, email: str) -> None:
    """Sign `client` in as `email` (whose password is PASSWORD)."""
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    client.post(
        "/sign-in", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
