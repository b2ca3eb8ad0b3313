"""What failed controls affect: the batch rule on the small library, and the demo by hand."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskapp.config import SEED_LIBRARY
from riskapp.domain.assessment.exclusions import CriterionExclusion
from riskapp.domain.assessment.model import ControlChoice
from riskapp.domain.errors import NotFound
from riskapp.domain.graph import build
from riskapp.domain.graph.impact import failed_controls_impact
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Library
from riskapp.extensions import db
from riskapp.models import Assessment
from riskapp.repository.assessments import to_assessment_data
from riskapp.services import exports, impact
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.assessment_factories import make_assessment


@pytest.fixture
def library(mini_library: Path) -> Library:
    return parse_library(mini_library)


def test_failing_two_controls_together_counts_what_neither_alone_would(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", status="implemented"),
        ControlChoice("CTL-02", status="not-applicable"),
        ControlChoice("CTL-03", status="partially-implemented"),
    )
    # alone, CTL-01's criteria keep CTL-03 (supporting) mapped: they fall to partial
    alone = failed_controls_impact(library, assessment, ["CTL-01"])
    assert [(c.ref, c.becomes) for c in alone.criteria] == [
        ("T1.1", "partial"),
        ("T1.2", "partial"),
    ]
    # with CTL-03 failed as well nothing applicable maps them: gaps, both lost to CTL-01
    both = failed_controls_impact(library, assessment, ["CTL-01", "CTL-03"])
    assert [(c.ref, c.becomes, c.lost) for c in both.criteria] == [
        ("T1.1", "gap", ("CTL-01",)),
        ("T1.2", "gap", ("CTL-01",)),
    ]
    assert {p.ref: p.controls for p in both.policies}["POL-ONE"][0] == "CTL-01"
    # a criterion set aside is not exposed; an unknown ref is named
    set_aside = make_assessment(
        *assessment.controls,
        exclusions=[CriterionExclusion("testfw", "T1.1", "not_applicable", "No such system.")],
    )
    assert [c.ref for c in failed_controls_impact(library, set_aside, ["CTL-01"]).criteria] == [
        "T1.2"
    ]
    with pytest.raises(NotFound, match="CTL-09"):
        failed_controls_impact(library, assessment, ["CTL-01", "CTL-09"])


def test_a_planned_control_that_fails_exposes_nothing_it_never_covered(library: Library) -> None:
    found = failed_controls_impact(library, make_assessment(), ["CTL-02"])
    assert found.criteria == () and found.risks == ()


def test_the_batch_reads_the_cached_library_graph_and_never_copies_it(library: Library) -> None:
    graph = build.library_graph(library)
    failed_controls_impact(library, make_assessment(), ["CTL-01"])
    assert build.library_graph(library) is graph


def test_failing_rsk01_on_the_demo_matches_a_count_by_hand_from_the_seed_files(app) -> None:
    load_library(SEED_LIBRARY)
    _org, assessment_id = create_demo("Demo Co", today=date(2026, 6, 1))
    row = db.session.get(Assessment, assessment_id)
    data = to_assessment_data(db.session, row)
    status = {c.ref: c.status for c in data.controls}
    # The premises, read from the demo: of the controls the seed files map to CC3.1–CC3.3
    # (controls/risk-management.yaml, governance.yaml, business-continuity.yaml, privacy.yaml,
    # secure-development.yaml, vendor-management.yaml) only RSK-01, GOV-10 and GOV-11 are
    # selected; of those mitigating R-GOV-01 (RSK-01..04, GOV-11, GOV-14) only RSK-01 and GOV-11.
    mapping = {
        "RSK-01", "RSK-02", "RSK-03", "RSK-04", "RSK-05", "GOV-05", "GOV-08", "GOV-10", "GOV-11",
        "GOV-14", "GOV-15", "BCP-07", "PRV-14", "SDL-04", "SDL-08", "VND-02", "VND-10",
    }  # fmt: skip
    assert {ref: status[ref] for ref in mapping if ref in status} == {
        "RSK-01": "implemented",
        "GOV-10": "implemented",
        "GOV-11": "planned",
    }
    assert (data.rating("R-GOV-01").likelihood, data.rating("R-GOV-01").impact) == (3, 3)

    found = impact.impact_of_ineffective(row, ["RSK-01"])
    # RSK-01 is the only selected primary of CC3.1 (RSK-04 is not selected; GOV-10 supports it),
    # of CC3.2 (RSK-02 not selected; GOV-11, planned, supports it) and of CC3.3 (GOV-05 and
    # GOV-08 not selected): CC3.1 and CC3.2 keep a supporting control (partial), CC3.3 has none.
    assert [(c.ref, c.becomes) for c in found.criteria] == [
        ("CC3.1", "partial"),
        ("CC3.2", "partial"),
        ("CC3.3", "gap"),
    ]
    # R-GOV-01 is 3 × 3; RSK-01 (preventive, likelihood −3) is the only implemented mitigation,
    # so today 1 × 3 = 3, and without it 3 × 3 = 9 (GOV-11 is only planned).
    assert [(r.ref, r.before, r.after) for r in found.risks] == [("R-GOV-01", 3, 9)]
    assert [p.ref for p in found.policies] == ["POL-RISK-MANAGEMENT"]
    # a ref no longer selected is left out of the deviation register's question
    assert impact.impact_of_ineffective(row, ["RSK-01", "RSK-02"]).failed == ("RSK-01",)

    # the workbook's sheet says the same, row by row
    book = load_workbook(io.BytesIO(exports.workbook_file(assessment_id).content))
    rows = [
        [c.value for c in r]
        for r in book["If a control fails"].iter_rows(min_row=2)
        if r[0].value == "RSK-01"
    ]
    assert rows[2][:4] == ["RSK-01", "implemented", "criterion", "CC3.3"]
    assert rows[2][5:] == ["covered", "gap"]
    assert rows[3][2:] == ["risk", "R-GOV-01", "Significant risks go unweighed", 3, 9]
    assert rows[4][2:4] == ["policy", "POL-RISK-MANAGEMENT"]
