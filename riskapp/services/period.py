"""The Type 2 period's use cases: its controls, sample-size table, calendar and samples.

The web views and the `riskapp period` commands call these with an assessment
the caller may see (the web scopes it to the organisation first).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..config import SEED_LIBRARY
from ..domain.assessment.model import with_custom_content
from ..domain.assessment.selection import Selected, selected_controls
from ..domain.errors import InvalidInput, NotFound, RuleViolation
from ..domain.period.calendar import Calendar, ControlSchedule, WindowKey, build_calendar
from ..domain.period.draw import Rederivation, assessment_identity, draw, rederive
from ..domain.period.fingerprint import Item
from ..domain.period.occurrences import DAILY_MODES, PER_EVENT, Occurrence, occurrences
from ..domain.period.sizes import (
    SampleSize,
    SampleSizeTable,
    read_table,
    sample_size,
    table_from_data,
    table_to_data,
)
from ..extensions import db
from ..models import Assessment, Control, Sample
from ..repository import period as repo
from ..repository.assessments import to_assessment_data
from ..repository.auditing import acting_as
from ..repository.library import cached_library

SHIPPED_TABLE = SEED_LIBRARY / "sampling" / "default.yaml"


def shipped_table() -> SampleSizeTable:
    """Return the sample-size table shipped in seed_library/sampling/."""
    return read_table(Path(SHIPPED_TABLE))


def period_of(assessment: Assessment) -> tuple[date, date]:
    """Return the assessment's Type 2 period, or raise RuleViolation when it has none."""
    if (
        assessment.report_type != "type2"
        or not assessment.period_start
        or not assessment.period_end
    ):
        raise RuleViolation(
            f"{assessment.name} has no Type 2 period: set one in the scope step first."
        )
    return assessment.period_start, assessment.period_end


def table_for(assessment: Assessment) -> SampleSizeTable:
    """Return the sample-size table the assessment uses (its own, or the shipped one)."""
    settings = repo.settings_of(db.session, assessment.id)
    if settings.sample_table:
        return table_from_data(settings.sample_table)
    return shipped_table()


def uses_shipped_table(assessment: Assessment) -> bool:
    """Say whether the assessment uses the shipped sample-size table."""
    return not repo.settings_of(db.session, assessment.id).sample_table


def set_table(assessment: Assessment, data: object | None) -> SampleSizeTable:
    """Make the assessment use `data` as its sample-size table (None: the shipped one)."""
    settings = repo.settings_of(db.session, assessment.id, for_update=True)
    if data is None:
        settings.sample_table = None
        db.session.flush()
        return shipped_table()
    table = table_from_data(data, name="Audit firm's table")
    settings.sample_table = table_to_data(table)
    db.session.flush()
    return table


def set_daily_mode(assessment: Assessment, mode: str) -> None:
    """Count daily controls on business days or every day."""
    if mode not in DAILY_MODES:
        raise InvalidInput({"daily_mode": f"Choose one of {', '.join(DAILY_MODES)}."})
    repo.settings_of(db.session, assessment.id, for_update=True).daily_mode = mode
    db.session.flush()


def set_control_options(assessment: Assessment, ref: str, *, census: bool, deviation: bool) -> None:
    """Record whether a control is tested whole (census) and had a prior-period deviation."""
    repo.selected_control(db.session, assessment.id, ref)
    settings = repo.settings_of(db.session, assessment.id, for_update=True)
    settings.census_controls = _toggle(settings.census_controls, ref, census)
    settings.deviation_controls = _toggle(settings.deviation_controls, ref, deviation)
    db.session.flush()


def _toggle(refs: list[str] | None, ref: str, on: bool) -> list[str]:
    kept = [r for r in refs or [] if r != ref]
    return sorted([*kept, ref]) if on else kept


def selected(assessment: Assessment) -> list[Selected]:
    """Return the assessment's selected, applicable controls (custom ones included)."""
    library = cached_library(db.session)
    data = to_assessment_data(db.session, assessment)
    merged = with_custom_content(library, data.custom)
    return list(selected_controls(merged, data, applicable_only=True))


