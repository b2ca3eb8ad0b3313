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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
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


def _getter(column: str) -> Callable[[Item], Any]:
    if column in OWN_COLUMNS:
        return attrgetter("id" if column == "id" else column)
    return lambda item: item.extra.get(column, "")


def _moment_reader(column: str) -> Callable[[Any], tuple[Any, str]]:
    """Return a function giving (date or datetime, "") or (None, why it is not one) of a cell.

    Each distinct text is parsed once (populations repeat dates a lot).
    """
    cache: dict[str, tuple[Any, str]] = {}

    def read(value: Any) -> tuple[Any, str]:
        if isinstance(value, date):
            return value, ""
        found = cache.get(value)
        if found is not None:
            return found
        text = value or ""
        if not text.strip():
            found = (None, f"{column} is empty")
        else:
            moment = _parse_moment(text)
            found = (
                (moment, "")
                if moment is not None
                else (None, f"{column} {text!r} is not a date (use YYYY-MM-DD)")
            )
        cache[value] = found
        return found

    return read


def _comparable(x: _Moment, y: _Moment) -> tuple[Any, Any]:
    """Return the two moments at the finest precision both have."""
    both = isinstance(x, datetime) and isinstance(y, datetime)
    if both and (x.tzinfo is None) == (y.tzinfo is None):  # type: ignore[union-attr]
        return x, y
    return (x.date() if isinstance(x, datetime) else x), (
        y.date() if isinstance(y, datetime) else y
    )


def _day(x: _Moment) -> date:
    return x.date() if isinstance(x, datetime) else x


Rule = Callable[[Item], str | None]


def _rule(spec: CheckSpec) -> Rule:
    """Return a function giving why an item fails the check, or None when it passes."""
    if spec.kind in ("date_not_after", "within_days"):
        get_a, get_b = _getter(spec.a), _getter(spec.b)
        read_a, read_b = _moment_reader(spec.a), _moment_reader(spec.b)

        def dates(item: Item) -> tuple[Any, Any, str]:
            a, why_a = read_a(get_a(item))
            b, why_b = read_b(get_b(item))
            if why_a or why_b:
                return a, b, "; ".join(w for w in (why_a, why_b) if w)
            return a, b, ""

        if spec.kind == "date_not_after":

            def not_after(item: Item) -> str | None:
                a, b, why = dates(item)
                if why:
                    return why
                x, y = _comparable(a, b)
                if x > y:
                    return f"{spec.a} {x.isoformat()} is after {spec.b} {y.isoformat()}"
                return None

            return not_after

        def within(item: Item) -> str | None:
            a, b, why = dates(item)
            if why:
                return why
            x, y = _day(a), _day(b)
            apart = business_days_between(x, y) if spec.business else abs((y - x).days)
            if apart > spec.days:
                unit = "business days" if spec.business else "days"
                return (
                    f"{spec.a} {x.isoformat()} and {spec.b} {y.isoformat()} are {apart} {unit} "
                    f"apart (at most {spec.days})"
                )
            return None

        return within
    if spec.kind == "differs":
        get_a, get_b = _getter(spec.a), _getter(spec.b)

        def differs(item: Item) -> str | None:
            a, b = str(get_a(item)).strip(), str(get_b(item)).strip()
            empty = [n for n, v in ((spec.a, a), (spec.b, b)) if not v]
            if empty:
                return "; ".join(f"{n} is empty" for n in empty)
            if a.casefold() == b.casefold():
                return f"{spec.a} and {spec.b} are both {a!r}"
            return None

        return differs
    get = _getter(spec.field)
    if spec.kind == "in_list":
        allowed = {v.casefold() for v in spec.values}

        def in_list(item: Item) -> str | None:
            value = str(get(item)).strip()
            if not value:
                return f"{spec.field} is empty"
            if value.casefold() not in allowed:
                return f"{spec.field} {value!r} is not one of: {', '.join(spec.values)}"
            return None

        return in_list

    def not_empty(item: Item) -> str | None:
        return None if str(get(item)).strip() else f"{spec.field} is empty"

    return not_empty


def run_checks(
    specs: Iterable[CheckSpec], items: Sequence[Item], columns: Iterable[str]
) -> CheckRun:
    """Run every check over every item (a census) and return the failing items."""
    present = set(OWN_COLUMNS) | set(columns)
    failures: list[Failure] = []
    cannot: list[tuple[str, str]] = []
    for spec in specs:
        missing = [c for c in spec.columns if c not in present]
        if missing:
            cannot.append(
                (
                    spec.name,
                    f"the population has no column {', '.join(missing)}; import a file with it",
                )
            )
            continue
        rule = _rule(spec)
        name = spec.name
        failures.extend(
            Failure(item.id, item.date, name, why)
            for item in items
            if (why := rule(item)) is not None
        )
    return CheckRun(len(items), tuple(failures), tuple(cannot))
