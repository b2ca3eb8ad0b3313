"""Scaling curves at 1k, 5k and 20k synthetic controls, each figure beside its target.

Run: python bench/bench_scaling.py [--sizes 1000 5000 20000] [--runs N] [--only coverage …]
(set RISKAPP_BENCH_PG_URL=postgresql+psycopg://… to add PostgreSQL, in a schema of its own)

First, on the demo (the shipped library), the coverage service call beside the
floor query, interleaved, and their ratio (target: within 3×): with the data
kept (`services.assessment_cache`: nothing changed since it was read) and read
afresh (the first read after a change).

Per size, a synthetic library scaled from the coverage issue's shape (per control:
0.2 criteria, 4 criterion edges of which one primary, 0.4 risks, 2 risk edges) is
loaded into a fresh database with an assessment selecting every control, and the
bench prints medians of:
- coverage, the service call (`services.coverage.load`: cached library, the
  assessment's data, the coverage), warm, with the data kept and read afresh;
  a worker's first call (in-process
  library cache empty, library shared by an earlier process) and the very first
  call after a library load (library built); the floor query (bench/floor.py)
  and the ratio (targets, for a worker started by wsgi.py, whose library is
  frozen out of full collections: warm within 3× of the floor, its first
  request within 2× of its warm median; a plain process's figures beside);
- the closing set with risks, for the same library and an assessment that
  selects nothing and mitigates every risk, and again for a library of the
  same number of controls with the issue's 1,000 criteria and 2,000 risks:
  size, proven lower bound, proven flag (targets: proven minimal at 1k,
  within 1% of the bound under 2 s at 5k, under 10 s at 20k);
- the coverage page of that assessment through the test client, signed in
  (first view, which solves the closing set, and later views; targets: under
  1 s and 2 MB);
- the workbook (.xlsx) of the assessment;
and the tracemalloc peak of one untimed run of each, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from floor import floor_query
from harness import PASSWORD, median_time, sign_in, traced_peak
from synthetic import CATEGORIES, FRAMEWORK, PERIOD, SETTINGS, synthetic_library

from riskapp.domain.assessment.model import STATUSES, AssessmentData, RiskRating, Scope
from riskapp.domain.coverage.closing import closing_set
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.coverage.setcover import DEFAULT_TIME_LIMIT
from riskapp.domain.library.model import Library

PG_URL = os.environ.get("RISKAPP_BENCH_PG_URL")


def scaled_library(controls: int) -> Library:
    """Return the issue's 5,000-control shape scaled to `controls`."""
    return synthetic_library(
        controls, criteria=controls // 5, satisfies=4 * controls, risks=2 * controls // 5
    )


TARGET_SIZE = 5000  # the issue sets the coverage and page targets at 5,000 controls


def mark(value: float, limit: float, unit: str, what: str = "<", size: int = TARGET_SIZE) -> str:
    """Return the target beside a figure, met or not (only at the size the target is set for)."""
    if size != TARGET_SIZE:
        return f"(target {what} {limit:g} {unit} is set at {TARGET_SIZE:,} controls)"
    ok = "met" if value < limit else "NOT met"
    return f"[target {what} {limit:g} {unit}: {ok}]"


