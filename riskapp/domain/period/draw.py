"""The sample draw: seeded by its inputs, stratified over the period, re-performable.

The rule, exactly:

1. seed = SHA-256 hex of the UTF-8 text
   `SEED_VERSION | assessment identity | control ref | population fingerprint`
   joined by SEPARATOR ("|"; refs, fingerprints and identities never hold one).
   The assessment identity is "assessment:<id>".
2. The population is sorted by (date, id). With n items and k to pick, run r
   (r = 0..k-1) is the contiguous slice [floor(r·n/k), floor((r+1)·n/k)).
3. From run r the item at offset int(SHA-256 hex of "<seed>|<r>", 16) mod
   len(run) is picked. With k ≥ n every item is picked.

Anyone with the population file, the identity and the control ref can redo
it with a few lines of any language; nobody can choose the seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .fingerprint import Item, fingerprint

SEPARATOR = "|"
SEED_VERSION = "riskapp-sample-v1"


def assessment_identity(assessment_id: int) -> str:
    """Return the identity of an assessment that goes into a seed."""
    return f"assessment:{assessment_id}"


def derive_seed(identity: str, control_ref: str, population_fingerprint: str) -> str:
    """Return the seed: SHA-256 over the documented inputs joined by SEPARATOR."""
    parts = (SEED_VERSION, identity, control_ref, population_fingerprint)
    for part in parts[1:]:
        if SEPARATOR in part:
            raise ValueError(f"{part!r} must not contain {SEPARATOR!r}")
    return hashlib.sha256(SEPARATOR.join(parts).encode("utf-8")).hexdigest()


def ordered(items: Sequence[Item]) -> list[Item]:
    """Return the population in draw order: by date, then id."""
    return sorted(items, key=lambda i: (i.date, i.id))


def runs(n: int, k: int) -> list[tuple[int, int]]:
    """Return the k contiguous runs [start, stop) that split n items as evenly as possible."""
    if k <= 0 or n <= 0:
        return []
    k = min(k, n)
    return [((r * n) // k, ((r + 1) * n) // k) for r in range(k)]


def pick_offset(seed: str, run_index: int, run_length: int) -> int:
    """Return the offset picked inside a run: a hash of the seed and run index, mod its length."""
    digest = hashlib.sha256(f"{seed}{SEPARATOR}{run_index}".encode()).hexdigest()
    return int(digest, 16) % run_length


@dataclass(frozen=True)
class Draw:
    """A drawn sample: its seed, the population's fingerprint and the picked items."""

    seed: str
    fingerprint: str
    population: int
    picked: tuple[Item, ...]

    @property
    def picked_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.picked)


def draw(
    items: Sequence[Item], size: int, identity: str, control_ref: str, *, fp: str | None = None
) -> Draw:
    """Draw `size` items from the population by the rule above."""
    fp = fp or fingerprint(items)
    seed = derive_seed(identity, control_ref, fp)
    population = ordered(items)
    picked = tuple(
        population[start + pick_offset(seed, r, stop - start)]
        for r, (start, stop) in enumerate(runs(len(population), size))
    )
    return Draw(seed, fp, len(population), picked)


@dataclass(frozen=True)
class Rederivation:
    """Whether a stored draw is what its inputs give today, and what differs."""

    matches: bool
    seed_matches: bool
    fingerprint_matches: bool
    expected: tuple[str, ...]
    stored: tuple[str, ...]


def rederive(
    items: Sequence[Item],
    identity: str,
    control_ref: str,
    *,
    stored_seed: str,
    stored_fingerprint: str,
    stored_ids: Sequence[str],
) -> Rederivation:
    """Draw again from `items` and compare with a stored seed, fingerprint and picked ids."""
    again = draw(items, len(stored_ids), identity, control_ref)
    return Rederivation(
        matches=(
            again.seed == stored_seed
            and again.fingerprint == stored_fingerprint
            and again.picked_ids == tuple(stored_ids)
        ),
        seed_matches=again.seed == stored_seed,
        fingerprint_matches=again.fingerprint == stored_fingerprint,
        expected=again.picked_ids,
        stored=tuple(stored_ids),
    )
