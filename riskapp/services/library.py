"""Library use cases: check a folder, load it in one transaction, report its figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.library.integrity import integrity_problems, library_stats
from ..domain.library.loader import parse_library, read_library
from ..domain.library.problems import Problem
from ..domain.library.versions import InitDecision, Release, init_decision
from ..extensions import db
from ..repository import library as repo

Progress = Callable[[str], None]


def check_library(path: Path | str, progress: Progress | None = None) -> list[Problem]:
    """Return every problem of the library folder at `path`: format, references, integrity."""
    library, problems = read_library(path, progress)
    if problems:
        return problems
    return integrity_problems(library)


def load_library(path: Path | str, progress: Progress | None = None) -> repo.SyncReport:
    """Validate the library at `path`, then write it in one transaction.

    Raises LibraryInvalid, having written nothing, when the folder has any problem.
    """
    library = parse_library(path, progress)
    report = repo.sync_library(db.session, library, progress)
    db.session.flush()
    return report


def loaded_release() -> Release | None:
    """Return the name and version of the library last loaded, or None when none is."""
    latest = repo.latest_release(db.session)
    return Release(latest.name, latest.version) if latest else None


def load_shipped_library(
    path: Path | str, progress: Progress | None = None
) -> tuple[InitDecision, repo.SyncReport | None]:
    """Load the shipped library unless a user's library, or a newer one, is loaded.

    Returns the decision (with the sentence saying what was done) and the
    load's report, None when nothing was loaded. Raises LibraryInvalid, having
    written nothing, when the shipped folder has a problem.
    """
    library = parse_library(path, progress)
    decision = init_decision(loaded_release(), Release(library.meta.name, library.meta.version))
    if not decision.load:
        return decision, None
    report = repo.sync_library(db.session, library, progress)
    db.session.flush()
    return decision, report


def current_stats() -> dict[str, Any]:
    """Return the figures of the library currently in the database."""
    return library_stats(repo.read_library(db.session))
