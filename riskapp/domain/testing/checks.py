"""Computed checks over a population: a small fixed vocabulary declared as data.

A library control declares its checks as a list of mappings; each names its
kind and the population columns it reads (`id`, `date` and `description` are
every population's own columns, any other name is one of its further columns):

- `date_not_after` (a, b): the date in column a is on or before the date in b.
  When both cells hold a time of day too (`2026-03-04T10:15`), times are compared.
- `within_days` (a, b, days, business): the two dates are at most `days` apart,
  in either order. With `business: true` only Monday to Friday are counted:
  the distance is the number of weekdays stepped onto going from the earlier
  date to the later one (Friday to Monday is 1). Public holidays are not modelled.
- `differs` (a, b): the two cells are not the same text (compared case-insensitively,
  surrounding spaces ignored).
- `in_list` (field, values): the cell is one of the values (case-insensitive).
- `not_empty` (field): the cell holds something.

An empty cell, or a cell that should be a date and is not, fails the check with
that reason. A column the population does not have makes the check unable to
run (said once for the population, not once per item).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..period.fingerprint import Item

KINDS: dict[str, tuple[str, ...]] = {
    "date_not_after": ("a", "b"),
    "within_days": ("a", "b", "days", "business"),
    "differs": ("a", "b"),
    "in_list": ("field", "values"),
    "not_empty": ("field",),
}
OWN_COLUMNS: tuple[str, ...] = ("id", "date", "description")
MAX_DAYS = 366
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
COLUMN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$")


@dataclass(frozen=True)
class CheckSpec:
    """One declared check: its name, kind and arguments (columns, days, values)."""

    name: str
    kind: str
    a: str = ""
    b: str = ""
    field: str = ""
    days: int = 0
    business: bool = False
    values: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the population columns the check reads."""
        return (self.field,) if self.field else (self.a, self.b)

    def describe(self) -> str:
        """Return what the check requires, in words."""
        if self.kind == "date_not_after":
            return f"{self.a} is on or before {self.b}"
        if self.kind == "within_days":
            unit = ("business day" if self.business else "day") + "s" * (self.days != 1)
            return f"{self.a} and {self.b} are at most {self.days} {unit} apart"
        if self.kind == "differs":
            return f"{self.a} differs from {self.b}"
        if self.kind == "in_list":
            return f"{self.field} is one of: {', '.join(self.values)}"
        return f"{self.field} is not empty"

    def as_data(self) -> dict[str, Any]:
        """Return the check as the plain mapping stored with the control."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind}
        for arg in KINDS[self.kind]:
            value = getattr(self, arg)
            data[arg] = list(value) if isinstance(value, tuple) else value
        return data


def spec_from_data(data: Mapping[str, Any]) -> CheckSpec:
    """Return the check of a stored mapping (as written by `as_data`)."""
    values = {k: data[k] for k in KINDS[data["kind"]] if k in data}
    if "values" in values:
        values["values"] = tuple(values["values"])
    return CheckSpec(name=data["name"], kind=data["kind"], **values)


class DeclarationReader:
    """Read a control's `checks` and `reconcile` declarations, recording each problem.

    `reader` is the control entry's `EntryReader` (domain/library/problems.py);
    problems name the field as `checks[2].days` or `reconcile.key`.
    """

    def __init__(self, reader: Any) -> None:
        self.r = reader

    def checks(self) -> tuple[CheckSpec, ...]:
        out: list[CheckSpec] = []
        names: set[str] = set()
        for i, raw in enumerate(self.r.items("checks"), start=1):
            spec = self._check(self.r.nested(f"checks[{i}]", raw))
            if spec is None:
                continue
            if spec.name in names:
                self.r.problem(f"checks[{i}].name", f"{spec.name!r} is used twice in this control")
                continue
            names.add(spec.name)
            out.append(spec)
        return tuple(out)

    def _column(self, c: Any, name: str) -> str:
        value: str = c.text(name)
        if value and not COLUMN_RE.match(value):
            c.problem(name, f"{value!r} is not a column name (letters, digits, space, _ . -)")
            return ""
        return value

    def _check(self, c: Any) -> CheckSpec | None:
        if not c.ok:
            return None
        before = len(c.sink)
        name = c.text("name")
        if name and not NAME_RE.match(name):
            c.problem("name", f"{name!r} is not a check name (lower-case letters, digits, '-')")
        kind = c.choice("kind", tuple(KINDS))
        if not kind:  # its arguments cannot be judged: report the kind alone
            c.seen.update(a for args_of in KINDS.values() for a in args_of)
        args: dict[str, Any] = {}
        if kind in ("date_not_after", "within_days", "differs"):
            args["a"], args["b"] = self._column(c, "a"), self._column(c, "b")
            if args["a"] and args["a"] == args["b"]:
                c.problem("b", "must name a different column from a")
        if kind in ("in_list", "not_empty"):
            args["field"] = self._column(c, "field")
        if kind == "within_days":
            args["days"] = c.integer("days", 0, MAX_DAYS)
            args["business"] = c.boolean("business")
        if kind == "in_list":
            args["values"] = c.texts("values", required=True)
            if "values" in c.data and not args["values"] and isinstance(c.data["values"], list):
                c.problem("values", "must list at least one value")
        c.finish()
        if len(c.sink) > before or not kind:
            return None
        return CheckSpec(name=name, kind=kind, **args)

    def reconcile(self) -> dict[str, str] | None:
        raw = self.r.mapping("reconcile", required=False)
        if "reconcile" not in self.r.data:
            return None
        c = self.r.nested("reconcile", raw)
        before = len(c.sink)
        declared = {
            "key": self._column(c, "key"),
            "second_source": c.text("second_source"),
            "second_key": self._column(c, "second_key"),
        }
        c.finish()
        return declared if len(c.sink) == before else None


# --- running the checks ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    """One item failing one check: a candidate deviation."""

    item_id: str
    item_date: date
    check: str
    message: str


@dataclass(frozen=True)
class CheckRun:
    """Every failing item of a population, and the checks that could not run on it."""

    items: int
    failures: tuple[Failure, ...]
    cannot_run: tuple[tuple[str, str], ...]  # (check name, why)

    def failing_items(self) -> int:
        return len({f.item_id for f in self.failures})


_Moment = date | datetime


def _parse_moment(text: str) -> _Moment | None:
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment


def business_days_between(first: date, second: date) -> int:
    """Return the weekdays stepped onto going from the earlier date to the later one."""
    start, end = (first, second) if first <= second else (second, first)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for step in range(1, rest + 1):
        if (weekday + step) % 7 < 5:
            count += 1
    return count


class _Columns:
    """A population's cells read column by column, once each, shared by the checks."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = items
        self._values: dict[str, list[Any]] = {}
        self._moments: dict[str, list[tuple[Any, str]]] = {}

    def values(self, column: str) -> list[Any]:
        found = self._values.get(column)
        if found is None:
            items = self.items
            if column == "id":
                found = [i.id for i in items]
            elif column == "date":
                found = [i.date for i in items]
            elif column == "description":
                found = [i.description for i in items]
            else:
                found = [i.extra.get(column, "") for i in items]
            self._values[column] = found
        return found

    def moments(self, column: str) -> list[tuple[Any, str]]:
        """Return each cell as (date or datetime, "") or (None, why it is not one).

        Each distinct text is parsed once (populations repeat dates a lot).
        """
        found = self._moments.get(column)
        if found is None:
            values = self.values(column)
            table = {v: _moment(column, v) for v in set(values)}
            found = self._moments[column] = [table[v] for v in values]
        return found


