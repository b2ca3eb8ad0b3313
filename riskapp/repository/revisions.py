"""Read an organisation's data revision: the token database triggers change on every write.

Migration 0019 puts the triggers on every table an assessment's data is read
from (selections, ratings, own content, criteria set aside, systems, vendors,
the assessment and organisation rows). A token read twice with the same value
means no write to that data was committed in between, whichever process made it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Assessment, Organization

# the token of the assessment's organisation; on PostgreSQL also whether this transaction
# has been given an id, which it is by its first write (of any table)
_TOKEN = (
    sa.select(Organization.data_revision)
    .select_from(Assessment)
    .join(Organization, Organization.id == Assessment.organization_id)
    .where(Assessment.id == sa.bindparam("assessment_id", type_=sa.Integer))
)
_TOKEN_PG = _TOKEN.add_columns(sa.func.txid_current_if_assigned().is_not(None))


def trusted_revision(session: Session, assessment_id: int) -> str | None:
    """Return the data revision of the assessment's organisation, or None when it cannot be
    trusted to stand for what this transaction reads.

    None when this transaction has written (its own writes are not in a committed
    token: on PostgreSQL the token changes only at commit), when the database has no
    triggers (an empty token) or when the assessment does not exist. Pending ORM
    changes are flushed first, so they count as written.
    """
    if session.autoflush:
        session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        row = connection.execute(_TOKEN_PG, {"assessment_id": assessment_id}).first()
        if row is None or row[1]:
            return None
    elif connection.dialect.name == "sqlite":
        # pysqlite begins a transaction only before a statement that writes
        if connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            return None
        row = connection.execute(_TOKEN, {"assessment_id": assessment_id}).first()
        if row is None:
            return None
    else:  # no way known here to tell whether this transaction has written
        return None
    return row[0] or None
