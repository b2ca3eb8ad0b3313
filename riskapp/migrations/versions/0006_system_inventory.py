"""system inventory; placeholders from the inventory; statements rendered live

Revision ID: 0006
Revises: 0013
Create Date: 2026-12-04 04:00:00

Creates the `system` table and turns each organisation's placeholder settings
({cloud_provider}, {identity_provider}, …) into inventory systems that fill
those roles (one system per distinct name; a name given for two roles fills
both). Selected controls keep the user's own wording apart from the library
template: a stored statement equal to what selection rendered becomes NULL
(follow the template, rendered live); any other is kept as the user's edit,
with the template it was written against, and the `[placeholder]` labels
selection left in it become `{placeholder}` again so they fill live.
"""

import re

import sqlalchemy as sa
from alembic import op

from riskapp.domain.inventory.model import ROLES, clean_text, name_key
from riskapp.domain.statements.render import (
    frequency_noun,
    render_statement,
    unfilled_label,
)

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0013"
branch_labels = None
depends_on = None

organization = sa.table(
    "organization",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("settings", sa.JSON),
)
system = sa.table(
    "system",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("owner", sa.String),
    sa.column("classification", sa.String),
    sa.column("in_scope", sa.Boolean),
    sa.column("notes", sa.String),
    sa.column("retired", sa.Boolean),
    sa.column("roles", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
selected = sa.table(
    "selected_control",
    sa.column("id", sa.Integer),
    sa.column("assessment_id", sa.Integer),
    sa.column("control_id", sa.Integer),
    sa.column("statement", sa.Text),
    sa.column("statement_base", sa.Text),
    sa.column("owner", sa.String),
    sa.column("frequency", sa.String),
)
control = sa.table(
    "control",
    sa.column("id", sa.Integer),
    sa.column("statement", sa.Text),
    sa.column("owner_role", sa.String),
    sa.column("frequency", sa.String),
)
assessment = sa.table(
    "assessment", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer)
)


def upgrade():
    op.create_table(
        "system",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "classification IN ('public', 'internal', 'confidential', 'restricted')",
            name=op.f("ck_system_classification"),
        ),
        sa.CheckConstraint(
            "kind IN ('cloud-provider', 'identity-provider', 'code-repository', 'ci-pipeline', "
            "'ticketing', 'hr-system', 'device-management', 'logging-monitoring', 'database', "
            "'endpoint-fleet', 'office', 'saas-application', 'other')",
            name=op.f("ck_system_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_system_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_system_organization_id_name")),
    )
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_system_organization_id"), ["organization_id"], unique=False
        )
    with op.batch_alter_table("selected_control", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_base", sa.Text(), nullable=True))
        batch_op.alter_column("statement", existing_type=sa.Text(), nullable=True)

    conn = op.get_bind()
    old_settings = _settings_to_systems(conn)
    _statements_to_overrides(conn, old_settings)


def _settings_to_systems(conn):
    """Move placeholder settings into systems; return each organisation's settings before."""
    from datetime import UTC, datetime

    before = {}
    for org_id, settings in conn.execute(sa.select(organization.c.id, organization.c.settings)):
        settings = dict(settings or {})
        before[org_id] = settings
        by_name = {}
        for role in ROLES:
            value = settings.get(role)
            if not isinstance(value, str) or not clean_text(value):
                continue
            name = clean_text(value)[:200]
            by_name.setdefault(name_key(name), [name, []])[1].append(role)
        for name, roles in by_name.values():
            conn.execute(
                sa.insert(system).values(
                    organization_id=org_id,
                    name=name,
                    kind=ROLES[roles[0]][1],
                    owner="",
                    classification="internal",
                    in_scope=True,
                    notes="Created from the organisation settings.",
                    retired=False,
                    roles=roles,
                    created_at=datetime.now(UTC),
                )
            )
        kept = {k: v for k, v in settings.items() if k not in ROLES}
        if kept != settings:
            conn.execute(
                sa.update(organization).where(organization.c.id == org_id).values(settings=kept)
            )
    return before


def _bracket_labels_to_placeholders(text):
    for role in (*ROLES, "org", "owner", "frequency"):
        text = text.replace(unfilled_label(role), "{" + role + "}")
    return text


def _statements_to_overrides(conn, old_settings):
    names = dict(conn.execute(sa.select(organization.c.id, organization.c.name)).all())
    rows = conn.execute(
        sa.select(
            selected.c.id,
            selected.c.statement,
            selected.c.owner,
            selected.c.frequency,
            control.c.statement.label("template"),
            control.c.owner_role,
            control.c.frequency.label("default_frequency"),
            assessment.c.organization_id,
        )
        .join(control, control.c.id == selected.c.control_id)
        .join(assessment, assessment.c.id == selected.c.assessment_id)
    ).all()
    for row in rows:
        stored = row.statement or ""
        settings = {
            k: v for k, v in old_settings.get(row.organization_id, {}).items() if isinstance(v, str)
        }
        org = names.get(row.organization_id, "")
        candidates = set()
        for values in (settings, {}):
            for owner, frequency in (
                (row.owner_role, row.default_frequency),
                (row.owner or row.owner_role, row.frequency or row.default_frequency),
            ):
                filled = {**values, "org": org, "owner": owner}
                if frequency_noun(frequency):
                    filled["frequency"] = frequency_noun(frequency)
                candidates.add(_normal(render_statement(row.template, filled)))
        if not stored.strip() or _normal(stored) in candidates or stored == row.template:
            change = {"statement": None, "statement_base": None}
        else:
            change = {
                "statement": _bracket_labels_to_placeholders(stored),
                "statement_base": row.template,
            }
        conn.execute(sa.update(selected).where(selected.c.id == row.id).values(**change))


def _normal(text):
    return re.sub(r"\s+", " ", text).strip()


def downgrade():
    conn = op.get_bind()
    settings_by_org = {
        org_id: dict(settings or {})
        for org_id, settings in conn.execute(sa.select(organization.c.id, organization.c.settings))
    }
    for org_id, name, roles, retired in conn.execute(
        sa.select(system.c.organization_id, system.c.name, system.c.roles, system.c.retired)
    ):
        if retired:
            continue
        for role in roles or ():
            settings_by_org.setdefault(org_id, {}).setdefault(role, name)
    for org_id, settings in settings_by_org.items():
        conn.execute(
            sa.update(organization).where(organization.c.id == org_id).values(settings=settings)
        )
    rows = conn.execute(
        sa.select(
            selected.c.id,
            selected.c.owner,
            selected.c.frequency,
            control.c.statement.label("template"),
            assessment.c.organization_id,
        )
        .join(control, control.c.id == selected.c.control_id)
        .join(assessment, assessment.c.id == selected.c.assessment_id)
        .where(selected.c.statement.is_(None))
    ).all()
    names = dict(conn.execute(sa.select(organization.c.id, organization.c.name)).all())
    for row in rows:
        values = {
            **{k: v for k, v in settings_by_org.get(row.organization_id, {}).items()
               if isinstance(v, str)},
            "org": names.get(row.organization_id, ""),
            "owner": row.owner,
        }
        if frequency_noun(row.frequency):
            values["frequency"] = frequency_noun(row.frequency)
        conn.execute(
            sa.update(selected)
            .where(selected.c.id == row.id)
            .values(statement=render_statement(row.template, values))
        )
    with op.batch_alter_table("selected_control", schema=None) as batch_op:
        batch_op.alter_column("statement", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("statement_base")
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_system_organization_id"))
    op.drop_table("system")