def _moment(column: str, value: Any) -> tuple[Any, str]:
    if isinstance(value, date):
        return value, ""
    text = value or ""
    if not text.strip():
        return None, f"{column} is empty"
    moment = _parse_moment(text)
    if moment is None:
        return None, f"{column} {text!r} is not a date (use YYYY-MM-DD)"
    return moment, ""


def _day(x: _Moment) -> date:
    return x.date() if isinstance(x, datetime) else x


def _comparable(x: _Moment, y: _Moment) -> tuple[Any, Any]:
    """Return the two moments at the finest precision both have."""
    if isinstance(x, datetime) and isinstance(y, datetime):
        if (x.tzinfo is None) == (y.tzinfo is None):
            return x, y
    elif not isinstance(x, datetime) and not isinstance(y, datetime):
        return x, y
    return _day(x), _day(y)


Found = Iterator[tuple[int, str]]  # (index of the failing item, why)


def _why_not_dates(a: tuple[Any, str], b: tuple[Any, str]) -> str:
    return "; ".join(w for w in (a[1], b[1]) if w)


def _date_not_after(spec: CheckSpec, cols: _Columns) -> Found:
    for n, (a, b) in enumerate(zip(cols.moments(spec.a), cols.moments(spec.b), strict=True)):
        if a[1] or b[1]:
            yield n, _why_not_dates(a, b)
            continue
        x, y = _comparable(a[0], b[0])
        if x > y:
            yield n, f"{spec.a} {x.isoformat()} is after {spec.b} {y.isoformat()}"


