"""Create a demo organisation with a completed SOC 2 Type 2 assessment, using the wizard's rules."""

from __future__ import annotations

from datetime import date

from ..domain.assessment.applicability import default_answers
from ..domain.assessment.model import IMPLEMENTED, PLANNED, in_scope_criteria
from ..domain.assessment.scoring import inherent_score, needs_treatment
from ..domain.assessment.suggest import suggest_controls
from ..domain.assessment.wizard import ScopeAnswers
from ..domain.inventory.model import ROLES, SystemEntry
from ..extensions import db
from ..models import Organization
from ..repository import library as library_repo
from ..repository import wizard as wizard_repo
from ..repository.assessments import applicable_ratings, to_assessment_data
from . import inventory, wizard

# placeholder role → the demo's system filling it
DEMO_SETTINGS = {
    "system": "the Demo platform",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "code_repository": "GitHub",
    "ci_pipeline": "GitHub Actions",
    "ticketing_system": "Jira",
    "hr_system": "BambooHR",
    "mdm_tool": "Jamf",
    "logging_platform": "Datadog",
    "monitoring_tool": "PagerDuty",
    "vulnerability_scanner": "Snyk",
    "backup_system": "AWS Backup",
    "password_manager": "1Password",
    "training_platform": "KnowBe4",
    "document_repository": "Confluence",
}
DEMO_OWNERS = {"cloud_provider": "Head of Engineering", "identity_provider": "IT Manager"}
PLANNED_EVERY = 7  # every seventh chosen control stays planned, so the demo shows partials


def create_demo(org_name: str = "Demo Co", today: date | None = None) -> tuple[int, int]:
    """Create the demo organisation and its assessment; return (organisation id, assessment id).

    The assessment is SOC 2 Type 2 over Security and Availability for the
    twelve months of the current year, with the library's default profile
    answers and ratings. Risks above appetite are mitigated by the best-ranked
    suggestion for each; a primary control is then added for every in-scope
    criterion still without one.
    """
    year = (today or date.today()).year
    org = Organization(name=org_name, settings={})
    db.session.add(org)
    db.session.flush()
    _demo_inventory(org.id)
    library = library_repo.cached_library(db.session)
    assessment = wizard.create_assessment(
        org,
        ScopeAnswers(
            name=f"SOC 2 Type 2 {year}",
            categories=("security", "availability"),
            report_type="type2",
            as_of=None,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            appetite=9,
        ),
    )
    wizard.save_profile(assessment, default_answers(library.meta.tags))
    to_mitigate = []
    for rating in applicable_ratings(db.session, assessment):
        if needs_treatment(inherent_score(rating.likelihood, rating.impact), 9):
            wizard.save_treatment(rating, "mitigate", "Head of Security", "")
            to_mitigate.append(rating.risk.ref)
    data = to_assessment_data(db.session, assessment)
    chosen: list[str] = []
    suggestions = suggest_controls(library, data, to_mitigate)
    for risk in to_mitigate:
        best = next(s.ref for s in suggestions if risk in s.risks)
        if best not in chosen:
            chosen.append(best)
    primaries = {
        (e.framework, e.criterion): e.control
        for e in reversed(library.satisfies)
        if e.strength == "primary"
    }
    covered = {
        (e.framework, e.criterion)
        for e in library.satisfies
        if e.strength == "primary" and e.control in chosen
    }
    for key in in_scope_criteria(library, data.scope):
        if key not in covered and key in primaries:
            chosen.append(primaries[key])
            covered |= {
                (e.framework, e.criterion)
                for e in library.satisfies
                if e.strength == "primary" and e.control == primaries[key]
            }
    wizard.select_controls(assessment, chosen, {})
    rows = wizard_repo.selected_controls(db.session, assessment.id)
    for index, row in enumerate(rows, start=1):
        row.status = PLANNED if index % PLANNED_EVERY == 0 else IMPLEMENTED
    assessment.step_reached = "quality"
    db.session.flush()
    return org.id, assessment.id


def _demo_inventory(organization_id: int) -> None:
    """Add the demo's systems, each filling the placeholder roles it stands for."""
    by_name: dict[str, list[str]] = {}
    for role, name in DEMO_SETTINGS.items():
        by_name.setdefault(name, []).append(role)
    for name, roles in by_name.items():
        inventory.save_system(
            organization_id,
            SystemEntry(
                name=name,
                kind=ROLES[roles[0]][1],
                owner=DEMO_OWNERS.get(roles[0], "Head of Security"),
                classification="confidential",
                roles=tuple(roles),
            ),
        )
