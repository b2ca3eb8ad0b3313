"""Use cases of the home page and the health check."""

from __future__ import annotations

from ..repository.health import database_status, library_overview

__all__ = ["database_status", "library_overview"]
