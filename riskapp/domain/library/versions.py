"""Library versions compared as numbers, and when `init` may load the shipped library."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART_RE = re.compile(r"\d+|[^\d.\-+_ ]+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key that orders versions part by part, numbers as numbers.

    `2026.9.0 < 2026.12.0`; a numeric part sorts before a text part, so
    `1.0 < 1.0a` never raises; missing trailing parts count as zero (`1.0 == 1.0.0`).
    """
    parts: list[tuple[int, int | str]] = []
    for piece in _PART_RE.findall(version.strip().lower()):
        parts.append((0, int(piece)) if piece.isdigit() else (1, piece))
    while parts and parts[-1] == (0, 0):
        parts.pop()
    return tuple(parts)


def is_older(version: str, than: str) -> bool:
    """Return whether `version` is strictly older than `than`."""
    return version_key(version) < version_key(than)


@dataclass(frozen=True)
class Release:
    """A library's identity: its name and version."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"'{self.name}' {self.version}"


@dataclass(frozen=True)
class InitDecision:
    """Whether `init` loads the shipped library, and the sentence that says why."""

    load: bool
    reason: str


def init_decision(loaded: Release | None, shipped: Release) -> InitDecision:
    """Decide whether `init` loads the shipped library over what is loaded.

    It loads when no library is loaded, or when the loaded one is the shipped
    library (same name) at an older version; any other library, or the same
    or a newer version of the shipped one, stays as it is.
    """
    if loaded is None:
        return InitDecision(True, f"No library is loaded; loading the shipped library {shipped}.")
    if loaded.name == shipped.name and is_older(loaded.version, shipped.version):
        return InitDecision(
            True, f"Library {loaded} is loaded; upgrading it to the shipped {shipped.version}."
        )
    if loaded.name == shipped.name and version_key(loaded.version) == version_key(shipped.version):
        return InitDecision(False, f"Library {loaded} is loaded and is the shipped version.")
    return InitDecision(False, f"Library {loaded} is loaded; the shipped library was not loaded.")
