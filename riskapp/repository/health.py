"""Questions the home page and the health check ask the database."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Control, EvidenceType, Framework, LibraryRelease, PolicyTemplate, Risk


def database_status() -> dict[str, Any]:
    """Answer whether the database responds and which library release it holds."""
    try:  # on a connection of its own, so a failure leaves the request's session untouched
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            release = conn.execute(
                sa.select(LibraryRelease.name, LibraryRelease.version)
                .order_by(LibraryRelease.id.desc())
                .limit(1)
            ).first()
    except SQLAlchemyError as exc:
        return {"status": "error", "database": "unavailable", "detail": type(exc).__name__}
    return {
        "status": "ok",
        "database": "ok",
        "library": {"name": release.name, "version": release.version} if release else None,
    }


def library_overview() -> dict[str, int]:
    """Count the current library's nodes for the home page."""

    def count(model: Any) -> int:
        query = sa.select(sa.func.count()).select_from(model).where(~model.retired)
        if hasattr(model, "assessment_id"):
            query = query.where(model.assessment_id.is_(None))
        return db.session.scalar(query) or 0

    return {
        "frameworks": count(Framework),
        "risks": count(Risk),
        "controls": count(Control),
        "evidence_types": count(EvidenceType),
        "policies": count(PolicyTemplate),
    }
