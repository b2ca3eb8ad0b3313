"""A smaller cover by local search with row weighting (for parts too large to solve exactly).

The method is RWLS (Gao, Weise and Li, 2015, for set cover with unit costs),
written here from its description: keep a cover; whenever every target is
closed, remember it and drop a pick; otherwise swap one pick out and one in,
and make the targets still open heavier, so that the search is pushed towards
the targets it keeps failing. Scores are kept per candidate and updated only
around what changed:

- a picked candidate scores minus the weight of the targets only it closes
  (what dropping it would open);
- an unpicked candidate scores the weight of the open targets it would close.

Two rules keep the search from cycling: the candidate just added is not the
next one dropped, and a dropped candidate may come back only after one of the
candidates sharing a target with it has changed (configuration checking).
Ties go to the candidate that changed longest ago.

The search runs a fixed number of steps (so that the same input gives the same
cover on every machine) and stops early at a time limit, as a safety net.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Sequence

STEPS_PER_CANDIDATE = 20  # steps of the search per candidate of the part …
LEAST_STEPS = 100_000  # … and never fewer than this (about 0.7 s at 1,000 candidates)
SEED = 20261206


def improve_cover(
    rows: list[set[int]], n: int, start: Sequence[int], time_limit: float, lower: int = 1
) -> list[int]:
    """Return the smallest cover found from `start`, a cover of `rows` over candidates 0..n-1.

    Stops after `max(LEAST_STEPS, STEPS_PER_CANDIDATE * n)` steps, at
    `time_limit` seconds, or as soon as a cover of `lower` candidates (a proven
    bound) is found.
    """
    m = len(rows)
    by_candidate: list[list[int]] = [[] for _ in range(n)]
    for t, row in enumerate(rows):
        for c in row:
            by_candidate[c].append(t)
    row_list = [list(row) for row in rows]
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for members in row_list:
        for c in members:
            neighbours[c].update(members)
    for c in range(n):
        neighbours[c].discard(c)

    weight = [1] * m
    times = [0] * m  # how many picks close each target
    picked = [False] * n
    for c in start:
        picked[c] = True
        for t in by_candidate[c]:
            times[t] += 1
    score = [0] * n
    for c in range(n):
        if picked[c]:
            score[c] = -sum(weight[t] for t in by_candidate[c] if times[t] == 1)
        else:
            score[c] = sum(weight[t] for t in by_candidate[c] if times[t] == 0)
    open_targets: set[int] = {t for t in range(m) if times[t] == 0}
    chosen: list[int] = [c for c in range(n) if picked[c]]  # the picks, in any order
    where = [-1] * n  # each pick's place in `chosen`, for removal in constant time
    for i, c in enumerate(chosen):
        where[c] = i
    best = sorted(chosen)
    stamp = [0] * n
    may_add = [True] * n
    rng = random.Random(SEED)

    heap = [(-score[c], 0, c) for c in chosen]
    heapq.heapify(heap)

    def push(c: int) -> None:
        heapq.heappush(heap, (-score[c], stamp[c], c))
        if len(heap) > 4 * len(chosen) + 64:  # mostly stale: rebuild from the picks
            heap[:] = [(-score[p], stamp[p], p) for p in chosen]
            heapq.heapify(heap)

    def add(c: int) -> None:
        picked[c] = True
        where[c] = len(chosen)
        chosen.append(c)
        score[c] = -score[c]
        for t in by_candidate[c]:
            times[t] += 1
            if times[t] == 1:
                open_targets.discard(t)
                for other in row_list[t]:
                    if other != c:
                        score[other] -= weight[t]
            elif times[t] == 2:
                for other in row_list[t]:
                    if other != c and picked[other]:
                        score[other] += weight[t]
                        push(other)
                        break
        for other in neighbours[c]:
            may_add[other] = True

    def drop(c: int) -> None:
        picked[c] = False
        last = chosen.pop()
        if last != c:
            chosen[where[c]] = last
            where[last] = where[c]
        where[c] = -1
        score[c] = -score[c]
        for t in by_candidate[c]:
            times[t] -= 1
            if times[t] == 0:
                open_targets.add(t)
                for other in row_list[t]:
                    if other != c:
                        score[other] += weight[t]
            elif times[t] == 1:
                for other in row_list[t]:
                    if picked[other]:
                        score[other] -= weight[t]
                        push(other)
                        break
        may_add[c] = False
        for other in neighbours[c]:
            may_add[other] = True

    def dearest_to_keep(avoid: int) -> int:
        """Return the pick whose dropping costs least (ties: oldest change).

        The picks sit in a heap keyed by (−score, change); an entry whose pick
        has changed since it was pushed is stale and skipped when it surfaces.
        """
        held = []
        found = -1
        while heap:
            entry = heapq.heappop(heap)
            c = entry[2]
            if not picked[c] or entry[0] != -score[c] or entry[1] != stamp[c]:
                continue  # stale: the pick has changed since
            if c == avoid:
                held.append(entry)
                continue
            found = c
            held.append(entry)  # still a pick until dropped; drop() leaves it stale
            break
        for entry in held:
            heapq.heappush(heap, entry)
        return found

    deadline = time.perf_counter() + max(time_limit, 0.0)
    just_added = -1
    steps = max(LEAST_STEPS, STEPS_PER_CANDIDATE * n)
    for step in range(1, steps + 1):
        while not open_targets:
            if len(chosen) < len(best):
                best = sorted(chosen)
                if len(best) <= lower:
                    return best
            c = dearest_to_keep(-1)
            if c < 0:
                return best
            drop(c)
            stamp[c] = step
        if step % 256 == 0 and time.perf_counter() >= deadline:
            break
        out = dearest_to_keep(just_added)
        if out >= 0:
            drop(out)
            stamp[out] = step
        target = (
            rng.choice(tuple(open_targets)) if len(open_targets) > 1 else next(iter(open_targets))
        )
        pick, pick_key = -1, None
        for c in row_list[target]:
            if not may_add[c]:
                continue
            key = (score[c], -stamp[c])
            if pick_key is None or key > pick_key:
                pick, pick_key = c, key
        if pick < 0:  # every candidate of the target waits for a neighbour to change
            pick = max(row_list[target], key=lambda c: (score[c], -stamp[c]))
        add(pick)
        stamp[pick] = step
        push(pick)
        just_added = pick
        for t in open_targets:
            weight[t] += 1
            for c in row_list[t]:
                score[c] += 1
    if not open_targets and len(chosen) < len(best):
        best = sorted(chosen)
    return best
