"""The auditor's request list as plain data: generated from the plan, or read from a firm's file.

Generating, one request per thing the auditor asks for:

- a per-event control: one request for its population (the complete list of
  the period's events, from the source system, with the query used) and, once
  a sample is drawn, one request for the evidence of the sampled items;
- a control of a few occurrences (at most `MAX_OCCURRENCE_REQUESTS` in the
  period: monthly, quarterly, semi-annual, annual, continuous snapshots): one
  request per occurrence, due on its window's last day;
- a control of many occurrences (daily, weekly): one request for the sampled
  occurrences once a sample is drawn, else one for the occurrences the auditor
  will sample.

Each request carries a plan key (control, kind, window) so that generating
again adds only what is new and keeps what people did with the rest.

Importing: a firm's list (CSV or XLSX) has a header row; its columns are
mapped to ours (`FIELDS`), with a guess from the header names. Every row is
checked: a request id (unique in the file, at most 60 characters), a due date
(YYYY-MM-DD or a date cell) when the column is mapped, no formula, texts
within their lengths. Every bad row is named; one bad row refuses the file.
Control codes are matched to our refs (case and spaces ignored); a row whose
code matches none is imported with its code kept and listed as unmatched.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from ..errors import RiskappError
from ..period.occurrences import PER_EVENT, Occurrence

MAX_OCCURRENCE_REQUESTS = 12
MAX_CODE = 60
MAX_TEXT = 4000
MAX_SHORT = 200
MAX_ROWS = 5000
# our field → label, in the order the mapping form shows them
FIELDS: dict[str, str] = {
    "code": "Request ID",
    "control": "Control code",
    "requested": "Details (what is requested)",
    "assignee": "Assigned to",
    "due_on": "Due on",
}
REQUIRED_FIELDS = ("code",)
# header words that suggest each of our fields (lower case, spaces squeezed)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("request id", "request", "id", "request #", "request no", "pbc id", "ref", "#"),
    "control": ("control code", "control", "control id", "control ref", "control number"),
    "requested": ("details", "detail", "description", "request details", "what is requested"),
    "assignee": ("assigned to", "assignee", "owner", "responsible"),
    "due_on": ("due on", "due date", "due", "deadline"),
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RequestListInvalid(RiskappError):
    """A request list file was refused; `problems` names the file's or each row's problem."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        super().__init__(f"request list refused: {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


# --- generating from the plan ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanControl:
    """What the plan knows of one selected control: schedule, population and current sample."""

    ref: str
    title: str
    frequency: str
    occurrences: tuple[Occurrence, ...]
    population_items: int | None = None  # None: no population imported yet
    source_system: str = ""
    sample_items: tuple[str, ...] | None = None  # None: no current sample
    sample_source: str = ""  # population | occurrences


@dataclass(frozen=True)
class PlannedRequest:
    """One request the plan gives rise to."""

    plan_key: str
    control: str
    requested: str
    scope_kind: str  # occurrence | population | sample
    scope_label: str
    due_on: date | None
    occurrence_kind: str = ""
    window_start: date | None = None
    window_end: date | None = None
    item_ids: tuple[str, ...] = ()


def plan_requests(controls: Iterable[PlanControl], period_end: date) -> list[PlannedRequest]:
    """Return the requests the plan gives rise to, control by control (the module's rule)."""
    out: list[PlannedRequest] = []
    for c in sorted(controls, key=lambda c: c.ref):
        if c.frequency == PER_EVENT:
            out.extend(_per_event(c, period_end))
        elif len(c.occurrences) <= MAX_OCCURRENCE_REQUESTS:
            out.extend(_each_occurrence(c))
        else:
            out.append(_sampled_occurrences(c, period_end))
    return out


def _per_event(c: PlanControl, period_end: date) -> list[PlannedRequest]:
    source = f" from {c.source_system}" if c.source_system else ""
    count = (
        f"{c.population_items} items on file"
        if c.population_items is not None
        else "not yet imported"
    )
    found = [
        PlannedRequest(
            plan_key=f"{c.ref}|population",
            control=c.ref,
            requested=(
                f"The complete list of {c.title} events in the period{source}, "
                "with the query or report that produced it and who ran it."
            ),
            scope_kind="population",
            scope_label=f"Population ({count})",
            due_on=period_end,
        )
    ]
    if c.sample_items:
        found.append(
            PlannedRequest(
                plan_key=f"{c.ref}|sample",
                control=c.ref,
                requested=f"Evidence that {c.title} operated for each sampled item.",
                scope_kind="sample",
                scope_label=f"Sample of {len(c.sample_items)} items: {_ids(c.sample_items)}",
                due_on=period_end,
                item_ids=c.sample_items,
            )
        )
    return found


def _each_occurrence(c: PlanControl) -> list[PlannedRequest]:
    return [
        PlannedRequest(
            plan_key=f"{c.ref}|{o.kind}|{o.window_start}|{o.window_end}",
            control=c.ref,
            requested=f"Evidence that {c.title} operated ({c.frequency}) in this window.",
            scope_kind="occurrence",
            scope_label=f"{o.kind.capitalize()} {o.number}: {o.window_start} to {o.window_end}",
            due_on=o.window_end,
            occurrence_kind=o.kind,
            window_start=o.window_start,
            window_end=o.window_end,
        )
        for o in c.occurrences
    ]


def _sampled_occurrences(c: PlanControl, period_end: date) -> PlannedRequest:
    total = len(c.occurrences)
    if c.sample_items:
        return PlannedRequest(
            plan_key=f"{c.ref}|sample",
            control=c.ref,
            requested=(
                f"Evidence that {c.title} operated ({c.frequency}) on each sampled occurrence."
            ),
            scope_kind="sample",
            scope_label=f"Sample of {len(c.sample_items)} of {total} occurrences: "
            f"{_ids(c.sample_items)}",
            due_on=period_end,
            item_ids=c.sample_items,
        )
    return PlannedRequest(
        plan_key=f"{c.ref}|sample",
        control=c.ref,
        requested=(
            f"Evidence that {c.title} operated ({c.frequency}) on the occurrences "
            "the auditor samples."
        ),
        scope_kind="sample",
        scope_label=f"Sample of the {total} occurrences (not drawn yet)",
        due_on=period_end,
    )


def _ids(ids: Sequence[str], shown: int = 10) -> str:
    head = ", ".join(ids[:shown])
    return head + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def next_codes(existing: Iterable[str], count: int, prefix: str = "REQ-") -> list[str]:
    """Return `count` request ids REQ-001, REQ-002, … after the highest one in `existing`."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    top = max((int(m[1]) for c in existing if (m := pattern.match(c))), default=0)
    return [f"{prefix}{n:03d}" for n in range(top + 1, top + 1 + count)]


# --- reading a firm's list ------------------------------------------------------------------


@dataclass(frozen=True)
class FirmTable:
    """A firm's file as read: header cells and the data rows (as text or dates)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class FirmRequest:
    """One row of a firm's list under a mapping, checked."""

    line: int
    code: str
    control_code: str
    control: str | None  # our ref when matched
    requested: str
    assignee: str
    due_on: date | None


@dataclass
class ImportPreview:
    """A firm's list under one mapping: the requests, the unmatched codes and each row's problem."""

    mapping: dict[str, str]
    requests: list[FirmRequest] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _squeeze(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Return our field → their column, guessed from header names (a column serves one field)."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for ours in FIELDS:
        for word in SYNONYMS[ours]:
            hit = next((h for h in headers if _squeeze(h) == word and h not in taken), None)
            if hit is not None:
                mapping[ours] = hit
                taken.add(hit)
                break
    return mapping


def read_table(stream: IO[bytes], filename: str) -> FirmTable:
    """Read a .csv (UTF-8) or .xlsx file's first sheet into a header and rows."""
    name = filename.lower()
    if name.endswith(".csv"):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            rows: list[list[Any]] = list(csv.reader(text))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise RequestListInvalid([f"the file is not a UTF-8 CSV file ({exc})"]) from exc
        finally:
            text.detach()
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(stream)
    else:
        raise RequestListInvalid([f"{filename}: a request list must be .csv or .xlsx"])
    rows = [r for r in rows if any(str(v or "").strip() for v in r)]
    if not rows:
        raise RequestListInvalid(["the file has no header row"])
    headers = tuple(_CONTROL_CHARS.sub("", str(h or "")).strip() for h in rows[0])
    named = [h for h in headers if h]
    if len(set(named)) != len(named):
        raise RequestListInvalid(["two columns have the same header; rename one"])
    if len(rows) - 1 > MAX_ROWS:
        raise RequestListInvalid([f"the file has more than {MAX_ROWS} rows"])
    return FirmTable(headers, tuple(tuple(r) for r in rows[1:]))


def _xlsx_rows(stream: IO[bytes]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RequestListInvalid([f"the file is not a readable .xlsx workbook ({exc})"]) from exc
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _normal_ref(code: str) -> str:
    return "".join(code.split()).upper()


def apply_mapping(
    table: FirmTable, mapping: dict[str, str], our_refs: Iterable[str]
) -> ImportPreview:
    """Return the firm's rows under `mapping` (our field → their header), checked and matched."""
    preview = ImportPreview(mapping={k: v for k, v in mapping.items() if v})
    for ours in REQUIRED_FIELDS:
        if ours not in preview.mapping:
            preview.problems.append(f"Choose the column that holds the {FIELDS[ours]}.")
    for ours, theirs in preview.mapping.items():
        if ours not in FIELDS:
            preview.problems.append(f"{ours} is not one of our fields.")
        elif theirs not in table.headers:
            preview.problems.append(f"The file has no column {theirs!r}.")
    used = list(preview.mapping.values())
    if len(set(used)) != len(used):
        preview.problems.append("One column is mapped to two fields; map each column once.")
    if preview.problems:
        return preview
    index = {ours: table.headers.index(theirs) for ours, theirs in preview.mapping.items()}
    refs = {_normal_ref(r): r for r in our_refs}
    seen: dict[str, int] = {}
    unmatched: dict[str, None] = {}
    for line, row in enumerate(table.rows, start=2):
        found, problems = _row(line, row, index, refs, seen)
        if problems:
            preview.problems.extend(problems)
        elif found is not None:
            preview.requests.append(found)
            if found.control_code and found.control is None:
                unmatched[found.control_code] = None
    preview.unmatched = list(unmatched)
    return preview


def _cell(row: Sequence[Any], index: dict[str, int], ours: str) -> Any:
    at = index.get(ours)
    return row[at] if at is not None and at < len(row) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _CONTROL_CHARS.sub("", str(value)).strip()


def _due(value: Any) -> date | None | str:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    found = _ISO.match(text)
    try:
        return date(int(found[1]), int(found[2]), int(found[3])) if found else text
    except ValueError:
        return text


def _row(
    line: int,
    row: Sequence[Any],
    index: dict[str, int],
    refs: dict[str, str],
    seen: dict[str, int],
) -> tuple[FirmRequest | None, list[str]]:
    values = {ours: _cell(row, index, ours) for ours in index}
    texts = {ours: _text(v) for ours, v in values.items() if ours != "due_on"}
    problems: list[str] = []
    code = texts.get("code", "")
    label = f"Row {line}" + (f" ({code[:MAX_CODE]})" if code else "")
    for ours, text in texts.items():
        if text.lstrip().startswith(("=", "@")):
            problems.append(f"{label}: the {FIELDS[ours]} is a formula; give its value instead.")
    if not code:
        problems.append(f"{label}: the Request ID is empty.")
    elif len(code) > MAX_CODE:
        problems.append(f"{label}: the Request ID is longer than {MAX_CODE} characters.")
    elif code in seen:
        problems.append(f"{label}: Request ID {code} is also on row {seen[code]}.")
    else:
        seen[code] = line
    for ours, limit in (("control", MAX_CODE), ("assignee", MAX_SHORT), ("requested", MAX_TEXT)):
        if len(texts.get(ours, "")) > limit:
            problems.append(f"{label}: the {FIELDS[ours]} is longer than {limit} characters.")
    due = _due(values.get("due_on"))
    if isinstance(due, str):
        problems.append(f"{label}: the due date {due!r} is not a date (YYYY-MM-DD).")
    if problems:
        return None, problems
    control_code = texts.get("control", "")
    return FirmRequest(
        line=line,
        code=code,
        control_code=control_code,
        control=refs.get(_normal_ref(control_code)) if control_code else None,
        requested=texts.get("requested", ""),
        assignee=texts.get("assignee", ""),
        due_on=due if isinstance(due, date) else None,
    ), []
