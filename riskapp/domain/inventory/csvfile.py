"""The inventory as a CSV file: the documented header, reading a file whole, writing one.

Reading never half-succeeds: `read_systems` returns either every row as a
`SystemEntry` or every problem found, each with its line and field. A file
that is not UTF-8 text, holds NUL bytes or has the wrong header is one
problem on line 1. Text starting with = + - or @ is kept as typed (it is
never evaluated); one leading apostrophe before such a character, which is
how the export neutralises formulas, is removed so an exported file
imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..textsafety import spreadsheet_text
from .model import (
    CLASSIFICATIONS,
    KINDS,
    SystemEntry,
    clash_problems,
    clean_text,
    entry_problems,
    lookup,
    name_key,
    parse_roles,
)

HEADER: tuple[str, ...] = (
    "name",
    "kind",
    "owner",
    "classification",
    "in_scope",
    "fills",
    "notes",
    "retired",
)
MAX_ROWS = 5000
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
_FIELD_LIMIT = 100_000  # the csv module's own cap on a cell; ours are far lower


@dataclass(frozen=True)
class CsvProblem:
    """One reason a file is refused: the line (1 is the header), the field and what is wrong."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


def _unneutralise(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _flag(value: str, default: bool) -> bool | None:
    word = value.strip().casefold()
    if not word:
        return default
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def decode(data: bytes) -> tuple[str | None, CsvProblem | None]:
    """Return the file as text, or the problem that stops it being read at all."""
    if b"\x00" in data:
        return None, CsvProblem(1, "", "The file holds binary data (NUL bytes); upload CSV text.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, CsvProblem(line, "", "The file is not UTF-8 text; save it as CSV UTF-8.")


def _row_entry(line: int, cells: dict[str, str]) -> tuple[SystemEntry, list[CsvProblem]]:
    problems: list[CsvProblem] = []
    kind = lookup(cells["kind"], KINDS) if cells["kind"] else "other"
    classification = (
        lookup(cells["classification"], CLASSIFICATIONS) if cells["classification"] else "internal"
    )
    in_scope = _flag(cells["in_scope"], True)
    retired = _flag(cells["retired"], False)
    if kind is None:
        problems.append(
            CsvProblem(
                line, "kind", f"Unknown kind {cells['kind'][:40]!r}; use one of {', '.join(KINDS)}."
            )
        )
    if classification is None:
        problems.append(
            CsvProblem(
                line,
                "classification",
                f"Unknown classification {cells['classification'][:40]!r}; use one of "
                f"{', '.join(CLASSIFICATIONS)}.",
            )
        )
    for name, flag in (("in_scope", in_scope), ("retired", retired)):
        if flag is None:
            problems.append(CsvProblem(line, name, "Write yes or no."))
    entry = SystemEntry(
        name=cells["name"],
        kind=kind or "other",
        owner=cells["owner"],
        classification=classification or "internal",
        in_scope=bool(in_scope) if in_scope is not None else True,
        notes=cells["notes"],
        retired=bool(retired) if retired is not None else False,
        roles=parse_roles(cells["fills"]),
    )
    found = entry_problems(entry)
    for field_name in ("kind", "classification"):
        found.pop(field_name, None)  # reported above with the value given
    if "roles" in found:
        found["fills"] = found.pop("roles")
    problems.extend(CsvProblem(line, f, m) for f, m in found.items())
    return entry, problems


def read_systems(text: str) -> tuple[list[tuple[int, SystemEntry]], list[CsvProblem]]:
    """Return (line, entry) for every row, or every problem of the file."""
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [CsvProblem(1, "", "The file is empty; the first line is the header.")]
    except csv.Error as exc:
        return [], [CsvProblem(1, "", f"The file is not valid CSV ({exc}).")]
    names = [clean_text(h).casefold() for h in header]
    if sorted(names) != sorted(HEADER):
        missing = [h for h in HEADER if h not in names]
        extra = [h for h in names if h not in HEADER]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unknown {', '.join(repr(e[:40]) for e in extra)}")
        return [], [
            CsvProblem(
                1,
                "header",
                f"Wrong header ({'; '.join(detail) or 'a column is repeated'}); the first line "
                f"must be: {','.join(HEADER)}.",
            )
        ]
    rows: list[tuple[int, SystemEntry]] = []
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    end = reader.line_num
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(CsvProblem(line, "", f"A file holds at most {MAX_ROWS} systems."))
                break
            if len(cells) != len(HEADER):
                problems.append(
                    CsvProblem(line, "", f"{len(cells)} fields where the header has {len(HEADER)}.")
                )
                continue
            values = {
                name: _unneutralise(clean_text(cell, multiline=name == "notes"))
                for name, cell in zip(names, cells, strict=True)
            }
            entry, found = _row_entry(line, values)
            problems.extend(found)
            key = name_key(entry.name)
            if key and key in seen:
                problems.append(
                    CsvProblem(line, "name", f"{entry.name[:80]!r} is also on line {seen[key]}.")
                )
            elif key:
                seen[key] = line
            rows.append((line, entry))
    except csv.Error as exc:
        problems.append(CsvProblem(reader.line_num, "", f"The file is not valid CSV ({exc})."))
    if not rows and not problems:
        problems.append(CsvProblem(2, "", "The file has a header but no systems."))
    return rows, problems


def plan_import(
    existing: Sequence[SystemEntry], rows: Sequence[tuple[int, SystemEntry]]
) -> tuple[list[SystemEntry], list[CsvProblem]]:
    """Return the entries to write (an existing system's id when the name matches), or problems.

    A row whose name matches a system already in the inventory (case and
    spacing ignored) updates it; other rows add systems; systems not in the
    file are left as they are. A placeholder role is checked against the
    inventory as it will be after the import.
    """
    by_name = {name_key(s.name): s for s in existing}
    planned = [
        (
            line,
            replace(entry, id=by_name[name_key(entry.name)].id)
            if name_key(entry.name) in by_name
            else entry,
        )
        for line, entry in rows
    ]
    touched = {e.id for _, e in planned if e.id is not None}
    after = [s for s in existing if s.id not in touched]
    problems: list[CsvProblem] = []
    for index, (line, entry) in enumerate(planned):
        others = after + [e for i, (_, e) in enumerate(planned) if i != index]
        clash = clash_problems(replace(entry, id=None), others)
        if "roles" in clash:
            problems.append(CsvProblem(line, "fills", clash["roles"]))
    return [e for _, e in planned], problems


def write_systems(systems: Sequence[SystemEntry]) -> str:
    """Return the systems as CSV text under the documented header, formulas neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for s in systems:
        writer.writerow(
            [
                spreadsheet_text(s.name),
                s.kind,
                spreadsheet_text(s.owner),
                s.classification,
                "yes" if s.in_scope else "no",
                "; ".join(s.roles),
                spreadsheet_text(s.notes),
                "yes" if s.retired else "no",
            ]
        )
    return out.getvalue()