@contextmanager
def database(backend: str) -> Iterator[str]:
    """Yield a database URL: a temporary SQLite file, or a PostgreSQL schema dropped after."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    from riskapp.config import normalise_database_url

    base = normalise_database_url(PG_URL or "")
    schema = f"riskapp_bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _store(library: Library) -> int:
    """Write the library and an assessment selecting every control; return its id."""
    from riskapp.extensions import db
    from riskapp.models import (
        AssessedRisk,
        Assessment,
        Control,
        Framework,
        Organization,
        Risk,
        SelectedControl,
    )
    from riskapp.repository.library import sync_library

    sync_library(db.session, library)
    org = Organization(name="Acme Ltd", settings=dict(SETTINGS))
    db.session.add(org)
    db.session.flush()
    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.slug == FRAMEWORK))
    row = Assessment(
        organization_id=org.id,
        framework_id=framework_id,
        name="Bench 2026",
        categories=list(CATEGORIES),
        report_type="type2",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    db.session.add(row)
    db.session.flush()
    controls = db.session.execute(sa.select(Control.id).order_by(Control.position)).scalars()
    db.session.execute(
        sa.insert(SelectedControl),
        [
            {
                "assessment_id": row.id,
                "control_id": cid,
                "status": STATUSES[i % len(STATUSES)],
                "na_reason": "Not used." if STATUSES[i % len(STATUSES)] == "not-applicable" else "",
                "owner": "Dana Smith" if i % 4 == 0 else "",
            }
            for i, cid in enumerate(controls)
        ],
    )
    risks = db.session.execute(sa.select(Risk.id, Risk.likelihood, Risk.impact)).all()
    db.session.execute(
        sa.insert(AssessedRisk),
        [
            {
                "assessment_id": row.id,
                "risk_id": r.id,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "treatment": "mitigate",
                "owner": "CTO",
            }
            for r in risks
        ],  # fmt: skip
    )
    db.session.commit()
    return row.id


def bench_coverage(size: int, backend: str, library: Library, runs: int) -> AssessmentData:
    """Print the coverage service call, cold and warm, against the floor query; return the data."""
    from riskapp.app import create_app
    from riskapp.cli import upgrade_database
    from riskapp.extensions import db
    from riskapp.models import Assessment
    from riskapp.repository import library as library_repo
    from riskapp.services import assessment_cache
    from riskapp.services import coverage as coverage_service
    from riskapp.warmup import warm_up

    with database(backend) as url, tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "RISKAPP_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            },
            instance,
        )
        with app.app_context():
            upgrade_database()
            start = time.perf_counter()
            assessment_id = _store(library)
            stored = time.perf_counter() - start

            def service() -> Any:
                row = db.session.get(Assessment, assessment_id)
                result = coverage_service.load(row)
                db.session.rollback()  # the request boundary: nothing kept in the session
                return result

            def afresh() -> Any:  # the first read after a change: nothing kept to reuse
                assessment_cache.clear()
                return service()

            shared = Path(instance) / "library-cache"
            for built in shared.glob("*.pickle"):
                built.unlink()
            library_repo._CACHE.clear()
            start = time.perf_counter()
            afresh()  # the first request after a library load: builds and shares the library
            first = time.perf_counter() - start
            library_repo._CACHE.clear()
            start = time.perf_counter()
            afresh()  # a new worker's first request: reads the shared library
            cold = time.perf_counter() - start
            warm, (_lib, data, coverage) = median_time(afresh, runs)

            def floor() -> Any:
                rows = floor_query(db.session, assessment_id)
                db.session.rollback()
                return rows

            firsts = []
            for _ in range(runs):  # the first request of each of `runs` workers
                library_repo._CACHE.clear()
                warm_up(app)  # what wsgi.py does in each worker as it starts
                start = time.perf_counter()
                afresh()  # nothing kept in a new process
                firsts.append(time.perf_counter() - start)
            warmed = statistics.median(firsts)
            # later requests of a wsgi.py worker, each beside a run of the floor query
            # (interleaved, so that all see the same load from other processes): with the
            # data kept (nothing changed since the last read) and read afresh (just changed)
            kept_times, worker_times, floor_times = [], [], []
            for _ in range(runs):
                kept_times.append(median_time(service, 1)[0])
                worker_times.append(median_time(afresh, 1)[0])
                floor_s, rows = median_time(floor, 1)
                floor_times.append(floor_s)
            worker, floor_s = statistics.median(worker_times), statistics.median(floor_times)
            kept = statistics.median(kept_times)
            library_repo.freeze_new_libraries(False)  # back to a plain process
            gc.unfreeze()

            peak = traced_peak(service) / 2**20
            ratio, cold_ratio = warm / floor_s, cold / warm
            print(
                f"  coverage service, {backend}: data kept (nothing changed since it was read) "
                f"median {kept * 1000:.2f} ms in a worker started by wsgi.py; floor query "
                f"{floor_s * 1000:.1f} ms ({len(rows):,} rows); ratio {kept / floor_s:.2f}× "
                f"{mark(kept / floor_s, 3, '×', size=size)}"
            )
            print(
                f"  coverage service, {backend}: data read afresh (the first read after a change) "
                f"median {warm * 1000:.1f} ms in a plain process, {worker * 1000:.1f} ms in a "
                f"worker (library frozen out of full collections); ratio {ratio:.1f}× plain, "
                f"{worker / floor_s:.1f}× worker {mark(worker / floor_s, 3, '×', size=size)}"
            )
            print(
                f"  coverage service, {backend}: a plain process's first call (library cache cold, "
                f"shared library read) {cold * 1000:.0f} ms = {cold_ratio:.1f}× warm "
                f"(no warm-up); the first call after a library load (library "
                f"built) {first * 1000:.0f} ms = {first / warm:.1f}× warm"
            )
            print(
                f"  coverage service, {backend}: the first request of a worker started by "
                f"wsgi.py (library read and indexed at start), median of {runs} workers "
                f"{warmed * 1000:.0f} ms = "
                f"{warmed / worker:.1f}× the worker's later requests that read afresh "
                f"{mark(warmed / worker, 2, '×')}, {warmed / kept:.0f}× those that find "
                f"the data kept (a new process has nothing kept)"
            )
            print(
                f"  coverage service, {backend}: tracemalloc peak {peak:.0f} MiB; totals "
                f"{coverage.overall.as_dict()} (data stored in {stored:.1f} s)"
            )
            bench_page(app, assessment_id, backend, runs, size)
            db.engine.dispose()
    return data


def bench_demo(backend: str, runs: int) -> None:
    """Print the coverage service call on the demo beside the floor query, interleaved."""
    from riskapp.app import create_app
    from riskapp.cli import upgrade_database
    from riskapp.config import SEED_LIBRARY
    from riskapp.extensions import db
    from riskapp.models import Assessment
    from riskapp.services import assessment_cache
    from riskapp.services import coverage as coverage_service
    from riskapp.services.demo import create_demo
    from riskapp.services.library import load_library

    with database(backend) as url, tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}, instance)
        with app.app_context():
            upgrade_database()
            load_library(SEED_LIBRARY)
            _org, assessment_id = create_demo("Bench Co")
            db.session.commit()

            def service() -> Any:
                row = db.session.get(Assessment, assessment_id)
                result = coverage_service.load(row)
                db.session.rollback()
                return result

            def floor() -> Any:
                rows = floor_query(db.session, assessment_id)
                db.session.rollback()
                return rows

            def afresh() -> Any:  # the first read after a change: nothing kept to reuse
                assessment_cache.clear()
                return service()

            for _ in range(5):  # warm: the library cached, the statements compiled
                afresh()
                service()
                floor()
            service_times, afresh_times, floor_times = [], [], []
            for _ in range(runs * 8):
                service_times.append(median_time(service, 1)[0])
                afresh_times.append(median_time(afresh, 1)[0])
                floor_s, rows = median_time(floor, 1)
                floor_times.append(floor_s)
            warm, floor_s = statistics.median(service_times), statistics.median(floor_times)
            read = statistics.median(afresh_times)
            print(
                f"demo, {backend}: coverage service, data kept (nothing changed since it was "
                f"read), median {warm * 1000:.2f} ms; floor query {floor_s * 1000:.2f} ms "
                f"({len(rows):,} rows); ratio {warm / floor_s:.1f}× {mark(warm / floor_s, 3, '×')}"
            )
            print(
                f"demo, {backend}: coverage service, data read afresh (the first read after a "
                f"change) median {read * 1000:.2f} ms = {read / floor_s:.1f}× the floor"
            )
            db.engine.dispose()


def bench_page(app: Any, assessment_id: int, backend: str, runs: int, size: int) -> None:
    """Print the coverage page (test client, signed in as an owner): first view, median, size."""
    from riskapp.extensions import db
    from riskapp.models import Assessment, Membership
    from riskapp.services import closing_cache
    from riskapp.services.accounts import new_user

    row = db.session.get(Assessment, assessment_id)
    row.step_reached = "quality"
    user = new_user("bench@example.com", PASSWORD, "Bench")
    db.session.add(Membership(user_id=user.id, organization_id=row.organization_id, role="owner"))
    db.session.commit()
    client = app.test_client()
    sign_in(client, "bench@example.com")
    url = f"/assessments/{assessment_id}/steps/coverage"
    closing_cache.clear()
    start = time.perf_counter()
    first = client.get(url)
    first_s = time.perf_counter() - start
    assert first.status_code == 200, first.status_code
    seconds, _ = median_time(lambda: client.get(url), runs)
    peak = traced_peak(lambda: client.get(url)) / 2**20
    size_mb = len(first.data) / 1_000_000
    print(
        f"  coverage page, {backend}: first view (closing set solved) {first_s * 1000:.0f} ms; "
        f"median {seconds * 1000:.0f} ms {mark(seconds, 1, 's', size=size)}; {size_mb:.2f} MB "
        f"{mark(size_mb, 2, 'MB', size=size)}; tracemalloc peak {peak:.0f} MiB"
    )


def bench_closing(
    size: int, library: Library, runs: int, shape: str, reference: float = 0.0
) -> None:
    """Print the closing set with risks for an assessment that selects nothing."""
    data = AssessmentData(
        name="Nothing yet",
        organization="Acme Ltd",
        scope=Scope(framework=FRAMEWORK, categories=CATEGORIES, appetite=9),
        risks=[RiskRating(ref, 5, 5, treatment="mitigate") for ref in library.risks],
    )
    coverage = compute_coverage(library, data)
    budget = 6.0 if size >= 20000 else DEFAULT_TIME_LIMIT  # the solver's limit, not the total

    def solve() -> Any:
        return closing_set(library, data, coverage, include_risks=True, time_limit=budget)

    seconds, found = median_time(solve, runs)
    cover = found.cover
    gap = 100 * (cover.size - cover.lower_bound) / cover.lower_bound
    limit = 10 if size >= 20000 else 2
    goal = {1000: "proven minimal", 5000: "within 1% of the bound"}.get(size, "")
    proof = "proven minimal" if cover.proven_minimal else "not proven minimal"
    met = cover.proven_minimal if size == 1000 else gap <= 1 if size == 5000 else True
    print(
        f"  closing set with risks, {shape} ({len(found.targets):,} targets: "
        f"{coverage.overall.gap:,} gaps, "
        f"{len(coverage.unmitigated_risks):,} risks): median {seconds * 1000:.0f} ms "
        f"{mark(seconds, limit, 's')}; {cover.size:,} controls, lower bound "
        f"{cover.lower_bound:,} (gap {gap:.1f}%), {proof}, "
        f"{cover.forced} forced, {cover.parts} part(s), method {cover.method}, "
        f"time limit {budget:g} s"
        + (f" [target {goal}: {'met' if met else 'NOT met'}]" if goal else "")
    )
    peak = traced_peak(solve)
    print(f"  closing set: tracemalloc peak {peak / 2**20:.0f} MiB")
    if reference:
        print_reference(found, reference)


def print_reference(found: Any, seconds: float) -> None:
    """Print what far more time buys on the same instance: a longer local search, and HiGHS.

    Both work on what the forced candidates leave; the search starts from the 2-second
    answer and HiGHS from the search's cover: the yardstick for that answer and its bound.
    """
    from riskapp.domain.coverage import localsearch
    from riskapp.domain.coverage.milp import solve_programme
    from riskapp.domain.coverage.setcover import _normalise, forced_candidates

    needs = {t.key: t.candidates for t in found.targets}
    candidates, _targets, rows, _unclosable = _normalise(needs, None)
    forced, open_targets = forced_candidates(rows)
    local = sorted({c for t in open_targets for c in rows[t]})
    index = {c: i for i, c in enumerate(local)}
    part = [{index[c] for c in rows[t]} for t in open_targets]
    number = {name: i for i, name in enumerate(candidates)}
    start = [index[number[ref]] for ref in found.cover.chosen if number[ref] in index]
    least = localsearch.LEAST_STEPS
    localsearch.LEAST_STEPS = 10**9  # run until the time is up
    try:
        began = time.perf_counter()
        searched = localsearch.improve_cover(part, len(local), start, seconds)
        searched_s = time.perf_counter() - began
    finally:
        localsearch.LEAST_STEPS = least
    picks, proven, bound = solve_programme(part, len(local), searched, seconds)
    size = len(forced) + (len(picks) if picks is not None else len(searched))
    print(
        f"  reference ({seconds:g} s each, {len(forced)} forced): local search "
        f"{len(forced) + len(searched):,} controls in {searched_s:.0f} s; HiGHS from that cover "
        f"{size:,}, its lower bound {len(forced) + bound:,}"
        f"{' (proven)' if proven else ''}; the 2-second answer {found.cover.size:,}"
    )


def bench_workbook(library: Library, data: AssessmentData, runs: int) -> None:
    """Print the workbook's build time, size and memory."""
    from riskapp.exporters.workbook import build_workbook

    def build() -> bytes:
        coverage = compute_coverage(library, data)
        return build_workbook(library, data, coverage, generated_at=datetime.now(UTC))

    seconds, content = median_time(build, runs)
    peak = traced_peak(build) / 2**20
    print(
        f"  workbook: median {seconds * 1000:.0f} ms, {len(content) / 2**20:.1f} MiB, "
        f"tracemalloc peak {peak:.0f} MiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument(
        "--reference",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="also give the scaled library's closing set SECONDS of local search, then "
        "SECONDS of HiGHS, and print what they reach (the yardstick for the 2 s answer)",
    )
    parser.add_argument(
        "--only",
        choices=["coverage", "closing", "workbook"],
        nargs="+",
        help="print only these figures (default: all)",
    )
    args = parser.parse_args(argv)
    only = set(args.only or ("coverage", "closing", "workbook"))
    backends = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
    for backend in backends:
        bench_demo(backend, args.runs)
    for size in args.sizes:
        start = time.perf_counter()
        library = scaled_library(size)
        print(
            f"{size:,} controls: {len(library.criteria):,} criteria, {len(library.satisfies):,} "
            f"satisfies edges, {len(library.risks):,} risks (built in "
            f"{time.perf_counter() - start:.1f} s)"
        )
        data = None
        if "coverage" in only or "workbook" in only:  # the workbook is of the stored data
            for backend in backends if "coverage" in only else backends[:1]:
                data = bench_coverage(size, backend, library, args.runs)
        if "closing" in only:
            bench_closing(size, library, max(1, args.runs // 2), "scaled library", args.reference)
            if len(library.criteria) != 1000:  # at 5,000 the scaled library is the shape
                fixed = synthetic_library(size)  # the shape: 1,000 criteria, 2,000 risks
                bench_closing(size, fixed, max(1, args.runs // 2), "1,000 criteria and 2,000 risks")
        if data is not None and "workbook" in only:
            bench_workbook(library, data, max(1, args.runs // 2))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  process peak RSS so far {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
