"""The period as plain data for the workbook: occurrences, populations, samples, evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..testing.readiness import TestingExport
from .calendar import Calendar
from .sizes import ALL, SampleSizeTable


@dataclass(frozen=True)
class PopulationRow:
    """A recorded population: its control, source and fingerprint."""

    control: str
    source_system: str
    query: str
    pulled_by: str
    pulled_at: date | None
    items: int
    fingerprint: str
    last_change: str


@dataclass(frozen=True)
class SampledRow:
    """One drawn item of a control's current sample, with the draw's seed and evidence status."""

    control: str
    drawn_at: datetime
    drawn_by: str
    source: str
    population: int
    size: int
    rule: str
    table: str
    census: bool
    seed: str
    fingerprint: str
    run: int
    item_id: str
    item_date: str
    description: str
    evidence: int


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of evidence on file."""

    id: int
    control: str
    proves: str
    effective: date | None
    outside_window: bool
    kind: str
    name: str
    sha256: str
    size: int
    collected_by: str
    note: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass
class PeriodExport:
    """Everything the workbook shows about a Type 2 period."""

    start: date
    end: date
    table: SampleSizeTable
    shipped_table: bool
    calendar: Calendar
    populations: list[PopulationRow] = field(default_factory=list)
    samples: list[SampledRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    testing: TestingExport | None = None


def table_lines(table: SampleSizeTable, shipped: bool) -> list[tuple[str, str]]:
    """Return the table as (label, value) lines, with its name, source, licence and changes."""
    lines = [
        ("Sample-size table", table.name),
        ("Which", "the table shipped with riskapp" if shipped else "this assessment's own table"),
        ("Source", table.source or "the audit firm"),
        ("Licence", table.licence or "n/a"),
        *(("Change", change) for change in table.changes),
    ]
    lines += [(f"Frequency: {name}", str(size)) for name, size in table.periodic.items()]
    lower = 1
    for band in table.bands:
        size = ALL if band.size is None else str(band.size)
        span = f"{lower}–{band.up_to}" if band.up_to is not None else f"{lower} or more"
        lines.append((f"Population of {span} items", size))
        lower = (band.up_to or lower) + 1
    return lines
