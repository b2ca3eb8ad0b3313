"""Indexes of a library's edges, built once per library object and kept on it.

The cached library is shared by every request of a worker, so an index built
from it once (per criterion, the satisfying controls in coverage order; per
risk, the controls mitigating it) saves walking every edge on every request.
An index is rebuilt when the edge list it was built from was replaced or grew,
so a library assembled in a test and extended afterwards is still read right.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .model import Library

_SLOT = "_edge_index"

# per satisfying edge: the control, the strength, and a memo its users may fill
# (coverage keeps one immutable value per implementation status there)
Edge = tuple[str, str, dict[str, Any]]
# per criterion, its edges primary first, then by control ref
CriterionEdges = dict[tuple[str, str], tuple[Edge, ...]]


@dataclass(frozen=True)
class EdgeIndex:
    stamp: tuple[int, int, int, int]
    by_criterion: CriterionEdges
    mitigated_by: dict[str, frozenset[str]]
    # each satisfying control's ref → the very string object the edges hold: a dict keyed
    # by these finds an edge's ref by identity, without comparing the characters
    refs: dict[str, str]


def coverage_order(edge: Edge) -> tuple[bool, str]:
    """Return the sort key of an edge: primary first, then by control ref."""
    return (edge[1] != "primary", edge[0])


def _stamp(library: Library) -> tuple[int, int, int, int]:
    return (
        id(library.satisfies),
        len(library.satisfies),
        id(library.mitigates),
        len(library.mitigates),
    )


def edge_index(library: Library) -> EdgeIndex:
    """Return the library's edge index, building it on first use (or after its edges changed)."""
    stamp = _stamp(library)
    found: Any = library.__dict__.get(_SLOT)
    if isinstance(found, EdgeIndex) and found.stamp == stamp:
        return found
    grouped: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in library.satisfies:
        grouped[(edge.framework, edge.criterion)].append((edge.control, edge.strength, {}))
    mitigated: dict[str, set[str]] = defaultdict(set)
    for m in library.mitigates:
        mitigated[m.risk].add(m.control)
    refs: dict[str, str] = {}
    for edges in grouped.values():
        for ref, _strength, _memo in edges:
            refs.setdefault(ref, ref)
    index = EdgeIndex(
        stamp=stamp,
        refs=refs,
        by_criterion={
            key: tuple(sorted(edges, key=coverage_order)) for key, edges in grouped.items()
        },
        mitigated_by={risk: frozenset(controls) for risk, controls in mitigated.items()},
    )
    library.__dict__[_SLOT] = index
    return index
