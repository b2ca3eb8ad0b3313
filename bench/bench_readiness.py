"""Benchmark the Readiness page: 150 controls, a 12-month period, 5,000 evidence records.

Run: python bench/bench_readiness.py [--runs N]

Prints the median of the readiness page (target under 300 ms, issue 13) after
setting up the shipped library's 146 controls plus 4 custom ones (20 daily),
5,000 evidence records spread over their occurrences, a drawn sample with
results on 40 controls and a few deviations.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from bench_period import _app, _setup, _sign_in
from harness import median_time

EVIDENCE = 5_000
CONTROLS = 150


def _fill(app, assessment_id: int) -> None:  # type: ignore[no-untyped-def]
    """Bring the assessment to 150 controls, file 5,000 evidence rows and some results."""
    from riskapp.domain.period.occurrences import occurrences
    from riskapp.extensions import db
    from riskapp.models import Control, Evidence, ItemResult, SelectedControl
    from riskapp.services import period as period_service

    with app.app_context():
        have = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SelectedControl)
            .where(SelectedControl.assessment_id == assessment_id)
        )
        for i in range(CONTROLS - have):
            control = Control(
                assessment_id=assessment_id,
                ref=f"CUS-{i + 1:02d}",
                title=f"Custom control {i + 1}",
                statement="{org} reviews it.",
                domain="governance",
                type="detective",
                nature="manual",
                frequency="monthly",
                owner_role="CISO",
            )
            db.session.add(control)
            db.session.flush()
            db.session.add(
                SelectedControl(
                    assessment_id=assessment_id,
                    control_id=control.id,
                    frequency="monthly",
                    status="implemented",
                )
            )
        db.session.commit()
        assessment = period_service.assessment(assessment_id)
        chosen = period_service.selected(assessment)
        ids = dict(
            db.session.execute(
                sa.select(Control.ref, Control.id)
                .join(SelectedControl, SelectedControl.control_id == Control.id)
                .where(SelectedControl.assessment_id == assessment_id)
            ).all()
        )
        windows = []
        for s in chosen:
            for o in occurrences(s.frequency, date(2026, 1, 1), date(2026, 12, 31)):
                if o.kind != "population":
                    windows.append((ids[s.ref], o))
        rows = []
        start = datetime(2026, 1, 5, tzinfo=UTC)
        for n in range(EVIDENCE):
            control_id, o = windows[(n * 7919) % len(windows)]
            rows.append(
                {
                    "assessment_id": assessment_id,
                    "control_id": control_id,
                    "occurrence_kind": o.kind,
                    "window_start": o.window_start,
                    "window_end": o.window_end,
                    "kind": "link",
                    "filename": "",
                    "media_type": "",
                    "sha256": "",
                    "size": 0,
                    "url": f"https://tickets.example/{n}",
                    "effective_date": o.window_end,
                    "collected_by": "",
                    "note": "",
                    "item_id": "",
                    "uploaded_at": start + timedelta(hours=(n * 37) % (24 * 330)),
                    "uploaded_by": "bench",
                    "deleted_by": "",
                }
            )
        db.session.execute(sa.insert(Evidence), rows)
        results = []
        for s in chosen[:40]:
            if s.frequency in ("", "per-event"):
                continue
            sample, _ = period_service.draw_sample(assessment, s.ref)
            for k, item in enumerate(sample.items):
                deviation = k == 0 and s.ref.endswith("1")
                results.append(
                    {
                        "assessment_id": assessment_id,
                        "control_id": ids[s.ref],
                        "side": "internal",
                        "item_id": item["id"],
                        "item_date": date.fromisoformat(item["date"]),
                        "outcome": "deviation" if deviation else "passed",
                        "what": "late" if deviation else "",
                        "found_on": date(2026, 6, 1) if deviation else None,
                        "nature": "late" if deviation else "other",
                        "cause": "owner on leave" if deviation else "",
                        "recurring": False,
                        "design": False,
                        "involves": "",
                        "response": "",
                        "responded_on": None,
                        "recorded_by": "bench",
                        "recorded_at": datetime.now(UTC),
                    }
                )
        if results:
            db.session.execute(sa.insert(ItemResult), results)
        db.session.commit()
        print(
            f"{len(chosen)} controls, {EVIDENCE} evidence records, {len(results)} internal results"
        )


def bench_readiness(app, assessment_id: int, runs: int) -> None:  # type: ignore[no-untyped-def]
    client = _sign_in(app)
    url = f"/assessments/{assessment_id}/period/readiness"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    seconds, _ = median_time(lambda: client.get(url), runs)
    cpu: list[float] = []
    for _ in range(runs):  # CPU time too: the wall time suffers on a shared, loaded machine
        start = time.process_time()
        client.get(url)
        cpu.append(time.process_time() - start)
    print(
        f"readiness page, 12 months, {CONTROLS} controls, {EVIDENCE} evidence records: "
        f"median {seconds * 1000:.0f} ms over {runs} requests, CPU median "
        f"{statistics.median(cpu) * 1000:.0f} ms ({len(response.data) / 1024:.0f} KiB; "
        "target < 300 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        assessment_id = _setup(app)
        _fill(app, assessment_id)
        bench_readiness(app, assessment_id, args.runs)
        with app.app_context():
            from riskapp.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
