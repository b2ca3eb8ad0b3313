"""Whether a population's test is blocked by an unresolved reconciliation (placeholder).

The "checks" branch owns this module; until it lands nothing is blocked.
"""

from __future__ import annotations


def blocking_reason(population_id: int) -> str | None:
    """Return why the population's items may not be tested now, or None."""
    return None
