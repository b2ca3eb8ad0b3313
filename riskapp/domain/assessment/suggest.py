"""Suggest controls for the risks an assessment chose to mitigate, ranked and explained."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..library.model import Library
from .model import AssessmentData, in_scope_criteria


@dataclass(frozen=True)
class Suggestion:
    ref: str
    title: str
    risks: tuple[str, ...]
    criteria: tuple[str, ...]
    primary_criteria: tuple[str, ...]
    selected: bool

    @property
    def reason(self) -> str:
        """Say why the control is suggested: the risks it mitigates and criteria it meets."""
        parts = [f"Mitigates {len(self.risks)} of your risks ({', '.join(self.risks)})"]
        if self.criteria:
            shown = ", ".join(
                f"{c} (primary)" if c in self.primary_criteria else c for c in self.criteria
            )
            parts.append(f"satisfies {len(self.criteria)} in-scope criteria ({shown})")
        return "; ".join(parts) + "."


def suggest_controls(
    library: Library, assessment: AssessmentData, risks: Iterable[str]
) -> list[Suggestion]:
    """Return the controls that mitigate any of `risks`, best first.

    Ranking: more of the given risks mitigated first; then more in-scope
    criteria satisfied (primary or supporting); then more of them as primary;
    then library order. Controls already selected are included and marked.
    """
    wanted = set(risks)
    scope = set(in_scope_criteria(library, assessment.scope))
    mitigated: dict[str, list[str]] = defaultdict(list)
    for edge in (*library.mitigates, *assessment.custom.mitigates):
        if edge.risk in wanted:
            mitigated[edge.control].append(edge.risk)
    criteria: dict[str, list[str]] = defaultdict(list)
    primary: dict[str, list[str]] = defaultdict(list)
    for sat in (*library.satisfies, *assessment.custom.satisfies):
        if sat.control in mitigated and (sat.framework, sat.criterion) in scope:
            criteria[sat.control].append(sat.criterion)
            if sat.strength == "primary":
                primary[sat.control].append(sat.criterion)
    controls = {**library.controls, **{c.ref: c for c in assessment.custom.controls}}
    order = {ref: i for i, ref in enumerate(controls)}
    chosen = {c.ref for c in assessment.controls}
    ranked = sorted(
        mitigated,
        key=lambda ref: (
            -len(mitigated[ref]),
            -len(criteria[ref]),
            -len(primary[ref]),
            order.get(ref, len(order)),
        ),
    )
    return [
        Suggestion(
            ref=ref,
            title=controls[ref].title if ref in controls else ref,
            risks=tuple(mitigated[ref]),
            criteria=tuple(criteria[ref]),
            primary_criteria=tuple(primary[ref]),
            selected=ref in chosen,
        )
        for ref in ranked
    ]
