"""Benchmark the command line's start: `import riskapp.cli`, `riskapp --help`, and what loads.

Run: python bench/bench_cli.py [--runs N]

Prints medians of fresh processes (wall and CPU time of the child) for
`import riskapp.cli` (target < 0.3 s) and `riskapp --help`, and which of the
heavy libraries (openpyxl, python-docx, Alembic, Flask-Migrate, SciPy) each
loads (target: none).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "docx", "alembic", "flask_migrate", "scipy")
IMPORT = "import riskapp.cli"
HELP = (
    "import sys; from riskapp.cli import main; sys.argv = ['riskapp', '--help']\n"
    "try:\n    main()\nexcept SystemExit:\n    pass"
)
LOADED = "print('loaded:' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))"


def timed(code: str, runs: int) -> tuple[float, float]:
    """Return the median wall and CPU seconds of `runs` fresh interpreters running `code`."""
    walls, cpus = [], []
    env = {**os.environ, "RISKAPP_LOG_LEVEL": "WARNING"}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def loaded(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\n{LOADED % (HEAVY,)}"],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    marked = [line for line in out.stdout.splitlines() if line.startswith("loaded:")]
    return marked[-1].removeprefix("loaded:") if marked else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    bare_wall, bare_cpu = timed("pass", args.runs)
    print(f"python -c pass: median {bare_wall * 1000:.0f} ms wall, {bare_cpu * 1000:.0f} ms CPU")
    for label, code in (("import riskapp.cli", IMPORT), ("riskapp --help", HELP)):
        wall, cpu = timed(code, args.runs)
        heavy = loaded(code) or "none"
        verdict = "met" if wall < 0.3 else "NOT met"
        target = f" [target < 0.3 s: {verdict}]" if code == IMPORT else ""
        print(
            f"{label}: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU over "
            f"{args.runs} processes{target}; heavy libraries loaded: {heavy}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
