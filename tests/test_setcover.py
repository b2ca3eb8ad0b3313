"""The smallest closing set: the solver's answer against brute force, and its fallback."""

from __future__ import annotations

import itertools
import random

import pytest

from riskapp.domain.coverage.setcover import (
    EXACT,
    GREEDY,
    _normalise,
    components,
    forced_candidates,
    greedy_cover,
    smallest_cover,
)


def _random_needs(rng: random.Random) -> dict[str, list[str]]:
    """A random instance: 1–8 targets, 2–10 candidates, each target closable."""
    candidates = [f"C{i:02d}" for i in range(rng.randint(2, 10))]
    density = rng.uniform(0.15, 0.6)
    needs = {}
    for t in range(rng.randint(1, 8)):
        chosen = [c for c in candidates if rng.random() < density]
        needs[f"T{t}"] = chosen or [rng.choice(candidates)]
    return needs


def _covers(needs: dict[str, list[str]], chosen: tuple[str, ...] | list[str]) -> bool:
    return all(set(options) & set(chosen) for options in needs.values() if options)


def _brute_force_minimum(needs: dict[str, list[str]]) -> int:
    candidates = sorted({c for options in needs.values() for c in options})
    for size in range(len(candidates) + 1):
        if any(_covers(needs, combo) for combo in itertools.combinations(candidates, size)):
            return size
    raise AssertionError("no cover at all")


@pytest.mark.parametrize("seed", range(6))
def test_exact_answer_matches_brute_force_on_random_instances(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        needs = _random_needs(rng)
        cover = smallest_cover(needs)
        assert _covers(needs, cover.chosen), needs
        assert cover.size == _brute_force_minimum(needs), needs
        assert cover.proven_minimal and cover.method == EXACT
        assert cover.lower_bound == cover.size


def test_ties_go_to_the_preferred_candidates() -> None:
    needs = {"a": ["X", "Y", "Z"], "b": ["X", "Y"]}
    assert smallest_cover(needs, ["Y", "X", "Z"]).chosen == ("Y",)
    assert smallest_cover(needs, ["X", "Y", "Z"]).chosen == ("X",)
    # preference never buys a larger set: Z alone does not close b
    assert smallest_cover(needs, ["Z", "Y", "X"]).chosen == ("Y",)


def test_targets_without_candidates_are_reported_and_left_out() -> None:
    cover = smallest_cover({"a": ["X"], "b": [], "c": ["X", "Y"]})
    assert cover.chosen == ("X",)
    assert cover.unclosable == ("b",)
    assert cover.proven_minimal


def test_nothing_to_close_is_an_empty_proven_cover() -> None:
    cover = smallest_cover({})
    assert cover.chosen == () and cover.proven_minimal and cover.lower_bound == 0


def test_greedy_drops_picks_the_others_make_redundant() -> None:
    # greedy takes candidate 0 first (it closes 3 targets), then needs 1 and 2,
    # which together close everything 0 closed: 0 is dropped afterwards
    rows = [{0, 1}, {0, 1}, {0, 2}, {1}, {2}]
    assert greedy_cover(rows, 3) == [1, 2]


def test_a_solver_stopped_at_its_time_limit_falls_back_and_says_so() -> None:
    rng = random.Random(11)
    candidates = [f"C{i:03d}" for i in range(400)]
    needs = {
        f"T{t:03d}": [c for c in candidates if rng.random() < 0.02] or [rng.choice(candidates)]
        for t in range(300)
    }
    cover = smallest_cover(needs, time_limit=0.0)
    assert not cover.proven_minimal
    assert cover.method in (GREEDY, "solver-best-so-far")
    assert _covers(needs, cover.chosen)
    assert 1 <= cover.lower_bound <= cover.size


def _rescanning_greedy(rows: list[set[int]], n: int) -> list[int]:
    """The greedy cover as it was: rescan every candidate per pick, then drop redundant picks."""
    by_candidate: list[set[int]] = [set() for _ in range(n)]
    for t, row in enumerate(rows):
        for c in row:
            by_candidate[c].add(t)
    open_targets = set(range(len(rows)))
    picked: list[int] = []
    while open_targets:
        best = max(range(n), key=lambda c: (len(by_candidate[c] & open_targets), -c))
        picked.append(best)
        open_targets -= by_candidate[best]
    for c in reversed(list(picked)):
        rest = [p for p in picked if p != c]
        if all(row & set(rest) for row in rows):
            picked = rest
    return sorted(picked)


@pytest.mark.parametrize("seed", range(4))
def test_the_lazy_greedy_picks_what_the_rescanning_greedy_picked(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(60):
        n = rng.randint(1, 60)
        density = rng.uniform(0.02, 0.4)
        rows = [
            {c for c in range(n) if rng.random() < density} or {rng.randrange(n)}
            for _ in range(rng.randint(1, 80))
        ]
        assert greedy_cover(rows, n) == _rescanning_greedy(rows, n), rows


def test_a_target_with_one_candidate_forces_it() -> None:
    rows = [{0}, {0, 1}, {1, 2}, {3}]
    forced, open_targets = forced_candidates(rows)
    assert forced == {0, 3} and open_targets == [2]
    cover = smallest_cover({"a": ["X"], "b": ["X", "Y"], "c": ["Y", "Z"], "d": ["W"]})
    assert cover.forced == 2 and cover.proven_minimal
    assert set(cover.chosen) >= {"X", "W"} and cover.size == 3


def test_independent_parts_are_found_and_solved_apart() -> None:
    rows = [{0, 1}, {1, 2}, {3, 4}, {4, 5}, {6, 7}]
    parts = sorted(sorted(p) for p in components(rows, range(len(rows))))
    assert parts == [[0, 1], [2, 3], [4]]
    needs = {f"T{t}": [f"C{c}" for c in row] for t, row in enumerate(rows)}
    cover = smallest_cover(needs)
    assert cover.parts == 3 and cover.size == 3 and cover.proven_minimal
    assert _covers(needs, cover.chosen)


@pytest.mark.parametrize("seed", range(3))
def test_parts_and_forced_candidates_keep_the_brute_force_minimum(seed: int) -> None:
    rng = random.Random(200 + seed)
    for _ in range(30):
        # two or three independent random instances side by side, plus forced targets
        needs: dict[str, list[str]] = {}
        for part in range(rng.randint(2, 3)):
            sub = _random_needs(rng)
            needs.update({f"P{part}{t}": [f"P{part}{c}" for c in cs] for t, cs in sub.items()})
        needs["lonely"] = [rng.choice(sorted({c for cs in needs.values() for c in cs}))]
        cover = smallest_cover(needs)
        assert _covers(needs, cover.chosen)
        assert cover.size == _brute_force_minimum(needs) and cover.proven_minimal


def test_a_large_random_instance_has_a_checked_cover_and_an_honest_bound() -> None:
    rng = random.Random(5)
    candidates = [f"C{i:04d}" for i in range(1500)]
    needs = {f"T{t:04d}": rng.sample(candidates, 5) for t in range(900)}
    cover = smallest_cover(needs, time_limit=1.0)
    assert _covers(needs, cover.chosen)
    assert 1 <= cover.lower_bound <= cover.size
    assert cover.size <= len(greedy_cover(_normalise(needs, None)[2], len(candidates)))
