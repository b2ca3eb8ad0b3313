"""data revision: each organisation carries a token that every write to its assessment data changes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:50:00

The coverage service keeps an assessment's data in memory between requests and
trusts it only while the organisation's `data_revision` is the one it was read
under. Triggers, not the application, change the token, so a write by any
process, any code path or a hand-typed SQL statement is seen.

- PostgreSQL: the token becomes the writing transaction's id and a random
  part, set once per transaction by a deferred constraint trigger, so
  the organisation's row is locked only at commit and a transaction updating
  many rows does not wait on it early (no lock-order deadlock).
- SQLite: writers are serialised by the database lock; each written row sets a
  fresh random token.

The tables watched are those `repository.assessments.to_assessment_data`
reads, less the library's own rows (a library load records a release, which
keys the cache already). A later migration that rebuilds one of these tables
on SQLite (batch "move and copy") drops its triggers: run `_create_sqlite`
for it again. tests/test_data_revision.py checks every trigger is in place.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# table -> how a row leads to its organisation; "library" tables hold library rows
# (assessment_id NULL, not watched) beside an assessment's own rows
WATCHED = {
    "assessment": "organization_id",
    "selected_control": "assessment_id",
    "assessed_risk": "assessment_id",
    "criterion_exclusion": "assessment_id",
    "control": "assessment_id",
    "risk": "assessment_id",
    "control_criterion": "assessment_id",
    "control_risk": "assessment_id",
    "control_evidence": "assessment_id",
    "control_policy": "assessment_id",
    "system": "organization_id",
    "vendor": "organization_id",
    "vendor_report": "vendor_id",
}
LIBRARY_TABLES = {"control", "risk", "control_criterion", "control_risk", "control_evidence",
                  "control_policy"}
EVENTS = ("INSERT", "UPDATE", "DELETE")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION riskapp_touch_data_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    org integer;
BEGIN
    -- each branch names its row's column only where the table has it (plpgsql plans a
    -- statement when it first runs, per table)
    IF TG_ARGV[0] = 'id' THEN
        org := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        IF TG_ARGV[0] = 'assessment_id' THEN
            SELECT organization_id INTO org FROM assessment WHERE id = OLD.assessment_id;
        ELSIF TG_ARGV[0] = 'vendor_id' THEN
            SELECT organization_id INTO org FROM vendor WHERE id = OLD.vendor_id;
        ELSE
            org := OLD.organization_id;
        END IF;
    ELSE
        IF TG_ARGV[0] = 'assessment_id' THEN
            SELECT organization_id INTO org FROM assessment WHERE id = NEW.assessment_id;
        ELSIF TG_ARGV[0] = 'vendor_id' THEN
            SELECT organization_id INTO org FROM vendor WHERE id = NEW.vendor_id;
        ELSE
            org := NEW.organization_id;
        END IF;
    END IF;
    IF org IS NOT NULL THEN
        -- the transaction's id marks the token as set by this transaction already; the
        -- random part keeps tokens unique even where ids start again (a restored cluster)
        UPDATE organization
        SET data_revision = txid_current()::text || ':' || substr(md5(random()::text), 1, 16)
        WHERE id = org AND split_part(data_revision, ':', 1) IS DISTINCT FROM txid_current()::text;
    END IF;
    RETURN NULL;
END
$$
"""


def _name(table: str, event: str) -> str:
    return f"riskapp_rev_{table}_{event.lower()}"


def _create_postgresql() -> None:
    op.execute(PG_FUNCTION)
    for table, path in WATCHED.items():
        for event in EVENTS:
            row = "OLD" if event == "DELETE" else "NEW"
            when = f" WHEN ({row}.assessment_id IS NOT NULL)" if table in LIBRARY_TABLES else ""
            if event == "UPDATE" and table in LIBRARY_TABLES:  # a row moved to or from the library
                when = " WHEN (OLD.assessment_id IS NOT NULL OR NEW.assessment_id IS NOT NULL)"
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} "
                f"EXECUTE FUNCTION riskapp_touch_data_revision('{path}')"
            )
    op.execute(
        "CREATE CONSTRAINT TRIGGER riskapp_rev_organization_update "
        "AFTER UPDATE OF name, settings ON organization DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION riskapp_touch_data_revision('id')"
    )


SQLITE_TOKEN = "lower(hex(randomblob(16)))"


def _sqlite_target(path: str, row: str) -> str:
    if path == "assessment_id":
        return f"(SELECT organization_id FROM assessment WHERE id = {row}.assessment_id)"
    if path == "vendor_id":
        return f"(SELECT organization_id FROM vendor WHERE id = {row}.vendor_id)"
    return f"{row}.{path}"


def _create_sqlite(table: str, path: str) -> None:
    for event in EVENTS:
        rows = ("OLD",) if event == "DELETE" else ("NEW",) if event == "INSERT" else ("OLD", "NEW")
        when = ""
        if table in LIBRARY_TABLES:
            when = " WHEN " + " OR ".join(f"{r}.assessment_id IS NOT NULL" for r in rows)
        targets = ", ".join(_sqlite_target(path, r) for r in rows)
        op.execute(
            f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW{when} "
            f"BEGIN UPDATE organization SET data_revision = {SQLITE_TOKEN} "
            f"WHERE id IN ({targets}); END"
        )


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.add_column(
            "organization",
            sa.Column(
                "data_revision",
                sa.String(length=40),
                server_default=sa.text("gen_random_uuid()::text"),
                nullable=False,
            ),
        )
        _create_postgresql()
        return
    # SQLite cannot add a column whose default is not a constant: new rows get their
    # random token from a trigger, existing rows here
    op.add_column(
        "organization",
        sa.Column("data_revision", sa.String(length=40), server_default="", nullable=False),
    )
    op.execute(f"UPDATE organization SET data_revision = {SQLITE_TOKEN}")
    op.execute(
        "CREATE TRIGGER riskapp_rev_organization_insert AFTER INSERT ON organization "
        f"FOR EACH ROW BEGIN UPDATE organization SET data_revision = {SQLITE_TOKEN} "
        "WHERE id = NEW.id; END"
    )
    op.execute(
        "CREATE TRIGGER riskapp_rev_organization_update AFTER UPDATE OF name, settings "
        f"ON organization FOR EACH ROW BEGIN UPDATE organization SET data_revision = "
        f"{SQLITE_TOKEN} WHERE id = NEW.id; END"
    )
    for table, path in WATCHED.items():
        _create_sqlite(table, path)


def downgrade():
    dialect = op.get_bind().dialect.name
    names = [_name(t, e) for t in WATCHED for e in EVENTS] + ["riskapp_rev_organization_update"]
    if dialect == "postgresql":
        for table in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
        op.execute("DROP TRIGGER IF EXISTS riskapp_rev_organization_update ON organization")
        op.execute("DROP FUNCTION IF EXISTS riskapp_touch_data_revision()")
    else:
        for name in [*names, "riskapp_rev_organization_insert"]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("data_revision")
