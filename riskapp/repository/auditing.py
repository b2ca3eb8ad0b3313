"""The audit trail's capture: every create, update and delete of an organisation's data.

Session events see each flush: `before_flush` notes updates (each changed
field before and after) and deletes (every field before) while the rows can
still be read; `after_flush` notes creates, now that they have ids, and
writes all the events in the same transaction as the change, so a change and
its audit rows are committed or rolled back together. Who acted is read from
`session.info[ACTOR]` (user id and label): the web layer sets it per
request, the CLI with `acting_as`. Library rows (no assessment) are shared, not an organisation's,
and are not audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    AuditRequest,
    CheckDecision,
    ConclusionOverride,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    CriterionExclusion,
    Evidence,
    Incident,
    Invitation,
    ItemResult,
    Membership,
    OrganisationDescription,
    Organization,
    PeriodSettings,
    Population,
    ReconciliationNote,
    Risk,
    Sample,
    SecondSource,
    SelectedControl,
    SignificantChange,
    System,
    User,
    UserEntityControl,
    Vendor,
    VendorCuec,
    VendorReport,
)
from ..models.base import utcnow

ACTOR = "audit_actor"
SYSTEM_ACTOR = "system"
_PENDING = "_audit_pending"
_NEW = "_audit_new"
_GONE_ORGS = "_audit_deleted_orgs"

# model → the object kind recorded (and offered in the audit page's filter)
OBJECT_KINDS: dict[type, str] = {
    Organization: "organization",
    Membership: "membership",
    Invitation: "invitation",
    Assessment: "assessment",
    AssessedRisk: "assessed_risk",
    SelectedControl: "selected_control",
    Risk: "custom_risk",
    Control: "custom_control",
    ControlCriterion: "custom_mapping",
    ControlRisk: "custom_mapping",
    ControlEvidence: "custom_mapping",
    ControlPolicy: "custom_mapping",
    System: "system",
    Vendor: "vendor",
    VendorReport: "vendor_report",
    VendorCuec: "vendor_cuec",
    CriterionExclusion: "criterion_exclusion",
    PeriodSettings: "period_settings",
    Population: "population",
    Sample: "sample",
    Evidence: "evidence",
    AuditRequest: "audit_request",
    OrganisationDescription: "organisation_description",
    Incident: "incident",
    UserEntityControl: "user_entity_control",
    SignificantChange: "significant_change",
    CheckDecision: "check_decision",
    SecondSource: "second_source",
    ReconciliationNote: "reconciliation_note",
    ItemResult: "item_result",
    ConclusionOverride: "conclusion_override",
}
# the library's tables, which also hold an assessment's custom rows
LIBRARY_SHAPED = (Risk, Control, ControlCriterion, ControlRisk, ControlEvidence, ControlPolicy)
UNRECORDED_FIELDS = frozenset({"id", "created_at", "updated_at", "token_hash"})


def set_actor(session: Session, user_id: int | None, label: str) -> None:
    """Attribute the changes flushed from now on to a user (None: the system) shown as `label`."""
    session.info[ACTOR] = (user_id, label)


def clear_actor(session: Session) -> None:
    session.info.pop(ACTOR, None)


@contextmanager
def acting_as(session: Session, user_id: int | None, label: str) -> Iterator[None]:
    """Attribute the changes flushed inside the block to a user (None: the system)."""
    before = session.info.get(ACTOR)
    set_actor(session, user_id, label)
    try:
        yield
    finally:
        if before is None:
            clear_actor(session)
        else:
            session.info[ACTOR] = before


def _audited(obj: object) -> bool:
    if type(obj) not in OBJECT_KINDS:
        return False
    if isinstance(obj, LIBRARY_SHAPED):
        return obj.assessment_id is not None
    return True


def _fields(obj: object) -> list[str]:
    mapper = sa.inspect(type(obj))
    return [a.key for a in mapper.column_attrs if a.key not in UNRECORDED_FIELDS]


def _plain(value: Any) -> Any:
    """Return `value` as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _diff(name: str, before: Any, after: Any) -> dict[str, dict[str, Any]]:
    """Return field → {before, after}; dicts (settings, profile) are compared key by key."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: dict[str, dict[str, Any]] = {}
        for key in sorted(set(before) | set(after), key=str):
            if before.get(key) != after.get(key):
                out.update(_diff(f"{name}.{key}", before.get(key), after.get(key)))
        return out
    if before == after:
        return {}
    return {name: {"before": _plain(before), "after": _plain(after)}}


def _stored(conn: sa.Connection, obj: object) -> dict[str, Any]:
    """Return the object's row as the database holds it before this flush."""
    mapper = sa.inspect(type(obj))
    table = mapper.local_table
    row = conn.execute(sa.select(table).where(table.c.id == sa.inspect(obj).identity[0])).mappings()
    found = row.first()
    if found is None:
        return {}
    return {a.key: found[a.columns[0].name] for a in mapper.column_attrs}


