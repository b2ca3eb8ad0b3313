"""Benchmark the Type 2 period: calendar page, a 100,000-item draw, the evidence package.

Run: python bench/bench_period.py [--runs N] [--full]

Prints medians (and peaks). Targets (issue 12): the calendar page of a
12-month period with 150 selected controls (daily ones included) under
300 ms; a draw from 100,000 items, fingerprint included, under 1 s; an
evidence package of 2,000 files totalling 1 GB under 300 MB peak memory.
The default run packages 2,000 files of 50 KiB (100 MB); `--full` packages
2,000 files of 512 KiB (1 GB).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import tempfile
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from harness import median_time, traced_peak

from riskapp.domain.period.draw import draw
from riskapp.domain.period.fingerprint import Item, fingerprint

PASSWORD = "bench password 12345"
CONTROLS = 150
DAILY = 20


def bench_draw(runs: int) -> None:
    items = [
        Item(f"CHG-{i:06d}", date(2026, 1, 1) + timedelta(days=i % 365), f"Change {i}", {"by": "x"})
        for i in range(100_000)
    ]

    def work() -> object:
        return draw(items, 25, "assessment:1", "CHG-01", fp=fingerprint(items))

    seconds, result = median_time(work, runs)
    print(
        f"draw 25 of 100,000 items incl. fingerprint: median {seconds * 1000:.0f} ms "
        f"over {runs} runs (seed {result.seed[:12]}…)"
    )


def _app(tmp: str):  # type: ignore[no-untyped-def]
    from riskapp.app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": "bench",
            "RISKAPP_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "RISKAPP_EVIDENCE_DIR": f"{tmp}/evidence",
        },
        instance_path=tmp,
    )


def _setup(app) -> int:  # type: ignore[no-untyped-def]
    """Load the library; make a 2026 Type 2 assessment with 150 controls, 20 of them daily."""
    from riskapp.cli import upgrade_database
    from riskapp.config import SEED_LIBRARY
    from riskapp.extensions import db
    from riskapp.models import (
        Assessment,
        Control,
        Framework,
        Membership,
        Organization,
        SelectedControl,
    )
    from riskapp.services.accounts import new_user
    from riskapp.services.library import load_library

    with app.app_context():
        upgrade_database()
        load_library(SEED_LIBRARY)
        org = Organization(name="Bench Co", settings={})
        db.session.add(org)
        db.session.flush()
        framework = db.session.scalar(sa.select(Framework.id).where(Framework.slug == "soc2-2017"))
        row = Assessment(
            organization_id=org.id,
            framework_id=framework,
            name="Bench Type 2",
            report_type="type2",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            categories=["security"],
        )
        db.session.add(row)
        db.session.flush()
        controls = db.session.scalars(
            sa.select(Control).where(Control.assessment_id.is_(None)).order_by(Control.ref)
        ).all()
        for i, control in enumerate(controls[:CONTROLS]):  # the shipped library has 146
            frequency = "daily" if i < DAILY else ""
            db.session.add(
                SelectedControl(
                    assessment_id=row.id,
                    control_id=control.id,
                    frequency=frequency,
                    status="implemented",
                )
            )
        user = new_user("bench@example.com", PASSWORD, "Bench")
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role="owner"))
        db.session.commit()
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SelectedControl)
            .where(SelectedControl.assessment_id == row.id)
        )
        print(f"assessment {row.id}: {count} selected controls, {DAILY} of them daily")
        return row.id


def _sign_in(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    client.post(
        "/sign-in",
        data={"csrf_token": token.group(1), "email": "bench@example.com", "password": PASSWORD},
    )
    return client


def bench_calendar(app, assessment_id: int, runs: int) -> None:  # type: ignore[no-untyped-def]
    client = _sign_in(app)
    url = f"/assessments/{assessment_id}/period/calendar"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    seconds, _ = median_time(lambda: client.get(url), runs)
    print(
        f"calendar page, 12 months: median {seconds * 1000:.0f} ms over {runs} requests "
        f"({len(response.data) / 1024:.0f} KiB)"
    )


def bench_package(app, assessment_id: int, files: int, size: int) -> None:  # type: ignore[no-untyped-def]
    from riskapp.extensions import db
    from riskapp.models import Assessment, Control, Evidence, SelectedControl
    from riskapp.repository.evidence_files import stored_path
    from riskapp.services import evidence as evidence_service

    with app.app_context():
        root = Path(app.config["RISKAPP_EVIDENCE_DIR"])
        control_ids = db.session.scalars(
            sa.select(Control.id)
            .join(SelectedControl, SelectedControl.control_id == Control.id)
            .where(SelectedControl.assessment_id == assessment_id, SelectedControl.frequency == "")
        ).all()
        rows = []
        block = os.urandom(size)
        for i in range(files):
            content = i.to_bytes(8, "big") + block[8:]
            digest = hashlib.sha256(content).hexdigest()
            path = stored_path(root, digest)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            rows.append(
                {
                    "assessment_id": assessment_id,
                    "control_id": control_ids[i % len(control_ids)],
                    "occurrence_kind": "instance",
                    "window_start": date(2026, 1, 1),
                    "window_end": date(2026, 3, 31),
                    "kind": "file",
                    "filename": f"proof-{i}.pdf",
                    "media_type": "application/pdf",
                    "sha256": digest,
                    "size": size,
                    "effective_date": date(2026, 2, 1),
                    "collected_by": "",
                    "note": "",
                    "url": "",
                    "item_id": "",
                    "uploaded_by": "bench",
                    "deleted_by": "",
                }
            )
        db.session.execute(sa.insert(Evidence), rows)
        db.session.commit()
        assessment = db.session.get(Assessment, assessment_id)
        total = files * size
        out = Path(app.instance_path) / "package.zip"

        def work() -> object:
            return evidence_service.write_package(assessment, out, root)

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, _ = median_time(work, 1)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = traced_peak(work)
        print(
            f"evidence package, {files} files, {total / 2**20:.0f} MiB: {seconds:.1f} s, "
            f"zip {out.stat().st_size / 2**20:.0f} MiB, tracemalloc peak "
            f"{peak / 2**20:.1f} MiB, max RSS {after / 1024:.0f} MiB "
            f"(grew {(after - before) / 1024:.0f} MiB while packaging)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--full", action="store_true", help="package 1 GB, not 100 MB")
    args = parser.parse_args()
    bench_draw(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        assessment_id = _setup(app)
        bench_calendar(app, assessment_id, args.runs)
        bench_package(app, assessment_id, 2000, (512 if args.full else 50) * 1024)
        with app.app_context():
            from riskapp.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
