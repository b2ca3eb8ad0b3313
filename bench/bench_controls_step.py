"""Benchmark: the controls step with 150 selected controls (the shipped library, demo assessment).

Run: python bench/bench_controls_step.py   (median of 30 requests each through the test client)
Prints the table page, a filtered and sorted table, one control's editor and one in-place save.
"""

from __future__ import annotations

import re

from harness import median_time, signed_in_demo

REQUESTS = 30
SELECTED = 150


def _select(client, assessment_id: int) -> int:
    from riskapp.extensions import db
    from riskapp.models import Assessment
    from riskapp.repository import library as library_repo
    from riskapp.services import wizard_pages

    with client.application.app_context():
        row = db.session.get(Assessment, assessment_id)
        refs = list(library_repo.cached_library(db.session).controls)[:SELECTED]
        wizard_pages.select(row, refs)
        db.session.commit()
        return len(refs)


def main() -> None:
    with signed_in_demo() as (client, assessment_id):
        selected = _select(client, assessment_id)
        base = f"/assessments/{assessment_id}/steps/controls"
        page = client.get(base).get_data(as_text=True)
        rows = re.findall(r'<tr id="row-([^"]+)"', page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        ref = rows[0]
        save = {
            "csrf_token": token,
            "control": ref,
            "statement": "",
            "owner": "Bench owner",
            "frequency": "monthly",
            "status": "implemented",
            "na_reason": "",
        }
        print(
            f"{len(rows)} selected controls in the table ({selected} library controls asked for, "
            f"with the demo's own; {len(page) / 1024:.0f} KiB)"
        )
        work = {
            "table": lambda: client.get(base),
            "filtered": lambda: client.get(f"{base}?status=planned&sort=owner&order=desc"),
            "editor": lambda: client.get(f"{base}/editor?control={ref}"),
            "save": lambda: client.post(
                f"{base}/tailor", data=save, headers={"X-Requested-With": "fetch"}
            ),
        }
        for name, call in work.items():
            status = call().status_code
            assert status == 200, (name, status)
            seconds, _ = median_time(call, REQUESTS)
            print(f"{name:9s} median {seconds * 1000:6.1f} ms over {REQUESTS} requests")


if __name__ == "__main__":
    main()
