"""One root for every error the domain raises, so callers map them in one place."""

from __future__ import annotations


class RiskappError(Exception):
    """Root of riskapp's own errors."""


class NotFound(RiskappError):
    """A ref or id names nothing the caller may see."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class LibraryInvalid(RiskappError):
    """A library folder failed validation; `problems` lists every problem found."""

    def __init__(self, problems: list) -> None:  # list[Problem]; no import cycle
        count = len(problems)
        super().__init__(f"library is invalid: {count} problem{'s' if count != 1 else ''}")
        self.problems = problems
