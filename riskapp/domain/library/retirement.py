"""Retired controls in a library folder: `retired: {OLD-REF: [NEW-REF, ...]}` in library.yaml."""

from __future__ import annotations

from collections.abc import Mapping

from .problems import REF_RE, EntryReader, Problem


def read_retired(r: EntryReader) -> dict[str, tuple[str, ...]]:
    """Read the manifest's `retired` mapping; record a problem for each malformed entry."""
    retired: dict[str, tuple[str, ...]] = {}
    for old, successors in r.mapping("retired", required=False).items():
        if not isinstance(old, str) or not REF_RE.match(old):
            r.problem(f"retired.{old}", f"{old!r} is not a control ref")
        elif successors is None:
            retired[old] = ()
        elif isinstance(successors, str) and successors.strip():
            retired[old] = (successors.strip(),)
        elif isinstance(successors, list) and all(
            isinstance(s, str) and s.strip() for s in successors
        ):
            retired[old] = tuple(dict.fromkeys(s.strip() for s in successors))
        else:
            r.problem(f"retired.{old}", "must be a list of the refs of its successors")
    return retired


def retired_problems(
    manifest: str, retired: Mapping[str, tuple[str, ...]], defined: Mapping[str, str]
) -> list[Problem]:
    """Return the problems of `retired` against the controls `defined` (ref → file).

    A retired ref must no longer be defined; each successor must be a defined
    control other than the retired one, and not itself retired.
    """
    problems = []
    for old, successors in retired.items():
        if old in defined:
            problems.append(
                Problem(
                    manifest,
                    old,
                    "retired",
                    f"{old} is retired but still defined in {defined[old]}",
                )
            )
        for ref in successors:
            if ref == old:
                message = f"{old} cannot succeed itself"
            elif ref in retired:
                message = f"successor {ref} is itself retired"
            elif ref not in defined:
                message = f"unknown successor control {ref!r}"
            else:
                continue
            problems.append(Problem(manifest, old, "retired", message))
    return problems
