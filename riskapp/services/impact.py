"""What failed controls affect, for one assessment (issue #13: cards, calendar, requests, workbook).

The library graph comes from the per-release cache: `cached_library` returns
one library object per loaded release and `library_graph` builds the graph
once per library object, so no request rebuilds it; an assessment's custom
content is a small overlay beside it (`domain/graph/impact.ImpactGraph`).

The deviation register calls `impact_of_ineffective(assessment, refs)` with
the controls it concluded ineffective.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.assessment.model import NOT_APPLICABLE
from ..domain.graph.impact import BatchImpact, ImpactGraph, failed_controls_impact
from ..domain.graph.questions import FailureImpact
from ..domain.graph.questions import failed_control_impact as _impact
from ..extensions import db
from ..models import Assessment
from ..repository import library as library_repo
from ..repository.assessments import to_assessment_data


def failed_control_impact(assessment: Assessment, ref: str) -> FailureImpact:
    """Return the criteria, risks and policies the selected control `ref` affects if it fails."""
    library = library_repo.cached_library(db.session)
    return _impact(library, to_assessment_data(db.session, assessment), ref)


def impact_of_ineffective(assessment: Assessment, refs: Iterable[str]) -> BatchImpact:
    """Return what the controls concluded ineffective affect together.

    Refs that are not (or no longer) selected in the assessment are left out
    rather than refused, since a conclusion may outlive a selection.
    """
    library = library_repo.cached_library(db.session)
    data = to_assessment_data(db.session, assessment)
    chosen = {c.ref for c in data.controls}
    return failed_controls_impact(library, data, [r for r in refs if r in chosen])


def impact_per_control(
    assessment: Assessment, refs: Iterable[str] | None = None
) -> dict[str, BatchImpact]:
    """Return, for each selected applicable control (or each of `refs`), what it affects alone."""
    library = library_repo.cached_library(db.session)
    data = to_assessment_data(db.session, assessment)
    graph = ImpactGraph(library, data.custom)
    applicable = [c.ref for c in data.controls if c.status != NOT_APPLICABLE]
    wanted = applicable if refs is None else [r for r in refs if r in set(applicable)]
    return {ref: failed_controls_impact(library, data, [ref], graph) for ref in wanted}
