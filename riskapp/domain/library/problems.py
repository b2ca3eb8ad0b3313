"""Problems found in library files, and a reader that collects them field by field."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REF_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a library: where (file, entry, field) and what."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file, self.entry, self.field]
        return ": ".join(p for p in parts if p) + f": {self.message}"


def placeholders_in(text: str) -> tuple[list[str], str | None]:
    """Return the placeholder names used in `text`, or an error for broken braces."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return [], f"broken braces in text ({exc}); write placeholders as {{name}}"
    return names, None


class EntryReader:
    """Read the fields of one YAML mapping, recording a Problem for each bad one.

    Every getter returns a usable default after recording a problem, so one
    pass reports every problem of an entry instead of stopping at the first.
    """

    def __init__(
        self, sink: list[Problem], file: str, label: str, data: Any, prefix: str = ""
    ) -> None:
        self.sink = sink
        self.file = file
        self.label = label
        self.prefix = prefix
        self.ok = isinstance(data, Mapping)
        self.data: Mapping[str, Any] = data if self.ok else {}
        self.seen: set[str] = set()
        if not self.ok:
            self.problem("", f"must be a mapping of fields, got {_kind(data)}")

    def problem(self, name: str, message: str) -> None:
        field = f"{self.prefix}{name}" if name else self.prefix.rstrip(".")
        self.sink.append(Problem(self.file, self.label, field, message))

    def nested(self, name: str, data: Any) -> EntryReader:
        """Return a reader for a sub-mapping whose problems name `name.field`."""
        return EntryReader(self.sink, self.file, self.label, data, f"{self.prefix}{name}.")

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        value = self.data.get(name)
        if value is None and required and self.ok:
            self.problem(name, "is required")
        return value

    def text(self, name: str, *, required: bool = True) -> str:
        value = self._get(name, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, got {_kind(value)}")
            return ""
        value = str(value).strip()
        if not value and required:
            self.problem(name, "must not be empty")
        return value

    def ref(self, name: str = "ref") -> str:
        value = self.text(name)
        if value and not REF_RE.match(value):
            self.problem(
                name,
                f"{value!r} is not a valid ref (capital letters, digits, '.', '-', '_'; "
                "at most 40 characters)",
            )
            return ""
        return value

    def integer(self, name: str, low: int, high: int) -> int:
        value = self._get(name, True)
        if value is None:
            return low
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(name, f"must be an integer from {low} to {high}, got {value!r}")
            return low
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, got {value!r}")
            return default
        return value

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self.text(name, required=required)
        allowed = tuple(choices)
        if value and value not in allowed:
            self.problem(name, f"{value!r} is not one of: {', '.join(allowed)}")
            return ""
        return value

    def texts(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(name, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(name, f"must be a list, got {_kind(value)}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value, start=1):
            if (
                isinstance(item, bool)
                or not isinstance(item, str | int | float)
                or not str(item).strip()
            ):
                self.problem(f"{name}[{i}]", f"must be non-empty text, got {item!r}")
                continue
            out.append(str(item).strip())
        return tuple(out)

    def mapping(self, name: str, *, required: bool = True) -> Mapping[str, Any]:
        value = self._get(name, required)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(name, f"must be a mapping, got {_kind(value)}")
            return {}
        return value

    def items(self, name: str, *, required: bool = False) -> list[Any]:
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, f"must be a list, got {_kind(value)}")
            return []
        return value

    def placeholders(self, name: str, text: str, allowed: Iterable[str]) -> None:
        names, error = placeholders_in(text)
        if error:
            self.problem(name, error)
            return
        known = set(allowed)
        for placeholder in names:
            if placeholder not in known:
                self.problem(name, f"unknown placeholder {{{placeholder}}}")

    def finish(self) -> None:
        """Report keys that no getter asked for: typos must not pass silently."""
        for key in self.data:
            if key not in self.seen:
                self.problem(str(key), "unknown field")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
