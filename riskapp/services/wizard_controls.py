"""The controls and treatment steps at scale: the filtered table, one control's editor,
bulk changes, and owners to choose from.

Everything a page lists is read in a fixed number of queries, however many
controls are selected (the table is built from the assessment's plain data,
not from one ORM row per control).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.assessment.commands import OWNER_MAX, TreatmentInput
from ..domain.assessment.control_table import (
    SORTS,
    BulkControlInput,
    TableFilter,
    bulk_problems,
    choices,
    control_rows,
    filter_rows,
)
from ..domain.assessment.model import NOT_APPLICABLE, STATUSES, AssessmentData, with_custom_content
from ..domain.errors import NotFound
from ..domain.library.model import FREQUENCIES, Library
from ..domain.statements.render import (
    is_user_edit,
    tailored_segments,
    template_changed,
)
from ..extensions import db
from ..models import Assessment
from ..repository import accounts as accounts_repo
from ..repository import library as library_repo
from ..repository import wizard as repo
from ..repository.assessments import applicable_ratings, to_assessment_data
from . import wizard as steps
from . import wizard_pages as pages


def _merged(data: AssessmentData) -> Library:
    return with_custom_content(library_repo.cached_library(db.session), data.custom)


def owner_choices(row: Assessment, roles: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Return owners to offer: the organisation's members (name, else email), then `roles`."""
    members = accounts_repo.members(db.session, row.organization_id)
    named = [m.user.name.strip() or m.user.email for m in members]
    return list(dict.fromkeys([*named, *sorted({r for r in roles if r}, key=str.casefold)]))


def controls_step(row: Assessment, chosen: TableFilter, edit: str = "") -> dict[str, Any]:
    """Return the whole controls step: suggestions, residuals, the table, an open editor."""
    data = to_assessment_data(db.session, row)
    page = pages.controls_page(row, data)
    page["table"] = table(row, chosen, data)
    page["editor"] = editor(row, edit, data) if edit else None
    return page


def table(
    row: Assessment, chosen: TableFilter, data: AssessmentData | None = None
) -> dict[str, Any]:
    """Return the selected controls' table as filtered and sorted, with what the filters offer."""
    data = data or to_assessment_data(db.session, row)
    library = _merged(data)
    rows = control_rows(library, data)
    return {
        "rows": filter_rows(rows, chosen),
        "total": len(rows),
        "filter": chosen,
        "offered": choices(rows),
        "sorts": SORTS,
        "statuses": STATUSES,
        "frequencies": FREQUENCIES,
        "owners": owner_choices(row, [r.owner for r in rows]),
    }


def editor(row: Assessment, ref: str, data: AssessmentData | None = None) -> dict[str, Any]:
    """Return one selected control's editor: its choice, title and statement as it reads now."""
    data = data or to_assessment_data(db.session, row)
    choice = data.control(ref)
    library = _merged(data)
    control = library.controls.get(ref)
    if choice is None or control is None:
        raise NotFound("selected control", ref)
    return {
        "ref": ref,
        "title": control.title,
        "choice": choice,
        "retirement": data.custom.retired.get(ref),
        "card": {
            "segments": tailored_segments(data, control, choice),
            "wording": choice.statement or control.statement,
            "edited": is_user_edit(control, choice),
            "template": control.statement,
            "changed": template_changed(control, choice),
            "based_on": choice.statement_base,
        },
        "statuses": STATUSES,
        "frequencies": FREQUENCIES,
        "row": next(r for r in control_rows(library, data) if r.ref == ref),
    }


def bulk_update(row: Assessment, entry: BulkControlInput) -> int:
    """Set status, owner and/or frequency of every ticked control; return how many changed.

    Nothing is saved when any field is wrong or any ref is not selected
    (raises `StepInvalid`).
    """
    if problems := bulk_problems(entry, OWNER_MAX):
        raise steps.StepInvalid(problems)
    found = repo.selected_by_refs(db.session, row.id, entry.refs)
    if missing := [ref for ref in entry.refs if ref not in found]:
        raise steps.StepInvalid({"refs": f"Not in the selection: {', '.join(missing)}."})
    changed = 0
    for selected in found.values():
        before = (selected.status, selected.owner, selected.frequency, selected.na_reason)
        if entry.status:
            selected.status = entry.status
            selected.na_reason = entry.na_reason.strip() if entry.status == NOT_APPLICABLE else ""
        if entry.owner.strip():
            selected.owner = entry.owner.strip()
        if entry.frequency:
            selected.frequency = entry.frequency
        if before != (selected.status, selected.owner, selected.frequency, selected.na_reason):
            changed += 1
    db.session.flush()
    if changed:
        steps.reach(row, "quality")
    return changed


def treatment_page(row: Assessment) -> dict[str, Any]:
    """Return the treatment step's rows with owners to choose from."""
    page = pages.treatment_page(row)
    return {**page, "owners": owner_choices(row, [r["rating"].owner for r in page["rows"]])}


def save_treatments(
    row: Assessment, entries: Mapping[int, TreatmentInput]
) -> tuple[int, dict[str, list[str]]]:
    """Save every treatment row; return how many rows changed and what is still missing."""
    ratings = applicable_ratings(db.session, row)
    before = {r.id: (r.treatment, r.owner, r.rationale) for r in ratings}
    problems = pages.save_treatments(row, entries)
    changed = sum(1 for r in ratings if before[r.id] != (r.treatment, r.owner, r.rationale))
    return changed, problems
