"""A population's items and its fingerprint: SHA-256 of normalised, row-order-free content.

Normalisation: each item becomes one JSON line (keys sorted, no spaces,
non-ASCII kept) of its id, ISO date, description and further columns, every
text stripped of surrounding spaces and in Unicode NFC; the lines are sorted
and joined with "\n" and the UTF-8 bytes hashed. So the same items in any
row order give the same fingerprint, and any change to one item changes it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Item:
    """One event of a population: its id in the source system, date, description, more."""

    id: str
    date: date
    description: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


_quoted = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept


def _text(value: str) -> str:
    value = value.strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def normalised_line(item: Item) -> str:
    """Return the item's canonical line (the unit the fingerprint hashes).

    It is exactly `json.dumps(record, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` of {"id", "date", "description", "extra"}, written
    out by hand because it is computed for every item of large populations.
    """
    extra = ",".join(
        f"{_quoted(k)}:{_quoted(v)}"
        for k, v in sorted((_text(k), _text(v)) for k, v in item.extra.items())
    )
    return (
        f'{{"date":"{item.date.isoformat()}","description":{_quoted(_text(item.description))},'
        f'"extra":{{{extra}}},"id":{_quoted(_text(item.id))}}}'
    )


def fingerprint(items: Iterable[Item]) -> str:
    """Return the SHA-256 hex digest of the population's normalised content."""
    lines = sorted(normalised_line(item) for item in items)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PopulationDiff:
    """What a re-import would add to and remove from a population (by item id)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """Say in one line how many items are added, removed and changed."""
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"


def diff(old: Iterable[Item], new: Iterable[Item]) -> PopulationDiff:
    """Return the items `new` adds, removes and changes compared with `old`."""
    before = {i.id: normalised_line(i) for i in old}
    after = {i.id: normalised_line(i) for i in new}
    return PopulationDiff(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(k for k in before.keys() & after.keys() if before[k] != after[k])),
    )
