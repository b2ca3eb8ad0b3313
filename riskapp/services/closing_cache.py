"""The closing set, solved once per assessment state and reused until that state changes.

Solving the closing set is the costly part of the coverage page. Its answer
depends only on the library and on the assessment's state: the selected
controls and their statuses, the scope, the ratings, the criteria set aside,
the custom content, and whether risks are included. The cache's key is a hash
of all of these, taken from the very data the page computes with, so any
change (a selection, a status, the scope, a set-aside, a new library
release, …) gives a new key and a fresh solve; nothing has to remember to
invalidate it. The library is matched by identity too: the cached library is
replaced by a new object whenever a library release is loaded.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from ..domain.assessment.model import AssessmentData
from ..domain.coverage.closing import ClosingSet, closing_set
from ..domain.coverage.report import Coverage
from ..domain.library.model import Library

LIMIT = 64  # states kept per process, the least recently used dropped first
T = TypeVar("T")

_ENTRIES: OrderedDict[str, tuple[Library, ClosingSet]] = OrderedDict()
_LOCK = threading.Lock()
STATS = {"solved": 0, "reused": 0}


def state_key(library: Library, data: AssessmentData, include_risks: bool) -> str:
    """Return the hash of everything the closing set is computed from.

    The state is pickled, not repr'd, and each rating goes in as the tuple of
    its fields' values (every field, in order): both are made in C, where a
    dataclass's repr ran Python code per field, per rating, per request. Two
    different states never pickle alike, so a key never stands for another state.
    """
    state = (
        library.meta.name,
        library.meta.version,
        data.id,
        data.scope,
        [(c.ref, c.status) for c in data.controls],
        [tuple(vars(r).values()) for r in data.risks],
        data.exclusions,
        data.custom,
        include_risks,
    )
    return hashlib.sha256(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def cached_closing_set(
    library: Library,
    data: AssessmentData,
    coverage: Coverage,
    *,
    include_risks: bool = False,
    key: str | None = None,
) -> ClosingSet:
    """Return the closing set of this state, solving it only when the state is new.

    `key`, when given, is this state's `state_key` (taken once by the caller).
    """
    key = key or state_key(library, data, include_risks)
    with _LOCK:
        hit = _ENTRIES.get(key)
        if hit is not None and hit[0] is library:
            _ENTRIES.move_to_end(key)
            STATS["reused"] += 1
            return hit[1]
    found = closing_set(library, data, coverage, include_risks=include_risks)
    with _LOCK:
        _ENTRIES[key] = (library, found)
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > LIMIT:
            _ENTRIES.popitem(last=False)
        STATS["solved"] += 1
    return found


@dataclass(frozen=True)
class State:
    """One assessment state as the coverage page saw it: its key and the library it used."""

    key: str
    library: Library


# what else a page derives from one state alone (the figures, …), by (state key, what)
_DERIVED: OrderedDict[tuple[str, Hashable], tuple[Library, Any]] = OrderedDict()


def cached_for_state(state: State, what: Hashable, make: Callable[[], T]) -> T:
    """Return `make()` for this state and `what`, made only when the pair is new.

    `what` must name everything else the value depends on (for a figure: the
    link prefixes it embeds). Kept like the closing sets: per process, the
    least recently used of `LIMIT` pairs per kind dropped first.
    """
    key = (state.key, what)
    with _LOCK:
        hit = _DERIVED.get(key)
        if hit is not None and hit[0] is state.library:
            _DERIVED.move_to_end(key)
            return cast(T, hit[1])
    value = make()
    with _LOCK:
        _DERIVED[key] = (state.library, value)
        _DERIVED.move_to_end(key)
        while len(_DERIVED) > 4 * LIMIT:
            _DERIVED.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached closing set and derived value (tests)."""
    with _LOCK:
        _ENTRIES.clear()
        _DERIVED.clear()
