"""The riskapp command: init, library check, load and stats."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from riskapp.extensions import db
from tests.factories import Files, make_library
from tests.test_migrations import head_revision


def test_library_check_passes_on_a_valid_library(runner, mini_library: Path) -> None:
    result = runner.invoke(args=["library", "check", str(mini_library)])
    assert result.exit_code == 0, result.output
    assert "library is valid" in result.output


def test_library_check_lists_every_problem_and_exits_1(runner, tmp_path: Path) -> None:
    def broken(files: Files) -> None:
        files["risks/risks.yaml"]["risks"][0]["impact"] = 0
        files["controls/controls.yaml"]["controls"][1]["policy"] = "POL-GONE"

    result = runner.invoke(args=["library", "check", str(make_library(tmp_path / "b", broken))])
    assert result.exit_code == 1
    assert "2 problems:" in result.output
    assert "risks/risks.yaml: R-TST-01: impact: must be an integer from 1 to 5, got 0" in (
        result.output
    )
    assert "controls/controls.yaml: CTL-02: policy: unknown policy 'POL-GONE'" in result.output


def test_library_load_then_stats_json(runner, mini_library: Path) -> None:
    result = runner.invoke(args=["library", "load", str(mini_library)])
    assert result.exit_code == 0, result.output
    assert "Library loaded: created 3 controls" in result.output
    again = runner.invoke(args=["library", "load", str(mini_library)])
    assert "Library loaded: no changes." in again.output
    result = runner.invoke(args=["library", "stats", "--json"])
    assert result.exit_code == 0
    stats = json.loads(result.output)
    assert stats["frameworks"] == {"testfw": {"criteria": 2}}
    assert (stats["risks"], stats["controls"], stats["evidence_types"], stats["policies"]) == (
        2,
        3,
        2,
        2,
    )
    assert stats["edges"] == {"mitigates": 6, "satisfies": 6, "evidenced_by": 4, "documented_in": 4}
    for key in (
        "criteria_without_controls",
        "controls_without_criteria",
        "controls_without_risks",
        "risks_without_controls",
        "controls_without_evidence",
        "controls_without_policy",
    ):
        assert stats["violations"][key] == []


def test_library_load_of_a_bad_folder_exits_1_and_writes_nothing(runner, tmp_path: Path) -> None:
    def broken(files: Files) -> None:
        files["controls/controls.yaml"]["controls"][0]["type"] = "magic"

    result = runner.invoke(args=["library", "load", str(make_library(tmp_path / "b", broken))])
    assert result.exit_code == 1
    assert "CTL-01: type: 'magic' is not one of" in result.output
    stats = json.loads(runner.invoke(args=["library", "stats", "--json"]).output)
    assert stats["controls"] == 0


def test_init_upgrades_and_loads_the_configured_library(
    app: Flask, runner, mini_library: Path
) -> None:
    app.config["RISKAPP_SEED_LIBRARY"] = str(mini_library)
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Library loaded: created" in result.output
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0
    assert "Library loaded: no changes." in result.output
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert revision == head_revision()
