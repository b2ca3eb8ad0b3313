"""Computed checks over the assessment's populations, and decisions on candidate deviations.

Every population whose control declares checks is checked whole (a census)
each time it is asked for; the items that fail are candidate deviations. A
person confirms or dismisses each with a reason. A decision holds while the
item fails the same way: if a re-import changes the failure, the candidate is
open again (the old decision stays in the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InvalidInput, NotFound
from ..domain.period.population_file import clean_text
from ..domain.testing.checks import CheckRun, CheckSpec, Failure, run_checks, spec_from_data
from ..domain.testing.results import DeviationFacts, nature_problem
from ..extensions import db
from ..models import Assessment, CheckDecision, Control, Population
from ..models.base import utcnow
from ..models.checks import DECISIONS
from ..models.limits import length_problem
from ..repository import checks as repo
from ..repository import period as period_repo
from . import period as period_service
from . import reconciliation_gate

MAX_REASON = 2000


@dataclass(frozen=True)
class Candidate:
    """One item failing one check, and the decision that holds for it (if any)."""

    failure: Failure
    decision: CheckDecision | None

    @property
    def status(self) -> str:
        return self.decision.decision if self.decision else "open"


@dataclass
class PopulationChecks:
    """A population, its control's checks, what they found and whether its test is blocked."""

    population: Population
    control: Control
    specs: tuple[CheckSpec, ...]
    run: CheckRun
    candidates: list[Candidate] = field(default_factory=list)
    blocked: str | None = None

    def counts(self) -> dict[str, int]:
        out = {"open": 0, "confirmed": 0, "dismissed": 0}
        for c in self.candidates:
            out[c.status] += 1
        return out


def specs_of(control: Control) -> tuple[CheckSpec, ...]:
    """Return the checks the control's library entry declares."""
    return tuple(spec_from_data(d) for d in control.checks or ())


def _decisions(assessment_id: int) -> dict[tuple[int, str, str], CheckDecision]:
    return {
        (d.population_id, d.item_id, d.check_name): d
        for d in repo.decisions_of(db.session, assessment_id)
    }


def _checked(
    population: Population, decisions: dict[tuple[int, str, str], CheckDecision]
) -> PopulationChecks:
    specs = specs_of(population.control)
    items = period_repo.population_items(db.session, population.id)
    run = run_checks(specs, items, population.columns or ())
    found = PopulationChecks(population, population.control, specs, run)
    for failure in sorted(run.failures, key=lambda f: (f.item_date, f.item_id, f.check)):
        held = decisions.get((population.id, failure.item_id, failure.check))
        if held is not None and held.failure != failure.message:
            held = None  # decided on a different failure: open again
        found.candidates.append(Candidate(failure, held))
    found.blocked = reconciliation_gate.blocking_reason(population.id)
    return found


def checks_for(assessment: Assessment) -> list[PopulationChecks]:
    """Run the declared checks over each of the assessment's populations that has some."""
    decisions = _decisions(assessment.id)
    return [
        _checked(p, decisions)
        for p in period_repo.populations_of(db.session, assessment.id)
        if p.control.checks or p.control.reconcile
    ]


def population_checks(assessment: Assessment, population_id: int) -> PopulationChecks:
    """Run the checks of one of the assessment's populations (another's: NotFound)."""
    population = repo.population(db.session, assessment.id, population_id)
    if population is None:
        raise NotFound("population", population_id)
    return _checked(population, _decisions(assessment.id))


def _clean_facts(facts: DeviationFacts) -> DeviationFacts:
    return DeviationFacts(
        nature=facts.nature,
        cause=clean_text(facts.cause or "").strip(),
        involves=clean_text(facts.involves or "").strip(),
        recurring=bool(facts.recurring),
        design=bool(facts.design),
    )


def facts_problems(facts: DeviationFacts) -> dict[str, str]:
    """Return field → problem for a confirmed deviation's facts (empty: they can be stored)."""
    problems: dict[str, str] = {}
    if message := nature_problem(facts.nature):
        problems["nature"] = message
    for name, label in (("cause", "cause"), ("involves", "person or system involved")):
        if message := length_problem(label, getattr(facts, name), getattr(CheckDecision, name)):
            problems[name] = message
    return problems


