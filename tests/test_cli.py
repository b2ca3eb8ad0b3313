"""The riskapp command: init, library check, load and stats."""

from __future__ import annotations

import json
from collections.abc import Callable
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
    assert "Library 'Test library' 1.0 is loaded and is the shipped version." in result.output
    assert "Library loaded" not in result.output
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert revision == head_revision()


def _version(version: str, name: str = "Test library") -> Callable[[Files], None]:
    def change(files: Files) -> None:
        files["library.yaml"]["version"] = version
        files["library.yaml"]["name"] = name

    return change


def _release() -> tuple[str, str]:
    row = db.session.execute(
        sa.text("SELECT name, version FROM library_release ORDER BY id DESC LIMIT 1")
    ).one()
    return (row[0], row[1])


def test_init_loads_the_shipped_library_when_none_is_loaded(
    app: Flask, runner, tmp_path: Path
) -> None:
    app.config["RISKAPP_SEED_LIBRARY"] = str(make_library(tmp_path / "s", _version("2026.9.0")))
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "No library is loaded; loading the shipped library 'Test library' 2026.9.0." in (
        result.output
    )
    assert "Library loaded: created" in result.output
    assert _release() == ("Test library", "2026.9.0")


def test_init_upgrades_an_older_version_of_the_shipped_library(
    app: Flask, runner, tmp_path: Path
) -> None:
    old = make_library(tmp_path / "old", _version("2026.9.0"))
    assert runner.invoke(args=["library", "load", str(old)]).exit_code == 0
    # 2026.12.0 is newer than 2026.9.0, though "2026.12.0" < "2026.9.0" as text
    app.config["RISKAPP_SEED_LIBRARY"] = str(make_library(tmp_path / "s", _version("2026.12.0")))
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert (
        "Library 'Test library' 2026.9.0 is loaded; upgrading it to the shipped 2026.12.0."
        in result.output
    )
    assert "Library loaded:" in result.output
    assert _release() == ("Test library", "2026.12.0")


def test_init_keeps_a_newer_version_the_user_loaded(app: Flask, runner, tmp_path: Path) -> None:
    newer = make_library(tmp_path / "new", _version("2026.12.0"))
    assert runner.invoke(args=["library", "load", str(newer)]).exit_code == 0
    app.config["RISKAPP_SEED_LIBRARY"] = str(make_library(tmp_path / "s", _version("2026.9.0")))
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert (
        "Library 'Test library' 2026.12.0 is loaded; the shipped library was not loaded."
        in result.output
    )
    assert "Library loaded" not in result.output
    assert _release() == ("Test library", "2026.12.0")


def test_init_keeps_a_library_of_another_name(app: Flask, runner, tmp_path: Path) -> None:
    own = make_library(tmp_path / "own", _version("1.2", name="X"))
    assert runner.invoke(args=["library", "load", str(own)]).exit_code == 0
    app.config["RISKAPP_SEED_LIBRARY"] = str(make_library(tmp_path / "s", _version("2026.12.0")))
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Library 'X' 1.2 is loaded; the shipped library was not loaded." in result.output
    assert _release() == ("X", "1.2")


def test_init_without_library_says_the_library_was_left(app: Flask, runner) -> None:
    result = runner.invoke(args=["init", "--no-library"])
    assert result.exit_code == 0, result.output
    assert "The library was left as it is (--no-library)." in result.output


def test_library_load_names_retired_controls_and_their_successors(runner, tmp_path: Path) -> None:
    first = make_library(tmp_path / "v1")
    assert runner.invoke(args=["library", "load", str(first)]).exit_code == 0

    def split(files: Files) -> None:
        _version("1.1")(files)
        controls = files["controls/controls.yaml"]["controls"]
        old = next(c for c in controls if c["ref"] == "CTL-03")
        controls.remove(old)
        controls.append({**old, "ref": "CTL-03A"})
        controls.append({**old, "ref": "CTL-03B"})
        files["library.yaml"]["retired"] = {"CTL-03": ["CTL-03A", "CTL-03B"]}

    result = runner.invoke(args=["library", "load", str(make_library(tmp_path / "v2", split))])
    assert result.exit_code == 0, result.output
    assert "retired 1 controls" in result.output
    assert "CTL-03 retired, replaced by CTL-03A, CTL-03B" in result.output
    assert "… mappings" in result.output  # progress on the command line
