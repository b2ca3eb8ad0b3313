"""The pieces every section is drafted with: a collector of blocks and gaps, and shared phrases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..statements.render import Segment, unfilled_label
from .model import (
    WHERE_INVENTORY,
    WHERE_ORGANISATION,
    WHERE_PERIOD,
    Block,
    DescriptionInput,
    Missing,
    Paragraph,
    Section,
    Table,
)

TITLES: dict[str, str] = {
    "DC1": "Types of services provided",
    "DC2": "Principal service commitments and system requirements",
    "DC3": "Components of the system",
    "DC4": "Significant incidents",
    "DC5": "Applicable trust services criteria and related controls",
    "DC6": "Complementary user-entity controls",
    "DC7": "Subservice organisations",
    "DC8": "Criteria not relevant to the system",
    "DC9": "Significant changes during the period",
}
CUSTOMER_WORDS = re.compile(r"\b(customers?|clients?|user entit(?:y|ies)|tenants?)\b", re.I)


class Draft:
    """Collect one section's blocks and gaps."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.found: list[str] = []
        self.missing: list[Missing] = []

    def blank(self, name: str, what: str, where: str) -> Segment:
        self.missing.append(Missing(name, what, where))
        return Segment(unfilled_label(name), False, name)

    def say(self, *parts: str | Segment, bullet: bool = False, heading: bool = False) -> None:
        segments = tuple(p if isinstance(p, Segment) else Segment(p) for p in parts if p != "")
        self.blocks.append(Paragraph(segments, bullet, heading))

    def text(self, value: str, name: str, what: str, where: str) -> Segment:
        """Return `value` as text, or a named blank when it is empty."""
        value = value.strip()
        return Segment(value) if value else self.blank(name, what, where)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]], kind: str) -> None:
        cells = tuple(
            tuple(c if isinstance(c, tuple) else (Segment(str(c)),) for c in row) for row in rows
        )
        self.blocks.append(Table(tuple(headers), cells, kind))

    def section(self, code: str) -> Section:
        return Section(
            code, TITLES[code], tuple(self.blocks), tuple(self.found), tuple(self.missing)
        )


def org_segment(data: DescriptionInput, d: Draft) -> Segment:
    return d.text(
        data.organisation, "organisation name", "The organisation's name", WHERE_ORGANISATION
    )


def system_segment(data: DescriptionInput, d: Draft) -> Segment:
    return d.text(data.system_name, "system", "The name of the system in scope", WHERE_INVENTORY)


def when_segment(data: DescriptionInput, d: Draft) -> Segment:
    if data.type2 and data.period_start and data.period_end:
        return Segment(f"between {data.period_start.isoformat()} and {data.period_end.isoformat()}")
    if not data.type2 and data.as_of:
        return Segment(f"up to {data.as_of.isoformat()}")
    return d.blank("report period", "The report's date or period", WHERE_PERIOD)


def text_blocks(text: str) -> list[str]:
    blocks = [" ".join(b.split()) for b in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]
