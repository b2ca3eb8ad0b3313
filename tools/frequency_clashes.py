"""List every control→evidence edge whose evidence frequency differs from the control's.

Run: .venv/bin/python tools/frequency_clashes.py [LIBRARY_DIR] [--statements]
"""

from __future__ import annotations

import sys
from pathlib import Path

from riskapp.domain.library.loader import parse_library


def clashes(root: Path) -> list[tuple[str, str, str, str]]:
    """Return (control, control frequency, evidence, evidence frequency) per clashing edge."""
    lib = parse_library(root)
    out = []
    for edge in lib.evidenced_by:
        control, evidence = lib.controls[edge.control], lib.evidence[edge.evidence]
        if control.frequency != evidence.frequency:
            out.append((edge.control, control.frequency, edge.evidence, evidence.frequency))
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = Path(args[0] if args else "seed_library")
    lib = parse_library(root)
    found = clashes(root)
    for control, cf, evidence, ef in found:
        print(f"{control:8} {cf:11} {evidence:30} {ef}")
        if "--statements" in sys.argv:
            print("    ", lib.controls[control].statement)
    print(f"{len(found)} of {len(lib.evidenced_by)} control→evidence edges differ in frequency")


if __name__ == "__main__":
    main()
