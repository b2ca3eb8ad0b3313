"""Assessment use cases for the web: list, create, rename and delete, within one organisation."""

from __future__ import annotations

from ..domain.accounts.names import name_problem
from ..domain.assessment.summary import AssessmentSummary
from ..domain.errors import InvalidInput, NotFound
from ..extensions import db
from ..models import Assessment, Framework
from ..repository import wizard as repo
from ..repository.assessments import owned_assessment


def frameworks() -> list[Framework]:
    """Return the loaded frameworks an assessment may use."""
    return repo.frameworks(db.session)


def list_assessments(organization_id: int) -> list[AssessmentSummary]:
    """Return a summary of each of the organisation's assessments, newest first."""
    return repo.assessment_summaries(db.session, organization_id)


def get(organization_id: int, assessment_id: int) -> Assessment:
    """Return the organisation's assessment (with its framework), or raise NotFound."""
    return owned_assessment(db.session, organization_id, assessment_id)


def _name(name: str) -> str:
    if problem := name_problem(name, "assessment"):
        raise InvalidInput({"name": problem})
    return name.strip()


def create(organization_id: int, name: str, framework: str) -> Assessment:
    """Create an assessment of the organisation over a loaded framework (by slug)."""
    clean = _name(name)
    try:
        fw = repo.framework_row(db.session, framework)
    except NotFound:
        raise InvalidInput({"framework": "Choose one of the loaded frameworks."}) from None
    row = Assessment(organization_id=organization_id, framework_id=fw.id, name=clean)
    db.session.add(row)
    db.session.flush()
    return row


def rename(organization_id: int, assessment_id: int, name: str) -> Assessment:
    """Rename the organisation's assessment."""
    clean = _name(name)
    row = get(organization_id, assessment_id)
    row.name = clean
    db.session.flush()
    return row


def delete(organization_id: int, assessment_id: int) -> str:
    """Delete the organisation's assessment and everything in it; return its name."""
    row = get(organization_id, assessment_id)
    name = row.name
    db.session.delete(row)
    db.session.flush()
    return name
