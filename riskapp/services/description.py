"""The system description: gather an assessment's data, draft DC1–DC9, build the Word file.

The web views and the CLI call these; forms for the organisation's answers,
the incident log, the user-entity controls and the significant changes
raise InvalidInput (field → message) and change nothing on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from ..domain.assessment.model import AssessmentData, in_scope_criteria, with_custom_content
from ..domain.assessment.selection import EdgeIndex, selected_controls
from ..domain.description import fields as rules
from ..domain.description.changes import ChangeCandidate, describe_change, within
from ..domain.description.draft import draft_description, suggest_cuecs
from ..domain.description.model import (
    CarvedOut,
    Change,
    Component,
    ControlLine,
    CriterionLine,
    DescriptionInput,
    Incident,
    NotRelevant,
    OrganisationAnswers,
    Section,
)
from ..domain.errors import InvalidInput
from ..domain.inventory.model import CLASSIFICATIONS, KINDS
from ..domain.library.model import Library
from ..domain.statements.render import tailored_segments
from ..domain.textsafety import clean_text
from ..extensions import db
from ..models import Assessment
from ..repository import description as repo
from ..repository import vendors as vendor_repo
from ..repository.assessments import get_assessment
from ..repository.inventory import entries
from .exports import DOCX, ExportFile, file_stem, load, write_file

INFRASTRUCTURE = {"cloud-provider", "database", "endpoint-fleet", "office"}


def answers(organization_id: int) -> OrganisationAnswers:
    return repo.answers(db.session, organization_id)


def save_answers(organization_id: int, form: Mapping[str, str]) -> OrganisationAnswers:
    """Store the organisation's answers; InvalidInput (nothing stored) when one is too long."""
    data = rules.answers_from(dict(form))
    problems = rules.answers_problems(data)
    if problems:
        raise InvalidInput(problems)
    repo.save_answers(db.session, organization_id, data)
    return data


def incidents(organization_id: int) -> list[Incident]:
    return repo.incidents(db.session, organization_id)


def incident(organization_id: int, incident_id: int) -> Incident:
    return repo.incident(db.session, organization_id, incident_id)


def save_incident(
    organization_id: int, form: Mapping[str, str], incident_id: int | None = None
) -> int:
    """Record or correct an incident; InvalidInput (nothing stored) on bad input."""
    if incident_id is not None:
        repo.incident(db.session, organization_id, incident_id)  # NotFound when not ours
    data = rules.incident_from(dict(form), incident_id)
    problems = rules.incident_problems(data, str(form.get("occurred_on", "")))
    if problems:
        raise InvalidInput(problems)
    return repo.save_incident(db.session, organization_id, data)


def delete_incident(organization_id: int, incident_id: int) -> None:
    repo.delete_incident(db.session, organization_id, incident_id)


def cuecs(row: Assessment) -> list[tuple[int, str, str]]:
    """Return the assessment's user-entity controls as (id, text, control ref)."""
    return [(c.id, c.text, c.control_ref) for c in repo.cuecs(db.session, row.id)]


def add_cuec(row: Assessment, form: Mapping[str, str]) -> None:
    """Add a user-entity control; InvalidInput when empty or too long."""
    text = clean_text(str(form.get("text", "")), multiline=True)
    problems = rules.cuec_problems(text)
    if problems:
        raise InvalidInput(problems)
    ref = clean_text(str(form.get("control_ref", "")))[:40]
    repo.add_cuec(db.session, row.id, text, ref)


def delete_cuec(organization_id: int, cuec_id: int) -> int:
    return repo.delete_cuec(db.session, organization_id, cuec_id)


def _controls(
    library: Library, data: AssessmentData, keys: set[tuple[str, str]]
) -> list[ControlLine]:
    index = EdgeIndex.of(library)
    lines = []
    for item in selected_controls(library, data, applicable_only=True):
        criteria = tuple(
            e.criterion
            for e in index.satisfies.get(item.ref, ())
            if (e.framework, e.criterion) in keys
        )
        lines.append(
            ControlLine(
                item.ref,
                item.control.title,
                tuple(tailored_segments(data, item.control, item.choice)),
                item.owner,
                tuple(dict.fromkeys(criteria)),
            )
        )
    return lines


def cuec_suggestions(row: Assessment) -> list[ControlLine]:
    """Return selected controls whose statements rely on customers, not yet listed as CUECs."""
    library, data = load(row.id)
    merged = with_custom_content(library, data.custom)
    taken = {ref for _, _, ref in cuecs(row) if ref}
    lines = _controls(merged, data, set(in_scope_criteria(merged, data.scope)))
    return [c for c in suggest_cuecs(lines) if c.ref not in taken]


