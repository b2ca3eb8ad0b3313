"""Migration 0006: settings become inventory systems; frozen statements follow the template."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from riskapp.app import MIGRATIONS, create_app
from riskapp.domain.statements.render import frequency_noun, render_statement
from riskapp.extensions import db
from riskapp.services.library import load_library

SETTINGS = {
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "logging_platform": "Datadog",
    "monitoring_tool": "datadog",
    "system": "Acme\x01 Platform",
    "ticketing_system": "   ",
    "risk_bands": "low 1-9, high 10-25",
}


def test_settings_become_systems_and_rendered_statements_follow_the_template(
    tmp_path: Path, mini_library: Path
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
        },
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0013")  # the revision before the inventory
        # today's models load the library: lend them the control columns later revisions add
        later = {"checks": "JSON NOT NULL DEFAULT '[]'", "reconcile": "JSON"}  # 0015
        for name, kind in later.items():
            db.session.execute(sa.text(f"ALTER TABLE control ADD COLUMN {name} {kind}"))
        load_library(mini_library)
        db.session.commit()
        for name in later:
            db.session.execute(sa.text(f"ALTER TABLE control DROP COLUMN {name}"))
        db.session.commit()
        conn = db.session.connection()
        controls = conn.execute(
            sa.text("SELECT id, statement, owner_role, frequency FROM control ORDER BY id")
        ).all()
        framework_id = conn.scalar(sa.text("SELECT id FROM framework"))
        conn.execute(
            sa.text(
                "INSERT INTO organization (id, name, settings, created_at) "
                "VALUES (1, 'Acme', :settings, '2026-01-01')"
            ),
            {"settings": json.dumps(SETTINGS)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO assessment (id, organization_id, framework_id, name, categories, "
                "report_type, risk_appetite, profile, step_reached, created_at, updated_at) "
                "VALUES (1, 1, :fw, 'SOC 2', '[]', 'type1', 9, '{}', 'controls', "
                "'2026-01-01', '2026-01-01')"
            ),
            {"fw": framework_id},
        )
        first, second, third = controls[:3]
        values = {
            **{k: v for k, v in SETTINGS.items()},
            "org": "Acme",
            "owner": first.owner_role,
            "frequency": frequency_noun(first.frequency),
        }
        statements = {
            first.id: render_statement(first.statement, values),  # as selection rendered it
            second.id: "Our own words: the CTO checks [identity provider] monthly.",
            third.id: render_statement(
                third.statement,
                {
                    "owner": third.owner_role,
                    "org": "Acme",
                    "frequency": frequency_noun(third.frequency),
                },
            ),
        }
        for control_id, text in statements.items():
            conn.execute(
                sa.text(
                    "INSERT INTO selected_control (assessment_id, control_id, statement, owner, "
                    "frequency, status, na_reason) VALUES (1, :c, :s, '', '', 'planned', '')"
                ),
                {"c": control_id, "s": text},
            )
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="0006")
        conn = db.session.connection()
        systems = {
            row.name: json.loads(row.roles) if isinstance(row.roles, str) else row.roles
            for row in conn.execute(sa.text("SELECT name, roles FROM system"))
        }
        assert systems == {
            "AWS": ["cloud_provider"],
            "Okta": ["identity_provider"],
            "Datadog": ["logging_platform", "monitoring_tool"],
            "Acme Platform": ["system"],
        }
        settings = json.loads(conn.scalar(sa.text("SELECT settings FROM organization")))
        assert settings == {"risk_bands": "low 1-9, high 10-25"}
        stored = dict(
            conn.execute(sa.text("SELECT control_id, statement FROM selected_control")).all()
        )
        bases = dict(
            conn.execute(sa.text("SELECT control_id, statement_base FROM selected_control")).all()
        )
        assert stored[first.id] is None and bases[first.id] is None
        assert stored[third.id] is None
        assert stored[second.id] == "Our own words: the CTO checks {identity_provider} monthly."
        assert bases[second.id] == second.statement
        db.session.commit()

        downgrade(directory=str(MIGRATIONS), revision="0013")
        conn = db.session.connection()
        settings = json.loads(conn.scalar(sa.text("SELECT settings FROM organization")))
        assert {"cloud_provider", "identity_provider", "system", "risk_bands"} <= set(settings)
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM selected_control WHERE statement IS NULL"))
            == 0
        )
        db.session.commit()
        db.engine.dispose()
