"""An assessment's data and coverage, kept while its organisation's data revision stands.

Reading an assessment's data (selections, ratings, own content, systems, the
criteria set aside) is most of what the coverage service costs. Database
triggers change the organisation's data revision on every write to any of it
(migration 0019), so data read under one revision is still the database's data
for as long as the revision reads the same; no code path has to remember to
invalidate anything, and writes by other processes count too.

Data is kept only when the revision is trusted (`repository.revisions`): not in
a transaction that has written, whose changes are not in a committed revision.
It is kept under the revision read before reading it and only when the revision
read after is the same, so a write committed during the read is never kept
under the older revision. The assessment row's own fields (the scope, the
profile) come from the caller's row, so they are part of the key.

The coverage is computed from the data alone (and the library), so it is kept with it.
What is returned is shared between requests: callers read it and never change it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..domain.assessment.model import AssessmentData
from ..domain.coverage.report import Coverage, compute_coverage
from ..domain.library.model import Library
from ..models import Assessment
from ..repository.assessments import to_assessment_data
from ..repository.revisions import trusted_revision

LIMIT = 32  # assessments kept per process, the least recently used dropped first
STATS = {"read": 0, "reused": 0}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Entry:
    revision: str
    row: tuple[Any, ...]
    library: Library
    data: AssessmentData
    coverage: Coverage


_ENTRIES: OrderedDict[tuple[str, int], _Entry] = OrderedDict()


def _row_fields(row: Assessment) -> tuple[Any, ...]:
    """Return the assessment row's fields its data is made from (compared, never hashed)."""
    return (
        row.organization_id,
        row.name,
        row.framework_id,
        tuple(row.categories or ()),
        row.report_type,
        row.as_of_date,
        row.period_start,
        row.period_end,
        row.risk_appetite,
        dict(row.profile or {}),  # copies: the row's own list and dict may change in place
    )


def data_and_coverage(
    session: Session, row: Assessment, library: Library
) -> tuple[AssessmentData, Coverage]:
    """Return the assessment's data (`to_assessment_data`) and its coverage, from memory when
    the organisation's data revision is the one they were read under."""
    revision = trusted_revision(session, row.id)
    if revision is None:
        data = to_assessment_data(session, row, library)
        return data, compute_coverage(library, data)
    key = (str(session.get_bind().engine.url), row.id)
    fields = _row_fields(row)
    with _LOCK:
        hit = _ENTRIES.get(key)
        if (
            hit is not None
            and hit.revision == revision
            and hit.library is library
            and hit.row == fields
        ):
            _ENTRIES.move_to_end(key)
            STATS["reused"] += 1
            return hit.data, hit.coverage
    data = to_assessment_data(session, row, library, fresh=True)
    coverage = compute_coverage(library, data)
    STATS["read"] += 1
    if trusted_revision(session, row.id) == revision:
        with _LOCK:
            _ENTRIES[key] = _Entry(revision, fields, library, data, coverage)
            _ENTRIES.move_to_end(key)
            while len(_ENTRIES) > LIMIT:
                _ENTRIES.popitem(last=False)
    return data, coverage


def clear() -> None:
    """Forget every kept assessment (tests and benchmarks measuring a cold read)."""
    with _LOCK:
        _ENTRIES.clear()
