"""Coverage rules over the small library."""

from __future__ import annotations

from pathlib import Path

from riskapp.domain.assessment.model import AssessmentData, ControlChoice, RiskRating, Scope
from riskapp.domain.coverage.report import CoveringControl as CC
from riskapp.domain.coverage.report import compute_coverage, criterion_status
from riskapp.domain.library.loader import parse_library


def assessment(*controls: ControlChoice, risks=(), appetite: int = 9) -> AssessmentData:
    return AssessmentData(
        name="A",
        organization="Acme",
        scope=Scope(framework="testfw", appetite=appetite),
        controls=list(controls),
        risks=list(risks),
    )


def test_status_rule() -> None:
    assert criterion_status([]) == "gap"
    assert criterion_status([CC("A", "primary", "implemented")]) == "covered"
    assert criterion_status([CC("A", "primary", "partially-implemented")]) == "covered"
    assert criterion_status([CC("A", "primary", "planned")]) == "partial"
    assert criterion_status([CC("A", "supporting", "implemented")]) == "partial"
    assert criterion_status([CC("A", "primary", "not-applicable")]) == "gap"


def test_coverage_counts_per_series_and_overall(mini_library: Path) -> None:
    library = parse_library(mini_library)
    result = compute_coverage(
        library,
        assessment(ControlChoice("CTL-02", status="implemented")),
    )
    assert [(c.ref, c.status) for c in result.criteria] == [
        ("T1.1", "partial"),
        ("T1.2", "covered"),
    ]
    assert result.by_series["T1"].as_dict() == {
        "covered": 1,
        "partial": 1,
        "gap": 0,
        "not_applicable": 0,
        "carved_out": 0,
    }
    assert result.overall.percent("covered") == 50.0
    assert result.criteria[0].missing == "Only supporting controls; select a primary control."


def test_unmitigated_risks_are_those_to_mitigate_above_appetite(mini_library: Path) -> None:
    library = parse_library(mini_library)
    risks = [
        RiskRating("R-TST-01", 4, 4, treatment="mitigate"),
        RiskRating("R-TST-02", 2, 2, treatment="mitigate"),
    ]
    result = compute_coverage(library, assessment(risks=risks))
    assert result.unmitigated_risks == ["R-TST-01"]
    assert [c.status for c in result.criteria] == ["gap", "gap"]
    result = compute_coverage(
        library, assessment(ControlChoice("CTL-03", status="planned"), risks=risks)
    )
    assert result.unmitigated_risks == []
