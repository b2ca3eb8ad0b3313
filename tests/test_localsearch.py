"""Local search for large closing sets: always a cover, never larger, the same answer each time."""

from __future__ import annotations

import itertools
import random

import pytest

from riskapp.domain.coverage.localsearch import improve_cover
from riskapp.domain.coverage.setcover import (
    SEARCHED,
    SOLVER_PART,
    _normalise,
    greedy_cover,
    smallest_cover,
)


def _is_cover(rows: list[set[int]], chosen: list[int]) -> bool:
    picked = set(chosen)
    return all(row & picked for row in rows)


def _minimum(rows: list[set[int]], n: int) -> int:
    for size in range(1, n + 1):
        if any(_is_cover(rows, list(combo)) for combo in itertools.combinations(range(n), size)):
            return size
    raise AssertionError("no cover")


def test_it_finds_the_pair_the_greedy_cover_misses() -> None:
    # A closes targets 0–6 and B closes 7–13; the bait C1, C2, C3 close 8, 4 and 2 of them
    # across both halves, so the greedy cover takes the three baits.
    a, b, c1, c2, c3 = range(5)
    rows = [{a} for _ in range(7)] + [{b} for _ in range(7)]
    for c, targets in ((c1, (0, 1, 2, 3, 7, 8, 9, 10)), (c2, (4, 5, 11, 12)), (c3, (6, 13))):
        for t in targets:
            rows[t].add(c)
    assert greedy_cover(rows, 5) == [c1, c2, c3]
    assert improve_cover(rows, 5, [c1, c2, c3], time_limit=30) == [a, b]


@pytest.mark.parametrize("seed", range(8))
def test_from_every_candidate_it_reaches_the_brute_force_minimum(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(8, 14)
    rows = [set(rng.sample(range(n), rng.randint(1, 4))) for _ in range(rng.randint(6, 16))]
    best = _minimum(rows, n)
    found = improve_cover(rows, n, list(range(n)), time_limit=30, lower=best)
    assert _is_cover(rows, found)
    assert len(found) == best


def _large(seed: int) -> dict[str, list[str]]:
    """An instance shaped like the synthetic library's: each candidate closes three targets."""
    rng = random.Random(seed)
    candidates = [f"C{i:04d}" for i in range(900)]
    needs: dict[str, list[str]] = {f"T{t:04d}": [] for t in range(540)}
    targets = list(needs)
    for c in candidates:
        for t in rng.sample(targets, 3):
            needs[t].append(c)
    return needs


def test_a_large_part_is_searched_and_its_cover_is_checked_and_no_worse() -> None:
    needs = _large(3)
    _candidates, _targets, rows, _unclosable = _normalise(needs, None)
    cover = smallest_cover(needs, time_limit=30)
    assert cover.parts == 1 and len({c for r in rows for c in r}) > SOLVER_PART
    assert cover.method == SEARCHED and not cover.proven_minimal
    assert all(set(options) & set(cover.chosen) for options in needs.values() if options)
    greedy = greedy_cover(rows, len(_candidates))
    assert cover.lower_bound <= cover.size < len(greedy)


def test_the_same_instance_gets_the_same_cover_every_time() -> None:
    needs = _large(4)
    first = smallest_cover(needs, time_limit=30)
    again = smallest_cover(needs, time_limit=30)
    assert first.chosen == again.chosen and first.lower_bound == again.lower_bound
