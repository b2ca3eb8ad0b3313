"""Loading a library into the database: one transaction, idempotent, in place."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from riskapp.domain.errors import LibraryInvalid
from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    Control,
    Framework,
    Organization,
    Risk,
    SelectedControl,
)
from riskapp.repository import library as repo
from riskapp.services.library import current_stats, load_library
from tests.factories import Files, make_library


def dump() -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key."""
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    return out


def make_assessment() -> Assessment:
    org = Organization(name="Acme")
    db.session.add(org)
    db.session.flush()
    assessment = Assessment(
        organization_id=org.id,
        framework_id=db.session.scalar(sa.select(Framework.id)),
        name="SOC 2 2026",
        categories=["security"],
    )
    db.session.add(assessment)
    db.session.flush()
    risk = db.session.scalar(sa.select(Risk).where(Risk.ref == "R-TST-01"))
    control = db.session.scalar(sa.select(Control).where(Control.ref == "CTL-01"))
    db.session.add_all(
        [
            AssessedRisk(
                assessment_id=assessment.id,
                risk_id=risk.id,
                likelihood=5,
                impact=5,
                treatment="mitigate",
                owner="CTO",
            ),
            SelectedControl(
                assessment_id=assessment.id,
                control_id=control.id,
                statement="Tailored by Acme",
                owner="Jo",
                frequency="monthly",
                status="implemented",
            ),
        ]
    )
    db.session.commit()
    return assessment


def test_load_writes_every_node_and_edge(loaded: Path) -> None:
    stats = current_stats()
    assert stats["frameworks"] == {"testfw": {"criteria": 2}}
    assert (stats["risks"], stats["controls"], stats["evidence_types"], stats["policies"]) == (
        2,
        3,
        2,
        2,
    )
    assert stats["edges"] == {"mitigates": 6, "satisfies": 6, "evidenced_by": 4, "documented_in": 4}
    assert not any(stats["violations"].values())
    tags = repo.read_library(db.session).meta.tags
    assert tags["remote-workforce"].description == "Staff work remotely."


def test_loading_the_same_library_twice_changes_nothing(loaded: Path) -> None:
    before = dump()
    report = load_library(loaded)
    assert not report.changed
    assert report.summary() == "no changes"
    assert dump() == before


def test_newer_version_updates_in_place_and_spares_assessments(
    app: Flask, loaded: Path, tmp_path: Path
) -> None:
    assessment = make_assessment()
    ids_before = {c.ref: c.id for c in db.session.scalars(sa.select(Control))}
    workspace_before = {
        k: v
        for k, v in dump().items()
        if k in ("assessment", "assessed_risk", "selected_control", "organization")
    }

    def newer(files: Files) -> None:
        files["library.yaml"]["version"] = "1.1"
        files["library.yaml"]["minimums"]["controls"] = 2
        controls = files["controls/controls.yaml"]["controls"]
        controls[1]["title"] = "Renamed control"
        controls[1]["evidence"] = ["EV-ONE", "EV-TWO"]
        files["risks/risks.yaml"]["risks"].append(
            dict(files["risks/risks.yaml"]["risks"][0], ref="R-TST-03", title="New risk")
        )
        for c in controls[:2]:
            c["mitigates"].append({"risk": "R-TST-03", "likelihood": 1, "impact": 1})
        # CTL-03 disappears from the new version: it is retired, not deleted
        del controls[2]

    report = load_library(make_library(tmp_path / "v2", newer))
    assert report.created["risks"] == 1
    assert report.updated["controls"] == 1
    assert report.created["evidenced_by"] == 1
    assert report.retired["controls"] == 1
    controls = {c.ref: c for c in db.session.scalars(sa.select(Control))}
    assert {ref: c.id for ref, c in controls.items()} == ids_before
    assert controls["CTL-02"].title == "Renamed control"
    assert controls["CTL-03"].retired is True
    stats = current_stats()
    assert stats["controls"] == 2 and stats["risks"] == 3
    assert stats["library"]["version"] == "1.1"
    after = {k: v for k, v in dump().items() if k in workspace_before}
    assert after == workspace_before
    assert db.session.get(Assessment, assessment.id).controls[0].statement == "Tailored by Acme"