def _changed(conn: sa.Connection, obj: object) -> dict[str, dict[str, Any]]:
    """Return each changed field's before and after.

    The before value comes from the attribute's history; when the attribute
    was not loaded before it was set (an expired object), from the database.
    """
    state = sa.inspect(obj)
    stored: dict[str, Any] | None = None
    changes: dict[str, dict[str, Any]] = {}
    for name in _fields(obj):
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        if history.deleted:
            before = history.deleted[0]
        else:
            stored = _stored(conn, obj) if stored is None else stored
            before = stored.get(name)
        after = history.added[0] if history.added else None
        changes.update(_diff(name, before, after))
    return changes


def _snapshot(obj: object, *, deleted: bool) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in _fields(obj):
        value = _plain(getattr(obj, name))
        if value is None or value in ("", [], {}):
            continue
        changes[name] = {"before": value if deleted else None, "after": None if deleted else value}
    return changes


def _organization_and_assessment(
    conn: sa.Connection, obj: Any, known: dict[tuple[str, int], Any]
) -> tuple[int | None, int | None]:
    if isinstance(obj, Organization):
        return obj.id, None
    if isinstance(obj, Membership | Invitation | System | Incident | OrganisationDescription):
        return obj.organization_id, None
    if isinstance(obj, Assessment):
        return obj.organization_id, obj.id
    if isinstance(obj, Vendor):
        return obj.organization_id, None
    if isinstance(obj, VendorReport | VendorCuec):
        org = conn.scalar(sa.select(Vendor.organization_id).where(Vendor.id == obj.vendor_id))
        return org, None
    key = ("organization", obj.assessment_id)
    if key not in known:
        known[key] = conn.scalar(
            sa.select(Assessment.organization_id).where(Assessment.id == obj.assessment_id)
        )
    return known[key], obj.assessment_id


def _ref_and_title(ref: str | None, title: str | None) -> str:
    return " ".join(part for part in (ref, title) if part)


def _look_up_refs(conn: sa.Connection, objs: list[Any]) -> dict[tuple[str, int], Any]:
    """Return the "ref title" the summaries of `objs` name, read in one query per kind."""
    known: dict[tuple[str, int], Any] = {}
    for kind, model, attr in (("risk", Risk, "risk_id"), ("control", Control, "control_id")):
        owner = AssessedRisk if kind == "risk" else SelectedControl
        ids = {getattr(o, attr) for o in objs if isinstance(o, owner)}
        if ids:
            rows = conn.execute(
                sa.select(model.id, model.ref, model.title).where(model.id.in_(ids))
            )
            known.update(((kind, i), _ref_and_title(ref, title)) for i, ref, title in rows)
    return known


def _named(conn: sa.Connection, kind: str, model: Any, row_id: int, known: dict) -> str:
    """Return "ref title" of a risk or control, looked up once per flush."""
    if (kind, row_id) not in known:
        found = conn.execute(sa.select(model.ref, model.title).where(model.id == row_id)).first()
        known[(kind, row_id)] = _ref_and_title(*found) if found else ""
    return known[(kind, row_id)] or ""


