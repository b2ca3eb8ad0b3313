"""Sample sizes: how many occurrences or population items an auditor tests.

The default table is the one Chiaro publishes under CC BY 4.0
(`method/type2-testing.md`); our changes are listed in CHANGES and credited
in seed_library/README.md and the exported evidence plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InvalidInput

ALL = "all"
MAX_TEXT = 200
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _text(value: object) -> str:
    """Return a table's text field without control characters, within MAX_TEXT."""
    return _CONTROL.sub("", str(value or "")).strip()[:MAX_TEXT]


@dataclass(frozen=True)
class Band:
    """Populations of up to `up_to` items (None: any size) test `size` items (None: all)."""

    up_to: int | None
    size: int | None


@dataclass(frozen=True)
class SampleSizeTable:
    """A named sample-size table: a size per periodic frequency, and bands for populations."""

    name: str
    periodic: dict[str, int]
    bands: tuple[Band, ...]
    source: str = ""
    licence: str = ""
    changes: tuple[str, ...] = field(default_factory=tuple)

    def ladder(self) -> list[int]:
        """Return every size the table names, smallest first, without repeats."""
        sizes = set(self.periodic.values()) | {b.size for b in self.bands if b.size is not None}
        return sorted(sizes)


@dataclass(frozen=True)
class SampleSize:
    """How many items to test out of `population`, and the rule that says so."""

    size: int
    population: int
    rule: str
    census: bool = False


def _next_larger(table: SampleSizeTable, size: int) -> int:
    return next((s for s in table.ladder() if s > size), size)


def _band(table: SampleSizeTable, population: int) -> Band:
    for band in table.bands:
        if band.up_to is None or population <= band.up_to:
            return band
    return table.bands[-1]


def sample_size(
    table: SampleSizeTable,
    frequency: str,
    population: int,
    *,
    prior_deviation: bool = False,
    census: bool = False,
) -> SampleSize:
    """Return how many of `population` occurrences or items to test.

    Periodic frequencies take the table's size for the frequency; per-event
    (and any frequency the table has no size for) takes the band the
    population falls in. A control with a deviation in the previous period
    takes the next larger size the table names (the largest stays). When the
    population is no larger than its sample, or for a census, every item is
    tested; an empty population tests nothing.
    """
    if population < 0:
        raise ValueError(f"population must not be negative, got {population}")
    if census:
        return SampleSize(population, population, "census: every item is tested", census=True)
    if population == 0:
        return SampleSize(0, 0, "empty population: nothing to test")
    if frequency in table.periodic:
        size: int | None = table.periodic[frequency]
        rule = f"{frequency}: {size}"
    else:
        band = _band(table, population)
        size = band.size
        below = max((b.up_to or 0 for b in table.bands if b.up_to is not None), default=0)
        rule = f"population up to {band.up_to}" if band.up_to is not None else f"above {below}"
        rule = f"{rule}: {size if size is not None else ALL}"
    if size is None:
        return SampleSize(population, population, f"{rule} (every item)")
    if prior_deviation:
        larger = _next_larger(table, size)
        rule += f"; prior-period deviation: next larger size {larger}"
        size = larger
    if population <= size:
        return SampleSize(population, population, f"{rule}; population {population} ≤ sample")
    return SampleSize(size, population, rule)


def table_from_data(data: object, *, name: str = "") -> SampleSizeTable:
    """Return a table from plain data (YAML/JSON) or raise InvalidInput naming each problem."""
    problems: dict[str, str] = {}
    if not isinstance(data, dict):
        raise InvalidInput({"table": "must be a mapping with periodic and bands"})
    periodic_raw = data.get("periodic") or {}
    bands_raw = data.get("bands") or []
    periodic: dict[str, int] = {}
    if not isinstance(periodic_raw, dict):
        problems["periodic"] = "must map each frequency to a size"
    else:
        for key, value in periodic_raw.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems[f"periodic.{key}"] = f"must be a whole number of at least 1, got {value!r}"
            else:
                periodic[str(key)] = value
    bands: list[Band] = []
    if not isinstance(bands_raw, list) or not bands_raw:
        problems["bands"] = "must list at least one band (up_to, size)"
    else:
        previous = 0
        for i, raw in enumerate(bands_raw, start=1):
            up_to = raw.get("up_to") if isinstance(raw, dict) else "?"
            size = raw.get("size") if isinstance(raw, dict) else "?"
            if up_to is not None and (not isinstance(up_to, int) or up_to <= previous):
                problems[f"bands.{i}.up_to"] = "must be a whole number above the previous band's"
                continue
            if size != ALL and (not isinstance(size, int) or size < 1):
                problems[f"bands.{i}.size"] = f"must be a whole number or {ALL!r}, got {size!r}"
                continue
            bands.append(Band(up_to, None if size == ALL else int(size)))
            previous = up_to if up_to is not None else previous
        last = bands_raw[-1]
        if not isinstance(last, dict) or last.get("up_to") is not None:
            problems["bands"] = "the last band must have no up_to (any larger population)"
    if problems:
        raise InvalidInput(problems)
    changes = data.get("changes") or ()
    if not isinstance(changes, list | tuple):
        changes = (changes,)
    return SampleSizeTable(
        name=_text(data.get("name") or name) or "Custom table",
        periodic={_text(k): v for k, v in periodic.items()},
        bands=tuple(bands),
        source=_text(data.get("source")),
        licence=_text(data.get("licence")),
        changes=tuple(_text(c) for c in changes),
    )


def table_to_data(table: SampleSizeTable) -> dict[str, object]:
    """Return the table as plain data that `table_from_data` reads back."""
    return {
        "name": table.name,
        "source": table.source,
        "licence": table.licence,
        "changes": list(table.changes),
        "periodic": dict(table.periodic),
        "bands": [
            {"up_to": b.up_to, "size": ALL if b.size is None else b.size} for b in table.bands
        ],
    }


def read_table(path: Path) -> SampleSizeTable:
    """Read a sample-size table from a YAML file (the shipped one: seed_library/sampling/)."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput({"table": f"{file.name}: cannot be read ({exc})"}) from exc
    return table_from_data(data, name=file.stem)
