"""Benchmark: parse, validate and load the shipped library; reload it unchanged.

Run: python bench/bench_library.py   (prints medians over several runs)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskapp.app import create_app  # noqa: E402
from riskapp.cli import upgrade_database  # noqa: E402
from riskapp.config import SEED_LIBRARY  # noqa: E402
from riskapp.domain.library.loader import parse_library  # noqa: E402
from riskapp.services.library import load_library  # noqa: E402

RUNS = 5


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parse = median_seconds(lambda: parse_library(SEED_LIBRARY))
    print(f"parse + validate shipped library: median {parse * 1000:.0f} ms over {RUNS} runs")
    first, again = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(
                {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench"},
                instance_path=tmp,
            )
            with app.app_context():
                upgrade_database()
                first.append(median_seconds(lambda: load_library(SEED_LIBRARY), runs=1))
                again.append(median_seconds(lambda: load_library(SEED_LIBRARY), runs=1))
                from riskapp.extensions import db

                db.engine.dispose()
    print(f"first load into empty SQLite: median {statistics.median(first) * 1000:.0f} ms")
    print(f"reload unchanged (no writes): median {statistics.median(again) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
