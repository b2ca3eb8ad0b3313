"""Recording results per tested item, and conclusions over the rule's, for an assessment's period.

Editors and owners record the internal (readiness) side, auditors the
auditor's side; the web checks the role, these functions take the side. Every
change goes to the audit trail through the session's audit events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..domain.errors import InvalidInput
from ..domain.period.occurrences import PER_EVENT
from ..domain.period.population_file import clean_text
from ..domain.testing.conclusion import CHOOSABLE, check_override
from ..domain.testing.results import (
    DEVIATION,
    SIDES,
    ResultInput,
    check_result,
)
from ..extensions import db
from ..models import Assessment, ConclusionOverride, ItemResult
from ..repository import period as period_repo
from ..repository import results as repo
from . import period as period_service
from . import reconciliation_gate
from .readiness import rule_conclusion


@dataclass(frozen=True)
class Target:
    """The item a result is for: its id as tested, its date, and what kind of item it is."""

    item_id: str
    item_date: date | None
    kind: str  # sampled | occurrence | census


def _clean(entry: ResultInput) -> ResultInput:
    return ResultInput(
        outcome=entry.outcome,
        what=clean_text(entry.what).strip(),
        found_on=entry.found_on,
        nature=entry.nature,
        cause=clean_text(entry.cause).strip(),
        recurring=entry.recurring,
        design=entry.design,
        involves=clean_text(entry.involves).strip(),
        response=clean_text(entry.response).strip(),
        responded_on=entry.responded_on,
    )


def resolve_item(assessment: Assessment, ref: str, item_id: str) -> Target:
    """Return the item `item_id` of control `ref` that may get a result, or raise InvalidInput.

    It must be in the control's current sample, be one of its occurrences
    ("#n"), or (per-event controls) be an item of its population; a population
    blocked by an unresolved reconciliation refuses every result.
    """
    chosen = period_service.selected_one(assessment, ref)
    control = period_repo.selected_control(db.session, assessment.id, ref)
    item_id = clean_text(item_id).strip()
    if not item_id:
        raise InvalidInput({"item": "Give the sampled item, occurrence (#n) or census item."})
    population = None
    if chosen.frequency == PER_EVENT:
        population = period_repo.population_of(db.session, assessment.id, control.id)
        if population is None:
            raise InvalidInput({"item": f"{ref} has no population yet: import one first."})
        blocked = reconciliation_gate.blocking_reason(population.id)
        if blocked:
            raise InvalidInput(
                {
                    "item": f"{ref}'s population cannot be tested until its reconciliation is "
                    f"resolved: {blocked}"
                }
            )
    sample = period_repo.current_samples(db.session, assessment.id).get(control.id)
    picked = {i["id"]: i for i in (sample.items if sample else [])}
    if item_id in picked:
        return Target(item_id, date.fromisoformat(picked[item_id]["date"]), "sampled")
    if population is not None:
        day = repo.population_item(db.session, population.id, item_id)
        if day is not None:
            return Target(item_id, day, "census")
        raise InvalidInput({"item": f"{item_id} is not an item of {ref}'s population."})
    number = item_id.lstrip("#")
    occurrence = next(
        (
            o
            for o in period_service.control_occurrences(assessment, chosen.frequency)
            if number.isdigit() and o.number == int(number)
        ),
        None,
    )
    if occurrence is None:
        raise InvalidInput({"item": f"{ref} has no occurrence or sampled item {item_id}."})
    return Target(f"#{occurrence.number}", occurrence.due, "occurrence")


def record(
    assessment: Assessment, ref: str, item_id: str, side: str, entry: ResultInput
) -> ItemResult:
    """Record (or change) one side's result for one item; raise InvalidInput on bad input."""
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}")
    period_service.period_of(assessment)
    target = resolve_item(assessment, ref, item_id)
    control = period_repo.selected_control(db.session, assessment.id, ref)
    clean = _clean(entry)
    row = repo.result_for(db.session, assessment.id, control.id, side, target.item_id)
    problems = check_result(clean, previous_outcome=row.outcome if row else None)
    if problems:
        raise InvalidInput(problems)
    if row is None:
        row = ItemResult(
            assessment_id=assessment.id, control_id=control.id, side=side, item_id=target.item_id
        )
        db.session.add(row)
    deviation = clean.outcome == DEVIATION
    row.item_date = target.item_date
    row.outcome = clean.outcome
    row.what = clean.what
    row.found_on = clean.found_on if deviation else None
    row.nature = clean.nature if deviation else "other"
    row.cause = clean.cause if deviation else ""
    row.recurring = clean.recurring and deviation
    row.design = clean.design and deviation
    row.involves = clean.involves if deviation else ""
    row.response = clean.response if deviation else ""
    row.responded_on = clean.responded_on if deviation else None
    row.recorded_by = period_repo.actor_label(db.session)
    row.recorded_at = datetime.now(UTC)
    db.session.flush()
    return row


def set_conclusion(assessment: Assessment, ref: str, conclusion: str, reason: str) -> str:
    """Record a conclusion over the rule's for a control ("" goes back to the rule's).

    Concluding softer than the rule needs a reason. Returns the rule's conclusion.
    """
    control = period_repo.selected_control(db.session, assessment.id, ref)
    rule = rule_conclusion(assessment, ref)
    reason = clean_text(reason).strip()
    existing = repo.overrides_of(db.session, assessment.id).get(control.id)
    if not conclusion:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return rule.conclusion
    if len(reason) > 4000:
        raise InvalidInput({"reason": f"Use at most 4000 characters (this has {len(reason)})."})
    problems = check_override(conclusion, reason, rule.conclusion)
    if problems:
        raise InvalidInput(problems)
    row = existing or ConclusionOverride(assessment_id=assessment.id, control_id=control.id)
    if existing is None:
        db.session.add(row)
    row.conclusion = conclusion
    row.rule_conclusion = rule.conclusion
    row.reason = reason
    row.recorded_by = period_repo.actor_label(db.session)
    row.recorded_at = datetime.now(UTC)
    db.session.flush()
    return rule.conclusion


CONCLUSION_CHOICES = CHOOSABLE
