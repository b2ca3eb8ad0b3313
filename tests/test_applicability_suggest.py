"""Profile answers propose risks; suggested controls are ranked and explained."""

from __future__ import annotations

from pathlib import Path

from riskapp.domain.assessment.applicability import (
    default_answers,
    proposed_risks,
    risks_per_question,
)
from riskapp.domain.assessment.model import AssessmentData, ControlChoice, Scope
from riskapp.domain.assessment.suggest import suggest_controls
from riskapp.domain.library.loader import parse_library
from tests.factories import Files, make_library


def test_untagged_risks_always_apply_and_tagged_ones_follow_answers(mini_library: Path) -> None:
    library = parse_library(mini_library)
    assert proposed_risks(library, {"remote-workforce": False}) == ["R-TST-02"]
    assert proposed_risks(library, {"remote-workforce": True}) == ["R-TST-01", "R-TST-02"]
    assert risks_per_question(library) == {"remote-workforce": 1}
    assert default_answers(library.meta.tags) == {"remote-workforce": False}


def test_ranking_prefers_more_risks_then_more_criteria(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        controls = files["controls/controls.yaml"]["controls"]
        controls[0]["mitigates"] = controls[0]["mitigates"][:1]  # CTL-01: one risk, 2 crit
        controls[1]["criteria"] = {"primary": ["T1.2"], "supporting": []}  # CTL-02: 2 risks

    library = parse_library(make_library(tmp_path / "lib", mutate))
    assessment = AssessmentData(
        name="A",
        organization="Acme",
        scope=Scope("testfw"),
        controls=[ControlChoice("CTL-03")],
    )
    ranked = suggest_controls(library, assessment, ["R-TST-01", "R-TST-02"])
    assert [s.ref for s in ranked] == ["CTL-03", "CTL-02", "CTL-01"]
    assert ranked[0].selected is True and ranked[1].selected is False
    assert ranked[1].reason == (
        "Mitigates 2 of your risks (R-TST-01, R-TST-02); satisfies 1 in-scope criteria "
        "(T1.2 (primary))."
    )
    only_first = suggest_controls(library, assessment, ["R-TST-01"])
    assert [s.ref for s in only_first] == ["CTL-01", "CTL-03", "CTL-02"]
