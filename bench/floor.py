"""The floor of the coverage service: one SQL query over the mapping and selection tables.

It reads, for one assessment, every (criterion, strength, status) of a selected
control's library mapping — the data coverage is computed from — and nothing
else: no library read, no mapping to dataclasses, no status rules.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

FLOOR_SQL = sa.text(
    """
    SELECT cc.criterion_id, cc.strength, sc.status
    FROM selected_control AS sc
    JOIN control_criterion AS cc ON cc.control_id = sc.control_id
    WHERE sc.assessment_id = :assessment_id AND cc.assessment_id IS NULL
    """
)


def floor_query(session: Any, assessment_id: int) -> list[Any]:
    """Run the floor query and return its rows."""
    return session.execute(FLOOR_SQL, {"assessment_id": assessment_id}).all()
