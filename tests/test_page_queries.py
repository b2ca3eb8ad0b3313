"""Every page of the guided path runs a bounded number of SQL queries at 150 selected controls.

An N+1 (one query per control, risk or custom item) would push a page far past the bound,
so this test fails the day one comes back, and prints the count of every page.
"""

from __future__ import annotations

from riskapp.domain.assessment.wizard import STEPS
from riskapp.models import Assessment
from tests.test_controls_step import counted_queries, many  # noqa: F401 (fixture)

LIMIT = 12


def test_every_guided_step_stays_within_the_query_bound(client, auth, many: Assessment) -> None:  # noqa: F811
    auth.sign_in("owner@alpha.example")
    counts: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    for step in STEPS:
        url = f"/assessments/{many.id}/steps/{step}"
        assert client.get(url).status_code == 200, step  # caches warmed, as for a worker in use
        with counted_queries() as seen:
            page = client.get(url)
        assert page.status_code == 200, step
        counts[step] = len(seen)
        statements[step] = seen
    print(f"queries per page: {counts}")
    over = {step: n for step, n in counts.items() if n > LIMIT}
    detail = "\n".join(f"--- {step}\n" + "\n".join(statements[step]) for step in over)
    assert not over, f"queries per page: {counts}\n{detail}"
    assert "Selected controls (150)" in client.get(
        f"/assessments/{many.id}/steps/controls"
    ).get_data(as_text=True)
