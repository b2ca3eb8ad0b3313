"""`riskapp coverage` on the shipped library, checked against a count made from its YAML."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import yaml
from flask.testing import FlaskCliRunner

from riskapp.config import SEED_LIBRARY
from riskapp.extensions import db
from riskapp.models import Assessment, Control, SelectedControl
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library


def _yaml_mappings() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """Read the criteria (ref → category) and control → (criterion, strength) from the files."""
    framework = yaml.safe_load((SEED_LIBRARY / "frameworks" / "soc2-2017.yaml").read_text())
    categories = {c["ref"]: c["category"] for c in framework["criteria"]}
    mappings: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((SEED_LIBRARY / "controls").glob("*.yaml")):
        for control in yaml.safe_load(path.read_text())["controls"]:
            criteria = control.get("criteria") or {}
            mappings[control["ref"]] = [
                (ref, strength)
                for strength in ("primary", "supporting")
                for ref in criteria.get(strength) or []
            ]
    return categories, mappings


def _independent_count(selected: dict[str, str], in_scope: set[str]) -> dict[str, str]:
    """Apply the coverage rule by hand: criterion ref → covered / partial / gap."""
    categories, mappings = _yaml_mappings()
    status: dict[str, str] = {}
    for ref, category in categories.items():
        if category not in in_scope:
            continue
        hits = [
            (strength, selected[control])
            for control, edges in mappings.items()
            if control in selected and selected[control] != "not-applicable"
            for criterion, strength in edges
            if criterion == ref
        ]
        if any(s == "primary" and st in ("implemented", "partially-implemented") for s, st in hits):
            status[ref] = "covered"
        else:
            status[ref] = "partial" if hits else "gap"
    return status


@pytest.fixture
def demo(app) -> int:
    load_library(SEED_LIBRARY)
    _org_id, assessment_id = create_demo("Demo Co")
    return assessment_id


def _selected(assessment_id: int) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Control.ref, SelectedControl.status)
        .join(SelectedControl, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment_id)
    )
    return {ref: status for ref, status in rows}


def _set_status(assessment_id: int, refs: list[str], status: str) -> None:
    for row in db.session.scalars(
        sa.select(SelectedControl)
        .join(Control, SelectedControl.control_id == Control.id)
        .where(SelectedControl.assessment_id == assessment_id, Control.ref.in_(refs))
    ):
        row.status = status
        row.na_reason = "Not used here." if status == "not-applicable" else ""
    db.session.commit()


def test_coverage_json_matches_an_independent_count(runner: FlaskCliRunner, demo: int) -> None:
    selected = sorted(_selected(demo))
    # make gaps and partials of every kind: not applicable, planned, and removed controls
    _set_status(demo, selected[0:6], "not-applicable")
    _set_status(demo, selected[6:12], "planned")
    _set_status(demo, selected[12:15], "partially-implemented")
    result = runner.invoke(args=["coverage", "--assessment", str(demo), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)

    expected = _independent_count(_selected(demo), {"security", "availability"})
    assert {c["ref"]: c["status"] for c in report["criteria"]} == expected
    statuses = ("covered", "partial", "gap", "not_applicable", "carved_out")
    counted = {s: list(expected.values()).count(s) for s in statuses}
    assert report["totals"] == counted
    assert counted["gap"] > 0 and counted["partial"] > 0 and counted["covered"] > 0
    assert report["percentages"]["gap"] == round(100 * counted["gap"] / 36, 1)
    cc6 = [s for ref, s in expected.items() if ref.startswith("CC6.")]
    assert report["by_series"]["CC6"]["total"] == len(cc6) == 8
    assert report["by_series"]["CC6"]["covered"] == cc6.count("covered")
    assert report["by_category"]["availability"]["total"] == 3
    assert report["by_framework"]["soc2-2017"]["total"] == 36
    assert len(report["criteria"]) == 36  # CC1–CC9 (33) and A1 (3)
    statuses = _selected(demo)
    for item in report["criteria"]:
        assert all(statuses[ref] != "not-applicable" for ref in item["controls"])
    assert isinstance(report["unmitigated_risks"], list)


def test_the_closing_set_it_prints_closes_every_gap(runner: FlaskCliRunner, demo: int) -> None:
    selected = sorted(_selected(demo))
    db.session.execute(
        sa.delete(SelectedControl).where(
            SelectedControl.assessment_id == demo,
            SelectedControl.control_id.in_(
                sa.select(Control.id).where(Control.ref.in_(selected[:20]))
            ),
        )
    )
    db.session.commit()
    before = json.loads(
        runner.invoke(
            args=["coverage", "--assessment", str(demo), "--json", "--closing-set"]
        ).output
    )
    assert before["totals"]["gap"] > 0
    found = before["closing_set"]
    assert found["proven_minimal"] is True and found["unclosable"] == []
    refs = [c["ref"] for c in found["controls"]]
    gaps = {c["ref"] for c in before["criteria"] if c["status"] == "gap"}
    assert gaps <= {ref for c in found["controls"] for ref in c["closes"]}

    # add the set as implemented: no gap is left
    ids = {ref: id_ for ref, id_ in db.session.execute(sa.select(Control.ref, Control.id))}
    db.session.add_all(
        SelectedControl(
            assessment_id=demo, control_id=ids[ref], statement="s", status="implemented"
        )
        for ref in refs
    )
    db.session.commit()
    after = json.loads(runner.invoke(args=["coverage", "--assessment", str(demo), "--json"]).output)
    assert after["totals"]["gap"] == 0


def test_the_text_report_lists_totals_and_what_is_not_covered(
    runner: FlaskCliRunner, demo: int
) -> None:
    _set_status(demo, sorted(_selected(demo))[:3], "not-applicable")
    result = runner.invoke(args=["coverage", "--assessment", str(demo)])
    assert result.exit_code == 0
    name = db.session.get(Assessment, demo).name
    assert result.output.startswith(f"{name}: 36 in-scope criteria\n")
    assert "  CC6 " in result.output
    report = json.loads(
        runner.invoke(args=["coverage", "--assessment", str(demo), "--json"]).output
    )
    for item in report["criteria"]:
        if item["status"] == "gap":
            assert f"gap     {item['ref']} (" in result.output


def test_an_unknown_assessment_is_a_clear_error(runner: FlaskCliRunner, app) -> None:
    result = runner.invoke(args=["coverage", "--assessment", "4040", "--json"])
    assert result.exit_code == 1
    assert "Error: assessment 4040 not found." in result.output


def test_an_unproven_closing_set_is_printed_with_its_lower_bound(
    runner: FlaskCliRunner, demo: int, monkeypatch
) -> None:
    """A set the solver could not prove minimal says so, with how many are needed at least."""
    from dataclasses import replace

    from riskapp.domain.coverage import closing

    real = closing.smallest_cover

    def unproven(*args, **kwargs):  # as a part too large to prove would come back
        found = real(*args, **kwargs)
        return replace(found, proven_minimal=False, method="local-search", lower_bound=1)

    monkeypatch.setattr(closing, "smallest_cover", unproven)
    _set_status(demo, sorted(_selected(demo))[:3], "not-applicable")
    result = runner.invoke(args=["coverage", "--assessment", str(demo), "--closing-set"])
    assert result.exit_code == 0
    assert "(not proven minimal; at least 1 needed)" in result.output
