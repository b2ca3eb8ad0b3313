"""Benchmark: every wizard page for the demo assessment on the shipped library.

Run: python bench/bench_wizard.py   (median of 50 requests per page through the test client)
"""

from __future__ import annotations

from harness import median_time, signed_in_demo

from riskapp.domain.assessment.wizard import STEPS

REQUESTS = 50


def main() -> None:
    with signed_in_demo() as (client, assessment_id):
        for step in STEPS:
            url = f"/assessments/{assessment_id}/steps/{step}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            seconds, _ = median_time(lambda url=url: client.get(url), REQUESTS)
            print(
                f"{step:10s} median {seconds * 1000:6.1f} ms over {REQUESTS} "
                f"requests ({len(response.data) / 1024:.0f} KiB)"
            )


if __name__ == "__main__":
    main()