def _summary(conn: sa.Connection, obj: Any, known: dict[tuple[str, int], Any]) -> str:
    if isinstance(obj, Organization | Assessment | System):
        return obj.name
    if isinstance(obj, Membership):
        email = conn.scalar(sa.select(User.email).where(User.id == obj.user_id))
        return f"{email or 'user ' + str(obj.user_id)} as {obj.role}"
    if isinstance(obj, Invitation):
        return f"{obj.email} as {obj.role}"
    if isinstance(obj, AssessedRisk):
        return _named(conn, "risk", Risk, obj.risk_id, known)
    if isinstance(obj, SelectedControl):
        return _named(conn, "control", Control, obj.control_id, known)
    if isinstance(obj, Risk | Control):
        return f"{obj.ref} {obj.title}"
    if isinstance(obj, Vendor):
        return obj.name
    if isinstance(obj, Incident):
        return f"{obj.occurred_on} {obj.nature}"
    if isinstance(obj, UserEntityControl):
        return obj.text
    if isinstance(obj, AuditRequest):
        return f"{obj.code} {obj.control_code}".strip()
    if isinstance(obj, VendorReport | VendorCuec):
        name = conn.scalar(sa.select(Vendor.name).where(Vendor.id == obj.vendor_id)) or ""
        return f"{name}: {obj.control_ref}" if isinstance(obj, VendorCuec) else name
    if isinstance(obj, CriterionExclusion):
        ref = conn.scalar(sa.select(Criterion.ref).where(Criterion.id == obj.criterion_id))
        return f"{ref or ''} {obj.kind.replace('_', ' ')}".strip()
    if isinstance(obj, CheckDecision):
        ref = conn.scalar(
            sa.select(Control.ref)
            .join(Population, Population.control_id == Control.id)
            .where(Population.id == obj.population_id)
        )
        return f"{ref or ''} {obj.item_id} {obj.check_name} {obj.decision}".strip()
    if isinstance(obj, SecondSource | ReconciliationNote):
        ref = conn.scalar(sa.select(Control.ref).where(Control.id == obj.control_id)) or ""
        what = "second source" if isinstance(obj, SecondSource) else f"{obj.key} explained"
        return f"{ref} {what}"
    if isinstance(obj, ItemResult):
        return f"{obj.item_id} ({obj.side}): {obj.outcome}"
    if isinstance(obj, ConclusionOverride):
        return f"{obj.conclusion} (rule: {obj.rule_conclusion})"
    if isinstance(obj, Population | Sample | Evidence):
        control = _named(conn, "control", Control, obj.control_id, known)
        if isinstance(obj, Population):
            return f"{control}: population of {obj.item_count} from {obj.source_system}".strip()
        if isinstance(obj, Sample):
            return f"{control}: sample of {obj.size} from {obj.population_size}"
        return f"{control}: {obj.filename or obj.kind}"
    return ""


def _event(
    session: Session,
    obj: Any,
    action: str,
    changes: dict[str, Any],
    known: dict[tuple[str, int], Any] | None = None,
) -> dict[str, Any] | None:
    """Return the audit row of one change; `known` memoises look-ups within one flush."""
    conn = session.connection()
    known = {} if known is None else known
    organization_id, assessment_id = _organization_and_assessment(conn, obj, known)
    if organization_id is None:
        return None
    user_id, label = session.info.get(ACTOR) or (None, SYSTEM_ACTOR)
    return {
        "organization_id": organization_id,
        "user_id": user_id,
        "actor": label[:320],
        "assessment_id": assessment_id,
        "action": action,
        "object_kind": OBJECT_KINDS[type(obj)],
        "object_id": obj.id,
        "summary": _summary(conn, obj, known)[:300],
        "changes": changes,
    }


@event.listens_for(db.session, "before_flush")
def _note_updates_and_deletes(session: Session, _context: Any, _instances: Any) -> None:
    pending: list[dict[str, Any]] = []
    known: dict[tuple[str, int], Any] = {}
    with session.no_autoflush:
        for obj in session.dirty:
            if _audited(obj) and session.is_modified(obj, include_collections=False):
                changes = _changed(session.connection(), obj)
                if changes:
                    found = _event(session, obj, "update", changes, known)
                    if found:
                        pending.append(found)
        for obj in session.deleted:
            if _audited(obj) and not isinstance(obj, Organization):
                found = _event(session, obj, "delete", _snapshot(obj, deleted=True), known)
                if found:
                    pending.append(found)
    session.info[_PENDING] = pending
    session.info[_NEW] = [obj for obj in session.new if _audited(obj)]
    session.info[_GONE_ORGS] = {o.id for o in session.deleted if isinstance(o, Organization)}


@event.listens_for(db.session, "after_flush")
def _write_events(session: Session, _context: Any) -> None:
    rows = list(session.info.pop(_PENDING, []))
    created = session.info.pop(_NEW, [])
    known = _look_up_refs(session.connection(), created) if len(created) > 1 else {}
    for obj in created:
        found = _event(session, obj, "create", _snapshot(obj, deleted=False), known)
        if found:
            rows.append(found)
    gone = session.info.pop(_GONE_ORGS, set())
    rows = [r for r in rows if r["organization_id"] not in gone]
    if rows:
        at = utcnow()
        session.connection().execute(
            sa.insert(cast(sa.Table, AuditEvent.__table__)), [{**row, "at": at} for row in rows]
        )
