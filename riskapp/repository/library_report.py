"""What a library load changed, and the successors it names on retired control rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from ..domain.library import model as dom
from ..models import Control


@dataclass
class SyncReport:
    """What a library load changed, counted by kind."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    retired_controls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Controls this load retired, each with its successors' refs (empty: none named)."""

    @property
    def changed(self) -> bool:
        return any((self.created, self.updated, self.retired, self.removed))

    def summary(self) -> str:
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("retired", self.retired),
            ("removed", self.removed),
        ):
            if counter:
                detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items()))
                parts.append(f"{label} {detail}")
        return "; ".join(parts) if parts else "no changes"

    def retired_lines(self) -> list[str]:
        """Return one line per control this load retired, naming its successors."""
        return [
            f"{ref} retired, replaced by {', '.join(successors)}"
            if successors
            else f"{ref} retired, no successor named"
            for ref, successors in sorted(self.retired_controls.items())
        ]


def record_successors(
    controls: dict[Hashable, Control],
    library: dom.Library,
    report: SyncReport,
    was_retired: set[Hashable],
) -> None:
    """Name successors on retired control rows; clear them on rows back in the library.

    A retired row keeps the successors it was given until a later library names
    others for it; the version that retired it is kept the same way.
    """
    for ref, row in controls.items():
        if not row.retired:
            if row.successors or row.retired_in:
                row.successors, row.retired_in = [], ""
            continue
        newly = ref not in was_retired
        successors = list(library.meta.retired.get(str(ref), row.successors or []))
        if row.successors != successors:
            row.successors = successors
            if not newly:
                report.updated["controls"] += 1
        if newly:
            row.retired_in = library.meta.version
            report.retired_controls[str(ref)] = tuple(successors)