def change_candidates(row: Assessment) -> list[ChangeCandidate]:
    """Return the audit trail's changes to controls and systems in the period, chosen marked."""
    chosen = repo.chosen_changes(db.session, row.id)
    start, end = (row.period_start, row.period_end) if row.report_type == "type2" else (None, None)
    found = []
    for event in repo.change_events(db.session, row.organization_id):
        if event.assessment_id not in (None, row.id) or not within(event.at.date(), start, end):
            continue
        words = describe_change(event.object_kind, event.action, event.summary, event.changes)
        if words:
            found.append(ChangeCandidate(event.id, event.at.date(), words, event.id in chosen))
    return found


def choose_changes(row: Assessment, form_ids: list[str]) -> None:
    """Mark the listed candidates significant (ids not among the candidates are ignored)."""
    offered = {c.event_id for c in change_candidates(row)}
    wanted = {int(i) for i in form_ids if i.isdigit()} & offered
    repo.choose_changes(db.session, row.id, wanted)


def description_input(assessment_id: int) -> DescriptionInput:
    """Gather everything the description is drafted from for one assessment."""
    from ..exporters.policies import policies_to_export  # python-docx only when drafting

    row = get_assessment(db.session, assessment_id)
    library, data = load(assessment_id)
    merged = with_custom_content(library, data.custom)
    scope = data.scope
    keys = set(in_scope_criteria(merged, scope))
    excluded = {(e.framework, e.ref) for e in data.exclusions}
    controls = _controls(merged, data, keys)
    by_criterion: dict[str, list[str]] = {}
    for control in controls:
        for ref in control.criteria:
            by_criterion.setdefault(ref, []).append(control.ref)
    framework = merged.frameworks.get(scope.framework)
    criteria = [
        CriterionLine(c.ref, c.title, c.series, tuple(by_criterion.get(c.ref, ())))
        for key, c in merged.criteria.items()
        if key in keys and key not in excluded
    ]
    categories = {c.key: c.name for c in framework.categories} if framework else {}
    start, end = (
        (scope.period_start, scope.period_end)
        if scope.report_type == "type2"
        else (None, scope.as_of)
    )
    vendors = {
        v.id: v for v in vendor_repo.vendors(db.session, row.organization_id, include_retired=True)
    }
    chosen = [c for c in change_candidates(row) if c.chosen]
    return DescriptionInput(
        organisation=data.organization,
        assessment=data.name,
        report_type=scope.report_type,
        as_of=scope.as_of,
        period_start=scope.period_start,
        period_end=scope.period_end,
        system_name=data.settings.get("system", ""),
        categories=tuple(categories.get(k, k) for k in scope.categories),
        answers=answers(row.organization_id),
        components=[
            Component(
                s.name,
                KINDS.get(s.kind, s.kind),
                CLASSIFICATIONS.get(s.classification, s.classification),
                s.owner,
                s.kind in INFRASTRUCTURE,
            )
            for s in entries(db.session, row.organization_id)
            if s.in_scope and not s.retired
        ],
        policies=[merged.policies[ref].title for ref in policies_to_export(library, data)],
        incidents=[
            i
            for i in incidents(row.organization_id)
            if i.occurred_on and within(i.occurred_on, start, end)
        ],
        criteria=criteria,
        series_titles={s.ref: s.title for s in framework.series} if framework else {},
        controls=controls,
        cuecs=[text for _, text, _ in cuecs(row)],
        carved_out=[
            CarvedOut(
                e.ref,
                merged.criteria[(e.framework, e.ref)].title
                if (e.framework, e.ref) in merged.criteria
                else "",
                e.vendor,
                vendors[e.vendor_id].service if e.vendor_id in vendors else "",
                e.vendor_controls,
            )
            for e in data.exclusions
            if e.carved_out
        ],
        not_relevant=[
            NotRelevant(
                e.ref,
                merged.criteria[(e.framework, e.ref)].title
                if (e.framework, e.ref) in merged.criteria
                else "",
                e.reason,
            )
            for e in data.exclusions
            if not e.carved_out
        ],
        changes=[Change(c.on, c.summary, c.event_id) for c in chosen],
    )


def sections(assessment_id: int) -> list[Section]:
    """Return the drafted sections of the assessment's description."""
    return draft_description(description_input(assessment_id))


def description_file(assessment_id: int, *, generated_at: datetime | None = None) -> ExportFile:
    """Build the description's .docx."""
    from ..exporters.description_docx import build_description_docx  # python-docx only here

    data = description_input(assessment_id)
    content = build_description_docx(
        data, draft_description(data), generated_at=generated_at or datetime.now(UTC)
    )
    stem = file_stem(load(assessment_id)[1])
    return ExportFile(f"{stem}-system-description.docx", DOCX, content)


def write_description(assessment_id: int, out: Path | None, export_dir: Path) -> Path:
    """Write the description's .docx to `out`, or under `export_dir`; return the path."""
    built = description_file(assessment_id)
    path = out or export_dir / built.filename
    write_file(path, built.content)
    return path