def selected_one(assessment: Assessment, ref: str) -> Selected:
    found = next((s for s in selected(assessment) if s.ref == ref), None)
    if found is None:
        raise NotFound("selected control", ref)
    return found


def daily_mode(assessment: Assessment) -> str:
    return repo.settings_of(db.session, assessment.id).daily_mode


def control_occurrences(assessment: Assessment, frequency: str) -> list[Occurrence]:
    """Return the occurrences a control of `frequency` owes over the assessment's period."""
    start, end = period_of(assessment)
    return occurrences(frequency, start, end, daily_mode=daily_mode(assessment))


def evidenced_windows(assessment: Assessment) -> set[WindowKey]:
    """Return the occurrence windows that have evidence (not deleted), per control ref."""
    keys: set[WindowKey] = set()
    samples = repo.current_samples(db.session, assessment.id)
    item_evidence: dict[int, set[str]] = {}
    for row in repo.evidence_of(db.session, assessment.id):
        if row.item_id:
            item_evidence.setdefault(row.control_id, set()).add(row.item_id)
        elif row.window_start and row.window_end:
            keys.add((row.control.ref, row.occurrence_kind, row.window_start, row.window_end))
    start, end = period_of(assessment)
    for population in repo.populations_of(db.session, assessment.id):
        sample = samples.get(population.control_id)
        picked = {i["id"] for i in sample.items} if sample else None
        done = population.item_count == 0 or (
            picked is not None and picked <= item_evidence.get(population.control_id, set())
        )
        if done:
            keys.add((population.control.ref, "population", start, end))
    return keys


def calendar(assessment: Assessment, today: date | None = None) -> Calendar:
    """Return the period's calendar: every control's occurrences by month."""
    start, end = period_of(assessment)
    schedules = [ControlSchedule(s.ref, s.control.title, s.frequency) for s in selected(assessment)]
    return build_calendar(
        schedules,
        start,
        end,
        evidenced_windows(assessment),
        today or date.today(),
        daily_mode=daily_mode(assessment),
    )


@dataclass(frozen=True)
class DrawInputs:
    """What a control's draw is taken from: its items, the source and the sample size."""

    control: Control
    source: str
    items: list[Item]
    size: SampleSize
    table: SampleSizeTable


def occurrence_items(found: list[Occurrence]) -> list[Item]:
    """Return a control's occurrences as items to sample (id "#n", dated by due date)."""
    return [Item(f"#{o.number}", o.due, f"{o.kind} {o.window_start}–{o.window_end}") for o in found]


def draw_inputs(assessment: Assessment, ref: str) -> DrawInputs:
    """Return the items, size and table a control's sample is drawn with."""
    chosen = selected_one(assessment, ref)
    control = repo.selected_control(db.session, assessment.id, ref)
    settings = repo.settings_of(db.session, assessment.id)
    table = table_for(assessment)
    if chosen.frequency == PER_EVENT:
        population = repo.population_of(db.session, assessment.id, control.id)
        if population is None:
            raise RuleViolation(f"{ref} has no population yet: import one before drawing.")
        items = repo.population_items(db.session, population.id)
        source = "population"
    else:
        items = occurrence_items(control_occurrences(assessment, chosen.frequency))
        source = "occurrences"
    size = sample_size(
        table,
        chosen.frequency,
        len(items),
        prior_deviation=ref in (settings.deviation_controls or []),
        census=ref in (settings.census_controls or []),
    )
    return DrawInputs(control, source, items, size, table)


def draw_sample(assessment: Assessment, ref: str) -> tuple[Sample, bool]:
    """Draw a control's sample; return it and whether it is new.

    When the current sample was drawn from the same inputs it is returned as
    is. Otherwise the new draw becomes current and the earlier ones are kept.
    """
    inputs = draw_inputs(assessment, ref)
    result = draw(inputs.items, inputs.size.size, assessment_identity(assessment.id), ref)
    earlier = repo.samples_of(db.session, assessment.id, inputs.control.id)
    current = next((s for s in earlier if s.current), None)
    if (
        current is not None
        and current.seed == result.seed
        and current.size == inputs.size.size
        and [i["id"] for i in current.items] == list(result.picked_ids)
    ):
        return current, False
    for row in earlier:
        if row.current:
            row.current = False
    row = Sample(
        assessment_id=assessment.id,
        control_id=inputs.control.id,
        current=True,
        drawn_by=repo.actor_label(db.session),
        source=inputs.source,
        seed=result.seed,
        fingerprint=result.fingerprint,
        population_size=result.population,
        size=inputs.size.size,
        rule=inputs.size.rule[:300],
        table_name=inputs.table.name[:200],
        census=inputs.size.census,
        prior_deviation="prior-period deviation" in inputs.size.rule,
        items=[
            {"id": i.id, "date": i.date.isoformat(), "description": i.description}
            for i in result.picked
        ],
    )
    db.session.add(row)
    db.session.flush()
    return row, True