def _within_days(spec: CheckSpec, cols: _Columns) -> Found:
    unit = "business days" if spec.business else "days"
    limit, business = spec.days, spec.business
    for n, (a, b) in enumerate(zip(cols.moments(spec.a), cols.moments(spec.b), strict=True)):
        if a[1] or b[1]:
            yield n, _why_not_dates(a, b)
            continue
        x, y = _day(a[0]), _day(b[0])
        apart = abs((y - x).days)
        if apart > limit and business:
            apart = business_days_between(x, y)
        if apart > limit:
            yield (
                n,
                (
                    f"{spec.a} {x.isoformat()} and {spec.b} {y.isoformat()} are {apart} {unit} "
                    f"apart (at most {limit})"
                ),
            )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _differs(spec: CheckSpec, cols: _Columns) -> Found:
    for n, (raw_a, raw_b) in enumerate(zip(cols.values(spec.a), cols.values(spec.b), strict=True)):
        a, b = _text(raw_a), _text(raw_b)
        if not a or not b:
            yield n, "; ".join(f"{c} is empty" for c, v in ((spec.a, a), (spec.b, b)) if not v)
        elif a.casefold() == b.casefold():
            yield n, f"{spec.a} and {spec.b} are both {a!r}"


def _in_list(spec: CheckSpec, cols: _Columns) -> Found:
    allowed = {v.casefold() for v in spec.values}
    shown = ", ".join(spec.values)
    for n, raw in enumerate(cols.values(spec.field)):
        value = _text(raw)
        if not value:
            yield n, f"{spec.field} is empty"
        elif value.casefold() not in allowed:
            yield n, f"{spec.field} {value!r} is not one of: {shown}"


def _not_empty(spec: CheckSpec, cols: _Columns) -> Found:
    why = f"{spec.field} is empty"
    for n, raw in enumerate(cols.values(spec.field)):
        if not _text(raw):
            yield n, why


_RUNNERS: dict[str, Callable[[CheckSpec, _Columns], Found]] = {
    "date_not_after": _date_not_after,
    "within_days": _within_days,
    "differs": _differs,
    "in_list": _in_list,
    "not_empty": _not_empty,
}


def run_checks(
    specs: Iterable[CheckSpec], items: Sequence[Item], columns: Iterable[str]
) -> CheckRun:
    """Run every check over every item (a census) and return the failing items."""
    present = set(OWN_COLUMNS) | set(columns)
    cols = _Columns(items)
    failures: list[Failure] = []
    cannot: list[tuple[str, str]] = []
    for spec in specs:
        missing = [c for c in spec.columns if c not in present]
        if missing:
            why = f"the population has no column {', '.join(missing)}; import a file with it"
            cannot.append((spec.name, why))
            continue
        name = spec.name
        failures.extend(
            Failure(items[n].id, items[n].date, name, why)
            for n, why in _RUNNERS[spec.kind](spec, cols)
        )
    return CheckRun(len(items), tuple(failures), tuple(cannot))
