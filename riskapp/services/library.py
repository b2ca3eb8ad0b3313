"""Library use cases: check a folder, load it in one transaction, report its figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.library.integrity import integrity_problems, library_stats
from ..domain.library.loader import parse_library, read_library
from ..domain.library.problems import Problem
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


def current_stats() -> dict[str, Any]:
    """Return the figures of the library currently in the database."""
    return library_stats(repo.read_library(db.session))