def test_a_retired_control_keeps_its_mappings_and_names_its_successors(
    app: Flask, loaded: Path, tmp_path: Path
) -> None:
    ctl = db.session.scalar(sa.select(Control).where(Control.ref == "CTL-03"))
    links = sorted(
        (type(link).__name__, link.id)
        for link in (*ctl.criteria_links, *ctl.risk_links, *ctl.evidence_links, *ctl.policy_links)
    )

    def newer(files: Files) -> None:
        files["library.yaml"]["version"] = "1.1"
        files["library.yaml"]["retired"] = {"CTL-03": ["CTL-02"]}
        files["library.yaml"]["minimums"]["controls"] = 2
        controls = files["controls/controls.yaml"]["controls"]
        controls[1]["evidence"] = ["EV-ONE", "EV-TWO"]
        del controls[2]

    report = load_library(make_library(tmp_path / "v2", newer))
    db.session.commit()
    assert report.retired_controls == {"CTL-03": ("CTL-02",)}
    assert report.retired_lines() == ["CTL-03 retired, replaced by CTL-02"]
    assert report.removed == {}  # its mappings stay as they were
    db.session.expire_all()
    ctl = db.session.scalar(sa.select(Control).where(Control.ref == "CTL-03"))
    assert (ctl.retired, ctl.successors, ctl.retired_in) == (True, ["CTL-02"], "1.1")
    assert links == sorted(
        (type(link).__name__, link.id)
        for link in (*ctl.criteria_links, *ctl.risk_links, *ctl.evidence_links, *ctl.policy_links)
    )
    assert "CTL-03" not in repo.read_library(db.session).controls
    before = dump()
    again = load_library(make_library(tmp_path / "v2b", newer))
    assert again.summary() == "no changes" and again.retired_controls == {}
    db.session.commit()
    assert dump() == before


def test_invalid_library_writes_nothing(app: Flask, loaded: Path, tmp_path: Path) -> None:
    before = dump()

    def broken(files: Files) -> None:
        files["library.yaml"]["version"] = "2.0"
        files["controls/controls.yaml"]["controls"][0]["title"] = "Changed"
        files["risks/risks.yaml"]["risks"][0]["likelihood"] = 9

    with pytest.raises(LibraryInvalid) as caught:
        load_library(make_library(tmp_path / "bad", broken))
    assert [str(p) for p in caught.value.problems] == [
        "risks/risks.yaml: R-TST-01: likelihood: must be an integer from 1 to 5, got 9"
    ]
    assert dump() == before


def test_crash_half_way_through_a_load_rolls_everything_back(
    app: Flask, loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump()
    real_sync_edges = repo._sync_edges
    calls = []

    def crash_on_third(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_sync_edges(*args, **kwargs)

    monkeypatch.setattr(repo, "_sync_edges", crash_on_third)

    def changed(files: Files) -> None:
        files["controls/controls.yaml"]["controls"][0]["title"] = "Half-written"
        files["risks/risks.yaml"]["risks"][0]["title"] = "Half-written too"

    with pytest.raises(RuntimeError, match="disk full"):
        load_library(make_library(tmp_path / "v2", changed))
    db.session.rollback()  # what the command's boundary does when the load raises
    assert calls == ["satisfies", "mitigates", "evidenced_by"]
    assert dump() == before


def test_first_load_into_empty_database_is_atomic(
    app: Flask, mini_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump()

    def boom(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(repo, "_sync_edges", boom)
    with pytest.raises(RuntimeError):
        load_library(mini_library)
    db.session.rollback()  # what the command's boundary does when the load raises
    assert dump() == before
