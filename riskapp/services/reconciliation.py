"""Reconciliation of a population with its declared second source, and its explanations.

The second source is imported like a population (the same file format and
checks, `domain/period/population_file.py`, and the same source record); it
must hold the declared key column. Reconciling lists what is in one source
and not the other; each such item is explained with a recorded reason, or the
population (or second source) is re-imported corrected. Until then the test of
the population is blocked (`reconciliation_gate.blocking_reason`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from ..domain.errors import InvalidInput, NotFound
from ..domain.period.fingerprint import fingerprint
from ..domain.period.population_file import clean_text, parse_population
from ..domain.testing.reconcile import (
    PRIMARY,
    SECOND,
    SIDES,
    Mismatch,
    Reconciliation,
    missing_key_column,
    reconcile,
)
from ..extensions import db
from ..models import Assessment, Control, Population, ReconciliationNote, SecondSource
from ..models.base import utcnow
from ..repository import checks as repo
from ..repository import period as period_repo
from . import period as period_service
from .populations import Source, clean_source

MAX_REASON = 2000


@dataclass(frozen=True)
class Status:
    """A control's reconciliation: what is declared, imported, found and explained."""

    control: Control
    declared: dict[str, str]
    population: Population | None
    second: SecondSource | None
    result: Reconciliation | None
    notes: dict[tuple[str, str], ReconciliationNote]
    problem: str = ""  # a file lacks the key column

    @property
    def unexplained(self) -> tuple[Mismatch, ...]:
        return self.result.unexplained(self.notes) if self.result else ()

    def side_name(self, side: str) -> str:
        if side == SECOND:
            return self.declared.get("second_source") or SECOND
        return f"the {self.control.ref} population"


def _control(assessment: Assessment, ref: str) -> Control:
    control = period_repo.selected_control(db.session, assessment.id, ref)
    if not control.reconcile:
        raise InvalidInput({"control": f"{ref} declares no second source to reconcile with."})
    return control


def status_of(assessment_id: int, control: Control) -> Status:
    """Return the control's reconciliation in the assessment (nothing is written)."""
    declared = dict(control.reconcile or {})
    population = period_repo.population_of(db.session, assessment_id, control.id)
    second = repo.second_source(db.session, assessment_id, control.id)
    notes = {(n.side, n.key): n for n in repo.notes_of(db.session, assessment_id, control.id)}
    if population is None or second is None:
        return Status(control, declared, population, second, None, notes)
    problem = ""
    if missing_key_column(population.columns or (), declared["key"]):
        problem = f"The population has no column {declared['key']}, the key to match on."
    if missing_key_column(second.columns or (), declared["second_key"]):
        problem = f"The second source has no column {declared['second_key']}, the key to match on."
    result = reconcile(
        period_repo.population_items(db.session, population.id),
        declared["key"],
        repo.second_items(db.session, second.id),
        declared["second_key"],
    )
    return Status(control, declared, population, second, result, notes, problem)


def statuses(assessment: Assessment) -> list[Status]:
    """Return the reconciliation of each selected control that declares a second source."""
    out = []
    for selected in period_service.selected(assessment):
        control = period_repo.selected_control(db.session, assessment.id, selected.ref)
        if control.reconcile:
            out.append(status_of(assessment.id, control))
    return out


def import_second(
    assessment: Assessment, ref: str, stream: IO[bytes], filename: str, source: Source
) -> SecondSource:
    """Make a file the control's second source (parsed and checked whole first); flush only."""
    clean = clean_source(source)
    control = _control(assessment, ref)
    start, end = period_service.period_of(assessment)
    parsed = parse_population(stream, filename, start, end)
    key = control.reconcile["second_key"] if control.reconcile else "id"
    if missing_key_column(parsed.columns, key):
        raise InvalidInput(
            {"file": f"The file has no column {key}, the key {ref} is reconciled on."}
        )
    row = repo.second_source(db.session, assessment.id, control.id)
    if row is None:
        row = SecondSource(assessment_id=assessment.id, control_id=control.id)
        db.session.add(row)
    row.source_system = clean.source_system
    row.query = clean.query
    row.pulled_by = clean.pulled_by
    row.pulled_at = clean.pulled_at
    row.filename = filename[:255]
    row.fingerprint = fingerprint(parsed.items)
    row.item_count = len(parsed.items)
    row.columns = list(parsed.columns)
    db.session.flush()
    repo.replace_second_items(db.session, row, parsed.items)
    db.session.flush()
    return row


def explain(
    assessment: Assessment, ref: str, side: str, key: str, reason: str
) -> ReconciliationNote:
    """Record why an item found in one source only is not a gap; flush only."""
    reason = clean_text(reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Say why this item is in one source only."})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            {"reason": f"Use at most {MAX_REASON} characters (this has {len(reason)})."}
        )
    if side not in SIDES:
        raise InvalidInput({"side": f"Choose {PRIMARY} or {SECOND}."})
    control = _control(assessment, ref)
    found = status_of(assessment.id, control)
    mismatch = next(
        (
            m
            for m in (found.result.mismatches if found.result else ())
            if (m.side, m.key) == (side, key)
        ),
        None,
    )
    if mismatch is None:
        raise NotFound("mismatch", key)
    row = repo.note(db.session, assessment.id, control.id, side, key)
    if row is None:
        row = ReconciliationNote(
            assessment_id=assessment.id, control_id=control.id, side=side, key=key
        )
        db.session.add(row)
    row.item_id = mismatch.item_id
    row.reason = reason
    row.explained_by = period_repo.actor_label(db.session)
    row.explained_at = utcnow()
    db.session.flush()
    return row