def decide(
    assessment: Assessment,
    population_id: int,
    item_id: str,
    check_name: str,
    decision: str,
    reason: str,
    facts: DeviationFacts | None = None,
) -> CheckDecision:
    """Confirm or dismiss a candidate deviation, with a reason; flush only.

    A confirmation stores the deviation's facts (nature, cause, who, recurring,
    design); a dismissal stores none. Deciding again changes the decision.
    """
    reason = clean_text(reason or "").strip()
    facts = _clean_facts(facts or DeviationFacts())
    if decision not in DECISIONS:
        raise InvalidInput({"decision": "Choose confirm or dismiss."})
    problems: dict[str, str] = {}
    if not reason:
        word = "confirming" if decision == "confirmed" else "dismissing"
        problems["reason"] = f"Give the reason for {word} this deviation."
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"Use at most {MAX_REASON} characters (this has {len(reason)})."
    if decision == "confirmed":
        problems.update(facts_problems(facts))
    else:
        facts = DeviationFacts()
    if problems:
        raise InvalidInput(problems)
    checked = population_checks(assessment, population_id)
    failure = next(
        (
            c.failure
            for c in checked.candidates
            if c.failure.item_id == item_id and c.failure.check == check_name
        ),
        None,
    )
    if failure is None:
        raise InvalidInput(
            {"reason": f"Item {item_id!r} does not fail {check_name!r} now; reload the page."}
        )
    row = repo.decision(db.session, population_id, item_id, check_name)
    if row is None:
        row = CheckDecision(
            assessment_id=assessment.id,
            population_id=population_id,
            item_id=item_id,
            check_name=check_name,
        )
        db.session.add(row)
    row.item_date = failure.item_date
    row.failure = failure.message
    row.decision = decision
    row.reason = reason
    row.nature = facts.nature
    row.cause = facts.cause
    row.involves = facts.involves
    row.recurring = facts.recurring
    row.design = facts.design
    row.decided_by = period_repo.actor_label(db.session)
    row.decided_at = utcnow()
    db.session.flush()
    return row


def _facts_of(row: CheckDecision) -> dict[str, Any]:
    return {
        "nature": row.nature,
        "cause": row.cause,
        "involves": row.involves,
        "recurring": row.recurring,
        "design": row.design,
    }


def confirmed_findings(assessment_id: int) -> list[dict[str, Any]]:
    """Return the confirmed candidate deviations that still hold, as plain data.

    Each: control_ref, population_id, item_id, item_date (a date), check (also
    as check_name), what_failed, confirmed_by, confirmed_at (a datetime),
    reason, and the deviation's facts: nature, cause, involves, recurring,
    design. This is the source the deviation register takes census deviations
    from.
    """
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        return []
    out: list[dict[str, Any]] = []
    for checked in checks_for(assessment):
        for c in checked.candidates:
            if c.decision is None or c.decision.decision != "confirmed":
                continue
            out.append(
                {
                    "control_ref": checked.control.ref,
                    "population_id": checked.population.id,
                    "item_id": c.failure.item_id,
                    "item_date": c.failure.item_date,
                    "check": c.failure.check,
                    "check_name": c.failure.check,
                    "what_failed": c.failure.message,
                    "confirmed_by": c.decision.decided_by,
                    "confirmed_at": c.decision.decided_at,
                    "reason": c.decision.reason,
                    **_facts_of(c.decision),
                }
            )
    return out


def awaiting(assessment: Assessment) -> list[tuple[str, str]]:
    """Return (ref, title) of selected controls that declare checks but have no population."""
    checked = repo.refs_with_checks(db.session)
    have = {p.control.ref for p in period_repo.populations_of(db.session, assessment.id)}
    return [
        (s.ref, s.control.title)
        for s in period_service.selected(assessment)
        if s.ref in checked and s.ref not in have
    ]


def as_report(checked: PopulationChecks) -> dict[str, Any]:
    """Return a population's check results as plain data (the command line prints it)."""
    counts = checked.counts()
    return {
        "control": checked.control.ref,
        "title": checked.control.title,
        "population_id": checked.population.id,
        "items": checked.run.items,
        "checks": [{**s.as_data(), "requires": s.describe()} for s in checked.specs],
        "summary": (
            f"{checked.run.failing_items()} failing, {len(checked.candidates)} candidate "
            f"deviation{'s' * (len(checked.candidates) != 1)} "
            f"({counts['open']} open, {counts['confirmed']} confirmed, "
            f"{counts['dismissed']} dismissed)"
        ),
        "cannot_run": [list(pair) for pair in checked.run.cannot_run],
        "blocked": checked.blocked,
        "failures": [
            {
                "item_id": c.failure.item_id,
                "item_date": c.failure.item_date.isoformat(),
                "check": c.failure.check,
                "failed": c.failure.message,
                "status": c.status,
                "reason": c.decision.reason if c.decision else "",
                **(
                    _facts_of(c.decision)
                    if c.status == "confirmed" and c.decision
                    else dict.fromkeys(("nature", "cause", "involves", "recurring", "design"))
                ),
            }
            for c in checked.candidates
        ],
    }
