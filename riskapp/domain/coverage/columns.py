"""The selected controls as the columns of the criteria × controls grid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..assessment.model import AssessmentData
from ..library.model import DOMAINS, Library

Link = Callable[[str], str]


@dataclass(frozen=True)
class ColumnControl:
    """A selected control as a grid column: its ref, title, domain and library page."""

    ref: str
    title: str
    domain: str
    url: str = ""


def _no_link(_ref: str) -> str:
    return ""


def column_controls(
    library: Library, data: AssessmentData, link: Link = _no_link
) -> list[ColumnControl]:
    """Return the selected controls as columns, grouped by domain (library order), then by ref.

    A control with a library page (a library control, current or retired) gets
    `link(ref)`; the organisation's own controls have none.
    """
    known = {**library.controls, **{c.ref: c for c in data.custom.controls}}
    domain_order = {d: i for i, d in enumerate(DOMAINS)}
    columns = [
        ColumnControl(
            ref=choice.ref,
            title=known[choice.ref].title,
            domain=known[choice.ref].domain,
            url=link(choice.ref)
            if choice.ref in library.controls or choice.ref in data.custom.retired
            else "",
        )
        for choice in data.controls
        if choice.ref in known
    ]
    return sorted(columns, key=lambda c: (domain_order.get(c.domain, len(DOMAINS)), c.ref))
