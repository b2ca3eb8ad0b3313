"""The auditor's request list: generate it from the plan, import a firm's list, assign, export.

Reads are scoped by the caller (the web gets the assessment through the
organisation first); every change is a row change, so the audit trail records it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO

from ..domain.errors import InvalidInput
from ..domain.period.occurrences import PER_EVENT
from ..domain.testing.requests import (
    FIELDS,
    FirmTable,
    ImportPreview,
    PlanControl,
    apply_mapping,
    guess_mapping,
    next_codes,
    plan_requests,
    read_table,
)
from ..domain.textsafety import spreadsheet_text
from ..extensions import db
from ..models import Assessment, AuditRequest, Evidence, User
from ..models.period import REQUEST_STATUSES
from ..repository import period as period_repo
from ..repository import requests as repo
from . import period as period_service

EXPORT_COLUMNS = (
    "Request ID",
    "Control",
    "Control title",
    "What is requested",
    "Population or sample",
    "Due date",
    "Status",
    "Assigned to",
    "Evidence",
)
EvidenceLink = Callable[[Evidence], str]


@dataclass(frozen=True)
class RequestView:
    """A request as shown: its control, who has it, and the evidence on file for it."""

    row: AuditRequest
    control_ref: str
    control_title: str
    assignee: str
    evidence: tuple[Evidence, ...]
    evidence_summary: str


Windows = dict[tuple[int, str], tuple[date, date]]  # (control id, "#n") → occurrence window


def _evidence_for(row: AuditRequest, evidence: list[Evidence], windows: Windows) -> list[Evidence]:
    if row.control_id is None:
        return []
    mine = [e for e in evidence if e.control_id == row.control_id]
    if row.scope_kind == "occurrence":
        return [
            e
            for e in mine
            if not e.item_id
            and e.window_start == row.window_start
            and e.window_end == row.window_end
        ]
    if row.scope_kind == "sample":
        wanted = set(row.item_ids or [])
        sampled = {windows[(row.control_id, i)] for i in wanted if (row.control_id, i) in windows}
        return [
            e
            for e in mine
            if e.item_id in wanted or (not e.item_id and (e.window_start, e.window_end) in sampled)
        ]
    if row.scope_kind == "population":
        return []
    return mine  # an imported request: everything filed for its control


def _windows(assessment: Assessment, rows: list[AuditRequest]) -> Windows:
    """Return the windows of the sampled occurrences (#n) the requests name."""
    wanted = {
        r.control_id
        for r in rows
        if r.control_id and r.scope_kind == "sample" and any(i.startswith("#") for i in r.item_ids)
    }
    if not wanted:
        return {}
    ids = repo.selected_control_ids(db.session, assessment.id)
    found: Windows = {}
    for s in period_service.selected(assessment):
        control_id = ids.get(s.ref)
        if control_id in wanted:
            for o in period_service.control_occurrences(assessment, s.frequency):
                found[(control_id, f"#{o.number}")] = (o.window_start, o.window_end)
    return found


def _summary(row: AuditRequest, found: list[Evidence]) -> str:
    if row.control_id is None:
        return "no control of ours"
    if row.scope_kind == "population":
        return "see the population on file"
    if row.scope_kind == "sample" and row.item_ids:
        proven = {e.item_id for e in found if e.item_id} | {
            (e.window_start, e.window_end) for e in found if not e.item_id
        }
        return f"{min(len(proven), len(row.item_ids))} of {len(row.item_ids)} items evidenced"
    return f"{len(found)} on file" if found else "nothing on file yet"


def listing(assessment: Assessment) -> list[RequestView]:
    """Return the assessment's requests with their control, assignee and evidence."""
    rows = repo.requests_of(db.session, assessment.id)
    evidence = period_repo.evidence_of(db.session, assessment.id)
    users = repo.users_by_id(db.session, {r.assignee_id for r in rows if r.assignee_id})
    windows = _windows(assessment, rows)
    return [_view(r, evidence, users, windows) for r in rows]


def view(assessment: Assessment, row: AuditRequest) -> RequestView:
    """Return one request as shown."""
    evidence = period_repo.evidence_of(db.session, assessment.id)
    users = repo.users_by_id(db.session, {row.assignee_id} if row.assignee_id else set())
    return _view(row, evidence, users, _windows(assessment, [row]))


def _view(
    row: AuditRequest, evidence: list[Evidence], users: dict[int, User], windows: Windows
) -> RequestView:
    found = _evidence_for(row, evidence, windows)
    assignee = users[row.assignee_id].label if row.assignee_id in users else ""
    return RequestView(
        row=row,
        control_ref=row.control.ref if row.control else "",
        control_title=row.control.title if row.control else "",
        assignee=assignee or row.firm_assignee,
        evidence=tuple(found),
        evidence_summary=_summary(row, found),
    )


def get(organization_id: int, assessment_id: int, request_id: int) -> AuditRequest:
    """Return the organisation's request, or raise NotFound."""
    return repo.get_request(db.session, organization_id, assessment_id, request_id)


def plan_controls(assessment: Assessment) -> list[PlanControl]:
    """Return what the plan knows of each selected applicable control."""
    ids = repo.selected_control_ids(db.session, assessment.id)
    samples = period_repo.current_samples(db.session, assessment.id)
    populations = {p.control_id: p for p in period_repo.populations_of(db.session, assessment.id)}
    found = []
    for s in period_service.selected(assessment):
        control_id = ids.get(s.ref)
        sample = samples.get(control_id) if control_id else None
        population = populations.get(control_id) if control_id else None
        occurrences = period_service.control_occurrences(assessment, s.frequency)
        found.append(
            PlanControl(
                ref=s.ref,
                title=s.control.title,
                frequency=s.frequency,
                occurrences=tuple(o for o in occurrences if s.frequency != PER_EVENT),
                population_items=population.item_count if population else None,
                source_system=population.source_system if population else "",
                sample_items=tuple(i["id"] for i in sample.items) if sample else None,
                sample_source=sample.source if sample else "",
            )
        )
    return found


def generate(assessment: Assessment) -> list[AuditRequest]:
    """Add the requests the plan gives rise to that the list does not hold yet; return them.

    A generated request whose sample was drawn again is brought up to date
    (its items and wording); status, assignee and due date stay as set.
    """
    _, end = period_service.period_of(assessment)
    planned = plan_requests(plan_controls(assessment), end)
    ids = repo.selected_control_ids(db.session, assessment.id)
    existing = repo.requests_of(db.session, assessment.id)
    by_key = {r.plan_key: r for r in existing if r.plan_key}
    new = [p for p in planned if p.plan_key not in by_key]
    codes = next_codes([r.code for r in existing], len(new))
    for p in planned:
        old = by_key.get(p.plan_key)
        if old is not None and list(p.item_ids) != list(old.item_ids or []):
            old.item_ids = list(p.item_ids)
            old.scope_label = p.scope_label
            old.requested = p.requested
    added = []
    for code, p in zip(codes, new, strict=True):
        row = AuditRequest(
            assessment_id=assessment.id,
            code=code,
            source="plan",
            plan_key=p.plan_key,
            control_id=ids.get(p.control),
            control_code=p.control,
            requested=p.requested,
            scope_kind=p.scope_kind,
            scope_label=p.scope_label,
            occurrence_kind=p.occurrence_kind,
            window_start=p.window_start,
            window_end=p.window_end,
            item_ids=list(p.item_ids),
            due_on=p.due_on,
            status="open",
        )
        db.session.add(row)
        added.append(row)
    db.session.flush()
    return added


def members(assessment: Assessment) -> list[User]:
    """Return the members a request can be assigned to."""
    return repo.member_users(db.session, assessment.organization_id)


def update(
    assessment: Assessment,
    row: AuditRequest,
    *,
    assignee_id: int | None,
    due_on: date | None,
    status: str,
) -> None:
    """Assign a request to a member (or nobody), set its due date and status."""
    problems: dict[str, str] = {}
    if status not in REQUEST_STATUSES:
        problems["status"] = f"Choose one of {', '.join(REQUEST_STATUSES)}."
    if assignee_id is not None and assignee_id not in {u.id for u in members(assessment)}:
        problems["assignee"] = "Choose a member of this organisation."
    if problems:
        raise InvalidInput(problems)
    row.assignee_id = assignee_id
    row.due_on = due_on
    row.status = status
    db.session.flush()


# --- importing a firm's list ----------------------------------------------------------------


def read_firm_list(stream: IO[bytes], filename: str) -> FirmTable:
    """Read a firm's .csv or .xlsx list, or raise RequestListInvalid."""
    return read_table(stream, filename)


def preview_import(
    assessment: Assessment, table: FirmTable, mapping: dict[str, str] | None = None
) -> ImportPreview:
    """Return the firm's rows under `mapping` (guessed from the headers when None), checked."""
    chosen = guess_mapping(table.headers) if mapping is None else mapping
    refs = repo.selected_control_ids(db.session, assessment.id)
    return apply_mapping(table, chosen, refs)


def import_list(assessment: Assessment, preview: ImportPreview) -> tuple[int, int]:
    """Add the firm's requests (or update those with the same request id); return the counts.

    Refuses the whole list when any row has a problem (nothing is changed).
    """
    if preview.problems:
        raise InvalidInput({"file": "; ".join(preview.problems)})
    ids = repo.selected_control_ids(db.session, assessment.id)
    existing = {r.code: r for r in repo.requests_of(db.session, assessment.id)}
    people = members(assessment)
    by_name = {u.email.lower(): u.id for u in people} | {
        u.name.lower(): u.id for u in people if u.name
    }
    added = updated = 0
    for firm in preview.requests:
        row = existing.get(firm.code)
        if row is None:
            row = AuditRequest(assessment_id=assessment.id, code=firm.code, source="imported")
            db.session.add(row)
            added += 1
        else:
            updated += 1
        row.control_id = ids.get(firm.control) if firm.control else None
        row.control_code = firm.control_code
        if "requested" in preview.mapping:
            row.requested = firm.requested
        if "due_on" in preview.mapping:
            row.due_on = firm.due_on
        if "assignee" in preview.mapping:
            row.firm_assignee = firm.assignee
            row.assignee_id = by_name.get(firm.assignee.lower()) if firm.assignee else None
        if row.source == "imported":
            row.scope_kind, row.scope_label = "", "As the audit firm requested"
    db.session.flush()
    return added, updated


def field_labels() -> dict[str, str]:
    return dict(FIELDS)


# --- exporting ------------------------------------------------------------------------------


def export_rows(assessment: Assessment, link: EvidenceLink | None = None) -> list[list[object]]:
    """Return the request list as rows under EXPORT_COLUMNS (user text as typed)."""
    show = link or (lambda e: e.url if e.kind == "link" else e.filename)
    return [
        [
            v.row.code,
            v.control_ref or v.row.control_code,
            v.control_title,
            v.row.requested,
            v.row.scope_label,
            v.row.due_on,
            v.row.status,
            v.assignee,
            "\n".join(show(e) for e in v.evidence),
        ]
        for v in listing(assessment)
    ]


def csv_bytes(rows: list[list[object]]) -> bytes:
    """Return the request list as UTF-8 CSV (with a byte-order mark), every text field inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, date) else spreadsheet_text(v) for v in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
