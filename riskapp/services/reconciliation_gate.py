"""Whether a population may be tested: not while its reconciliation has unexplained gaps."""

from __future__ import annotations

from ..domain.testing.reconcile import SIDES, summary
from ..extensions import db
from ..models import Population
from . import reconciliation


def blocking_reason(population_id: int) -> str | None:
    """Return why the population's test is blocked, or None when it may be tested.

    A population is blocked when its control declares a second source, both
    sources are imported, and some item found in one source only has no
    recorded explanation (or a file lacks the key column). Before the second
    source is imported there is nothing to reconcile and nothing is blocked.
    """
    population = db.session.get(Population, population_id)
    if population is None or not population.control.reconcile:
        return None
    found = reconciliation.status_of(population.assessment_id, population.control)
    ref = population.control.ref
    if found.problem:
        return f"{ref} cannot be reconciled: {found.problem}"
    left = found.unexplained
    if not left:
        return None
    counted = summary(left, {side: found.side_name(side) for side in SIDES})
    return (
        f"{ref}: {len(left)} item{'s' * (len(left) != 1)} found in one source only "
        f"({counted}) {'are' if len(left) != 1 else 'is'} not explained; explain each on "
        "the Checks page or import the corrected population."
    )