def rederive_sample(assessment: Assessment, sample: Sample) -> Rederivation:
    """Draw a stored sample again from today's inputs and compare."""
    inputs = draw_inputs(assessment, sample.control.ref)
    return rederive(
        inputs.items,
        assessment_identity(assessment.id),
        sample.control.ref,
        stored_seed=sample.seed,
        stored_fingerprint=sample.fingerprint,
        stored_ids=[i["id"] for i in sample.items],
    )


def current_sample(assessment: Assessment, ref: str) -> Sample | None:
    """Return a control's current sample, if drawn."""
    control = repo.selected_control(db.session, assessment.id, ref)
    return repo.current_samples(db.session, assessment.id).get(control.id)


def assessment(assessment_id: int) -> Assessment:
    """Return an assessment by id (the command line: any organisation), or raise NotFound."""
    return repo.assessment_row(db.session, assessment_id)


@contextmanager
def command_line() -> Iterator[None]:
    """Attribute the changes made inside the block to the command line in the audit trail."""
    with acting_as(db.session, None, "command line"):
        yield


def sample_record(sample: Sample) -> dict[str, object]:
    """Return a sample as plain data (the JSON of `riskapp period draw --json`)."""
    return {
        "id": sample.id,
        "control": sample.control.ref,
        "drawn_at": sample.drawn_at.isoformat(),
        "drawn_by": sample.drawn_by,
        "source": sample.source,
        "seed": sample.seed,
        "fingerprint": sample.fingerprint,
        "population": sample.population_size,
        "size": sample.size,
        "rule": sample.rule,
        "table": sample.table_name,
        "census": sample.census,
        "items": sample.items,
    }


@dataclass(frozen=True)
class ControlSamples:
    """A control's size rule, options and draws, for the samples page."""

    ref: str
    title: str
    frequency: str
    census: bool
    deviation: bool
    current: Sample | None
    earlier: list[Sample]
    ready: bool


def samples_overview(assessment: Assessment) -> list[ControlSamples]:
    """Return every selected control with its current and earlier draws."""
    settings = repo.settings_of(db.session, assessment.id)
    populations = {p.control_id for p in repo.populations_of(db.session, assessment.id)}
    result: list[ControlSamples] = []
    for chosen in selected(assessment):
        control = repo.selected_control(db.session, assessment.id, chosen.ref)
        draws = repo.samples_of(db.session, assessment.id, control.id)
        current = next((s for s in draws if s.current), None)
        result.append(
            ControlSamples(
                ref=chosen.ref,
                title=chosen.control.title,
                frequency=chosen.frequency,
                census=chosen.ref in (settings.census_controls or []),
                deviation=chosen.ref in (settings.deviation_controls or []),
                current=current,
                earlier=[s for s in draws if not s.current],
                ready=chosen.frequency != PER_EVENT or control.id in populations,
            )
        )
    return result


def set_table_from_text(assessment: Assessment, text: str) -> SampleSizeTable:
    """Make the assessment use a table written in YAML (the shipped table's format)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput({"table": f"This is not valid YAML: {exc}"}) from exc
    try:
        return set_table(assessment, data)
    except InvalidInput as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.problems.items())
        raise InvalidInput({"table": detail}) from exc


def table_text(assessment: Assessment) -> str:
    """Return the assessment's table as YAML, to edit."""
    return yaml.safe_dump(table_to_data(table_for(assessment)), sort_keys=False, allow_unicode=True)
