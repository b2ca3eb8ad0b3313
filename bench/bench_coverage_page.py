"""The coverage page at 5,000 controls and on the demo, each beside its target, in one run.

Run: python bench/bench_coverage_page.py [--size 5000] [--requests N] [--only demo|large]

Prints medians (through the test client, signed in as an owner) of:
- the coverage page of an assessment selecting every control of a synthetic
  library of `--size` controls (bench_scaling's shape): the first view (the
  closing set solved) and later views (reused), the page's size, and one
  domain's drill-down (targets: under 1 s and under 2 MB);
- the demo assessment's coverage page beside a static page of the same size
  served by the same app (a route returning fixed bytes), and their ratio
  (target: within 5×).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from typing import Any

from bench_scaling import _store, mark, scaled_library
from harness import PASSWORD, median_time, sign_in, signed_in_demo, traced_peak

STATIC_BODY: dict[str, bytes] = {}


def _static_route(app: Any) -> None:
    def static_page() -> Any:
        return app.response_class(STATIC_BODY.get("body", b""), mimetype="text/html")

    app.add_url_rule("/bench-static", "bench_static", static_page)


def bench_large(size: int, requests: int) -> None:
    from riskapp.app import create_app
    from riskapp.cli import upgrade_database
    from riskapp.extensions import db
    from riskapp.models import Assessment, Membership
    from riskapp.services.accounts import new_user

    library = scaled_library(size)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "RISKAPP_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            },
            instance_path=tmp,
        )
        with app.app_context():
            upgrade_database()
            assessment_id = _store(library)
            row = db.session.get(Assessment, assessment_id)
            row.step_reached = "quality"
            user = new_user("bench@example.com", PASSWORD, "Bench")
            db.session.add(
                Membership(user_id=user.id, organization_id=row.organization_id, role="owner")
            )
            db.session.commit()
        client = app.test_client()
        sign_in(client, "bench@example.com")
        url = f"/assessments/{assessment_id}/steps/coverage"
        start = time.perf_counter()
        first = client.get(url)
        first_s = time.perf_counter() - start
        assert first.status_code == 200, first.status_code
        seconds, _ = median_time(lambda: client.get(url), requests)
        size_mb = len(first.data) / 1_000_000
        figure = re.search(rb'id="coverage-heatmap" data-figure="([^"]+)"', first.data)
        figure_mb = len(figure.group(1)) / 1_000_000 if figure else 0.0
        print(
            f"coverage page, {size:,} controls: first view (closing set solved) "
            f"{first_s * 1000:.0f} ms; median {seconds * 1000:.0f} ms over {requests} "
            f"{mark(seconds, 1, 's')}; {size_mb:.2f} MB {mark(size_mb, 2, 'MB')} "
            f"(heatmap figure {figure_mb:.2f} MB)"
        )
        drill = re.search(r'href="([^"]+domain=[^"#]+)', first.get_data(as_text=True))
        if drill:
            drill_url = drill.group(1).replace("&amp;", "&")
            seconds, page = median_time(lambda: client.get(drill_url), requests)
            print(
                f"coverage page, {size:,} controls, one domain's drill-down: median "
                f"{seconds * 1000:.0f} ms {mark(seconds, 1, 's')}; "
                f"{len(page.data) / 1_000_000:.2f} MB {mark(len(page.data) / 1e6, 2, 'MB')}"
            )
        peak = traced_peak(lambda: client.get(url)) / 2**20
        print(f"coverage page, {size:,} controls: tracemalloc peak {peak:.0f} MiB")
        with app.app_context():
            db.engine.dispose()


def bench_demo(requests: int) -> None:
    with signed_in_demo(_static_route) as (client, assessment_id):
        url = f"/assessments/{assessment_id}/steps/coverage"
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        STATIC_BODY["body"] = first.data
        page_s, _ = median_time(lambda: client.get(url), requests)
        static_s, static = median_time(lambda: client.get("/bench-static"), requests)
        assert len(static.data) == len(first.data)
        ratio = page_s / static_s
        print(
            f"coverage page, demo: median {page_s * 1000:.1f} ms; a static page of the same "
            f"{len(first.data) / 1024:.0f} KiB from the same app {static_s * 1000:.1f} ms; "
            f"ratio {ratio:.1f}× {mark(ratio, 5, '×')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=9, help="timed requests per page")
    parser.add_argument(
        "--only", choices=["demo", "large"], help="run only the demo or the large library"
    )
    args = parser.parse_args(argv)
    if args.only != "large":
        bench_demo(args.requests * 3)
    if args.only != "demo":
        bench_large(args.size, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
