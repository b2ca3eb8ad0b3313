"""Reconcile a population with an independent second source by a declared key.

Each side's key is a column of its file (`id` is the item's own id). Keys are
compared after trimming spaces and ignoring case. An item whose key cell is
empty cannot be matched and is listed on its side with that reason. The
result lists what is only in the population and what is only in the second
source; a mismatch counts as explained once a reason is recorded for its key
and side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..period.fingerprint import Item

PRIMARY = "population"
SECOND = "second source"
SIDES: tuple[str, ...] = (PRIMARY, SECOND)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An item found on one side only: its side, its key (normalised, and as written), the
    item's id and date."""

    side: str
    key: str
    item_id: str
    item_date: str
    written: str = ""


@dataclass(frozen=True)
class Reconciliation:
    """The keys matched, and the items found on one side only."""

    matched: int
    mismatches: tuple[Mismatch, ...]

    def unexplained(self, explained: Iterable[tuple[str, str]]) -> tuple[Mismatch, ...]:
        """Return the mismatches with no reason recorded for their (side, key)."""
        done = set(explained)
        return tuple(m for m in self.mismatches if (m.side, m.key) not in done)


def written_key(item: Item, column: str) -> str:
    """Return the item's key in `column` as the file has it."""
    if column == "id":
        value = item.id
    elif column == "date":
        value = item.date.isoformat()
    elif column == "description":
        value = item.description
    else:
        value = item.extra.get(column, "")
    return value.strip()


def key_of(item: Item, column: str) -> str:
    """Return the item's key in `column`, normalised for matching."""
    return written_key(item, column).casefold()


def _keyed(items: Sequence[Item], column: str) -> tuple[dict[str, Item], list[Item]]:
    """Return the items by key (the first of a repeated key), and the items with no key."""
    keyed: dict[str, Item] = {}
    unkeyed: list[Item] = []
    for item in items:
        k = key_of(item, column)
        if k:
            keyed.setdefault(k, item)
        else:
            unkeyed.append(item)
    return keyed, unkeyed


def reconcile(
    population: Sequence[Item], key: str, second: Sequence[Item], second_key: str
) -> Reconciliation:
    """Match the two sides by key; list each side's items missing from the other.

    An item whose key cell is empty matches nothing and is listed on its own,
    under the key "(empty key, item ID)".
    """
    left, left_unkeyed = _keyed(population, key)
    right, right_unkeyed = _keyed(second, second_key)
    mismatches: list[Mismatch] = []
    sides = (
        (PRIMARY, left, left_unkeyed, right, key),
        (SECOND, right, right_unkeyed, left, second_key),
    )
    for side, mine, unkeyed, other, column in sides:
        for k, item in mine.items():
            if k not in other:
                day = item.date.isoformat()
                mismatches.append(Mismatch(side, k, item.id, day, written_key(item, column)))
        for item in unkeyed:
            shown = f"(empty key, item {item.id})"
            mismatches.append(Mismatch(side, shown, item.id, item.date.isoformat(), shown))
    matched = len(set(left) & set(right))
    mismatches.sort(key=lambda m: (SIDES.index(m.side), m.key))
    return Reconciliation(matched, tuple(mismatches))


def missing_key_column(columns: Iterable[str], key: str) -> bool:
    """Return True when a file's columns cannot give the key."""
    return key not in ("id", "date", "description") and key not in set(columns)


def summary(mismatches: Iterable[Mismatch], names: Mapping[str, str]) -> str:
    """Return "3 only in <population>, 1 only in <second source>" for some mismatches."""
    listed = list(mismatches)
    counts = {side: sum(1 for m in listed if m.side == side) for side in SIDES}
    return ", ".join(f"{counts[s]} only in {names.get(s, s)}" for s in SIDES if counts[s])
