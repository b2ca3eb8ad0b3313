"""What a failed control affects, for one assessment (issue #13 shows it on pages)."""

from __future__ import annotations

from ..domain.graph.questions import FailureImpact
from ..domain.graph.questions import failed_control_impact as _impact
from ..extensions import db
from ..models import Assessment
from ..repository import library as library_repo
from ..repository.assessments import to_assessment_data


def failed_control_impact(assessment: Assessment, ref: str) -> FailureImpact:
    """Return the criteria, risks and policies that the selected control `ref` affects if it fails.

    The library graph comes from the per-release cache (`cached_library`
    returns one library object per loaded release, and the graph is built
    once per library object).
    """
    library = library_repo.cached_library(db.session)
    return _impact(library, to_assessment_data(db.session, assessment), ref)
