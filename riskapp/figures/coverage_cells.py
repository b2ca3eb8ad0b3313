"""The filled cells of the coverage heatmap: one per mapping, or one per criterion and domain.

Each cell is [row, column, colour code, label index]; the labels are listed
once beside the cells (see `coverage_heatmap.coverage_heatmap_figure`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.assessment.model import IMPLEMENTED, NOT_APPLICABLE, PARTIAL, PLANNED
from ..domain.coverage.columns import ColumnControl
from ..domain.coverage.report import Coverage

STATUS_LABELS = {
    IMPLEMENTED: "implemented",
    PARTIAL: "partially implemented",
    PLANNED: "planned",
    NOT_APPLICABLE: "not applicable",
}
# cell code → (strength, status, colour); the code orders the colour scale
CELL_CODES: tuple[tuple[str, str, str], ...] = (
    ("any", NOT_APPLICABLE, "#c3c8d0"),
    ("supporting", PLANNED, "#d6e6f7"),
    ("supporting", PARTIAL, "#94bde8"),
    ("supporting", IMPLEMENTED, "#4a8bd1"),
    ("primary", PLANNED, "#f6c667"),
    ("primary", PARTIAL, "#7cc49a"),
    ("primary", IMPLEMENTED, "#1e7b47"),
)


def cell_code(strength: str, status: str) -> int:
    """Return the colour-scale code of one mapping: its strength and implementation status."""
    if status == NOT_APPLICABLE:
        return 0
    for code, (s, st, _colour) in enumerate(CELL_CODES):
        if s == strength and st == status:
            return code
    raise ValueError(f"unknown mapping {strength}/{status}")


def _label_index(labels: dict[str, int], text: str) -> int:
    return labels.setdefault(text, len(labels))


def _mapping_label(strength: str, status: str) -> str:
    return f"{strength} · {STATUS_LABELS.get(status, status)}"


def control_cells(
    coverage: Coverage, controls: Sequence[ColumnControl]
) -> tuple[list[list[int]], list[str]]:
    """Return the filled cells [row, column, code, label] of the criteria × controls grid.

    Only mapped cells are listed (the browser fills the rest with blanks);
    `label` indexes the returned labels ("primary · implemented", …).
    """
    column = {c.ref: j for j, c in enumerate(controls)}
    labels: dict[str, int] = {}
    cells: list[list[int]] = []
    for i, item in enumerate(coverage.criteria):
        for mapped in item.controls:
            j = column.get(mapped.ref)
            if j is not None:
                code = cell_code(mapped.strength, mapped.status)
                label = _label_index(labels, _mapping_label(mapped.strength, mapped.status))
                cells.append([i, j, code, label])
    return cells, list(labels)


def domain_cells(
    coverage: Coverage, controls: Sequence[ColumnControl], domains: Sequence[str]
) -> tuple[list[list[int]], list[str]]:
    """Return the filled cells of the criteria × domains grid, one per criterion and domain.

    A cell counts the selected controls of the domain mapped to the criterion
    and takes the colour of the strongest mapping among them.
    """
    column = {d: j for j, d in enumerate(domains)}
    domain_of = {c.ref: column[c.domain] for c in controls if c.domain in column}
    labels: dict[str, int] = {}
    cells: list[list[int]] = []
    for i, item in enumerate(coverage.criteria):
        found: dict[int, list[int]] = {}  # column → [count, strongest code]
        strongest: dict[int, tuple[str, str]] = {}
        for mapped in item.controls:
            j = domain_of.get(mapped.ref)
            if j is None:
                continue
            code = cell_code(mapped.strength, mapped.status)
            entry = found.setdefault(j, [0, -1])
            entry[0] += 1
            if code > entry[1]:
                entry[1] = code
                strongest[j] = (mapped.strength, mapped.status)
        for j, (count, code) in sorted(found.items()):
            noun = "control" if count == 1 else "controls"
            text = f"{count} selected {noun}; strongest {_mapping_label(*strongest[j])}"
            cells.append([i, j, code, _label_index(labels, text)])
    return cells, list(labels)
