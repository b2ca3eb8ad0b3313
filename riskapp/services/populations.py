"""Populations of per-event controls: preview an import's diff, replace, or record empty.

An import is parsed and checked whole before anything is written; replacing a
population records what was added and removed on the population row, so the
audit trail's update event carries the diff.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from ..domain.errors import InvalidInput, NotFound
from ..domain.period.fingerprint import PopulationDiff, diff, fingerprint
from ..domain.period.occurrences import PER_EVENT
from ..domain.period.population_file import ParsedPopulation, clean_text, parse_population
from ..extensions import db
from ..models import Assessment, Population
from ..repository import checks as checks_repo
from ..repository import period as repo
from . import period as period_service

DIFF_IDS_KEPT = 50
SOURCE_LIMITS = {"source_system": 200, "query": 2000, "pulled_by": 200}
_PENDING = re.compile(r"^pop-(\d+)-([0-9a-f]{32})\.(csv|xlsx)$")


@dataclass(frozen=True)
class Source:
    """Where a population came from: system, the query or report, who pulled it and when."""

    source_system: str = ""
    query: str = ""
    pulled_by: str = ""
    pulled_at: date | None = None


def clean_source(source: Source) -> Source:
    """Return the source with control characters removed, or raise InvalidInput on lengths."""
    problems: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, limit in SOURCE_LIMITS.items():
        value = clean_text(getattr(source, name)).strip()
        if len(value) > limit:
            problems[name] = f"Use at most {limit} characters (this has {len(value)})."
        values[name] = value
    if not values["source_system"]:
        problems["source_system"] = "Name the system the population was exported from."
    if problems:
        raise InvalidInput(problems)
    return Source(pulled_at=source.pulled_at, **values)


@dataclass(frozen=True)
class Preview:
    """A parsed population file and what replacing the current population would change."""

    control_ref: str
    parsed: ParsedPopulation
    fingerprint: str
    diff: PopulationDiff
    existing: Population | None


def _per_event_control(assessment: Assessment, ref: str):
    chosen = next((s for s in period_service.selected(assessment) if s.ref == ref), None)
    if chosen is None:
        raise NotFound("selected control", ref)
    control = repo.selected_control(db.session, assessment.id, ref)
    # a control with declared checks takes a population of the events it checks (HR-03:
    # each joiner's first training), whatever its cadence
    if chosen.frequency != PER_EVENT and not (control.checks or control.reconcile):
        raise InvalidInput(
            {"control": f"{ref} runs {chosen.frequency}, not per event: it has no population."}
        )
    return control


def per_event_controls(assessment: Assessment) -> list[tuple[str, str]]:
    """Return (ref, title) of the assessment's controls that take a population.

    Those are the per-event controls, and the controls whose library entry
    declares computed checks (the events they check form a population).
    """
    checked = checks_repo.refs_with_checks(db.session)
    return [
        (s.ref, s.control.title)
        for s in period_service.selected(assessment)
        if s.frequency == PER_EVENT or s.ref in checked
    ]


def preview(assessment: Assessment, ref: str, stream: IO[bytes], filename: str) -> Preview:
    """Parse a population file for a control and compare it with the current population."""
    start, end = period_service.period_of(assessment)
    control = _per_event_control(assessment, ref)
    parsed = parse_population(stream, filename, start, end)
    existing = repo.population_of(db.session, assessment.id, control.id)
    old = repo.population_items(db.session, existing.id) if existing else []
    return Preview(ref, parsed, fingerprint(parsed.items), diff(old, parsed.items), existing)


def replace(
    assessment: Assessment,
    ref: str,
    parsed: ParsedPopulation,
    source: Source,
    *,
    filename: str = "",
    expected_fingerprint: str | None = None,
) -> Population:
    """Make `parsed` the control's population (an empty one is recorded as such)."""
    clean = clean_source(source)
    control = _per_event_control(assessment, ref)
    fp = fingerprint(parsed.items)
    if expected_fingerprint is not None and fp != expected_fingerprint:
        raise InvalidInput({"file": "The file changed since its preview; import it again."})
    row = repo.population_of(db.session, assessment.id, control.id)
    old = repo.population_items(db.session, row.id) if row else []
    change = diff(old, parsed.items)
    if row is None:
        row = Population(assessment_id=assessment.id, control_id=control.id)
        db.session.add(row)
    row.source_system = clean.source_system
    row.query = clean.query
    row.pulled_by = clean.pulled_by
    row.pulled_at = clean.pulled_at or date.today()
    row.filename = filename[:255]
    row.fingerprint = fp
    row.item_count = len(parsed.items)
    row.columns = list(parsed.columns)
    row.last_change = {
        "added": len(change.added),
        "removed": len(change.removed),
        "changed": len(change.changed),
        "added_ids": list(change.added[:DIFF_IDS_KEPT]),
        "removed_ids": list(change.removed[:DIFF_IDS_KEPT]),
        "changed_ids": list(change.changed[:DIFF_IDS_KEPT]),
    }
    db.session.flush()
    repo.replace_items(db.session, row, parsed.items)
    db.session.flush()
    return row


def record_empty(assessment: Assessment, ref: str, source: Source) -> Population:
    """Record that the control's population was pulled and held no events."""
    return replace(assessment, ref, ParsedPopulation((), ()), source)


def populations(assessment: Assessment) -> list[Population]:
    """Return the assessment's populations, by control ref."""
    return repo.populations_of(db.session, assessment.id)


# --- a previewed file, kept until the import is confirmed ---------------------------------


def stash(root: Path, assessment: Assessment, stream: IO[bytes], filename: str) -> str:
    """Keep an uploaded population file until its import is confirmed; return its token."""
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    folder = root / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    token = f"pop-{assessment.id}-{uuid.uuid4().hex}.{extension}"
    partial = folder / f"{token}.part"
    stream.seek(0)
    with partial.open("wb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
    partial.replace(folder / token)
    return token


def stashed(root: Path, assessment: Assessment, token: str) -> Path:
    """Return the kept file of a token made for this assessment, or raise InvalidInput."""
    found = _PENDING.match(token or "")
    path = root / "tmp" / (token or "")
    if not found or int(found[1]) != assessment.id or not path.is_file():
        raise InvalidInput({"file": "This preview has expired; choose the file again."})
    return path
