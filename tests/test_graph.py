"""The typed networkx graph of the library, and the questions that are graph questions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from riskapp.domain.assessment.model import ControlChoice, CustomContent, RiskRating
from riskapp.domain.coverage.report import unmitigated_risks as unmitigated_by_dict_pass
from riskapp.domain.errors import NotFound
from riskapp.domain.graph import build as g
from riskapp.domain.graph.questions import (
    RiskRise,
    controls_closing,
    criteria_reached,
    failed_control_impact,
    unmitigated_risks,
)
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Control, Library, Mitigates, Risk, Satisfies
from tests.assessment_factories import make_assessment


@pytest.fixture
def library(mini_library: Path) -> Library:
    return parse_library(mini_library)


def test_library_graph_has_typed_nodes_and_edges(library: Library) -> None:
    graph = g.build_graph(library)
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    assert kinds == {
        "framework": 1,
        "criterion": 2,
        "risk": 2,
        "control": 3,
        "evidence": 2,
        "policy": 2,
    }
    edges = Counter(kind for _, _, kind in graph.edges(data="kind"))
    assert edges == {
        "contains": 3,
        "satisfies": 6,
        "mitigates": 6,
        "evidenced_by": 4,
        "documented_in": 4,
    }
    edge = graph.edges["control:CTL-02", "criterion:testfw:T1.1"]
    assert edge["strength"] == "supporting"
    assert graph.edges["control:CTL-01", "risk:R-TST-01"]["likelihood"] == 1
    assert graph.nodes["risk:R-TST-01"]["likelihood"] == 3
    assert graph.edges["criterion:testfw:T1.1", "criterion:testfw:T1.2"]["kind"] == "contains"


def test_the_library_graph_is_built_once_per_library(library: Library, mini_library: Path) -> None:
    first = g.library_graph(library)
    assert g.library_graph(library) is first
    assert g.library_graph(parse_library(mini_library)) is not first


def test_custom_content_goes_into_a_copy_marked_custom(library: Library) -> None:
    custom = CustomContent(
        risks=[Risk("R-ACME-01", "Acme risk", "governance", "t", "w", "c", 2, "", 3, "")],
        controls=[
            Control(
                "C-ACME-01",
                "Acme control",
                "The {owner} ...",
                "governance",
                "preventive",
                "manual",
                "annual",
                "CEO",
            )
        ],
        satisfies=[Satisfies("C-ACME-01", "testfw", "T1.1", "supporting")],
        mitigates=[Mitigates("C-ACME-01", "R-ACME-01", 1, 0)],
    )
    graph = g.assessment_graph(library, custom)
    assert graph is not g.library_graph(library)
    assert "control:C-ACME-01" not in g.library_graph(library)
    assert graph.nodes["control:C-ACME-01"]["custom"] is True
    assert graph.edges["control:C-ACME-01", "criterion:testfw:T1.1"]["custom"] is True
    assert g.assessment_graph(library, CustomContent()) is g.library_graph(library)
    assert unmitigated_risks(graph, ["CTL-01"], ["R-TST-01", "R-ACME-01"]) == ["R-ACME-01"]
    assert unmitigated_risks(graph, ["C-ACME-01"], ["R-TST-01", "R-ACME-01"]) == ["R-TST-01"]


def test_criteria_reached_prefers_primary(library: Library) -> None:
    graph = g.library_graph(library)
    assert criteria_reached(graph, ["CTL-03"]) == {
        ("testfw", "T1.1"): "supporting",
        ("testfw", "T1.2"): "supporting",
    }
    assert criteria_reached(graph, ["CTL-03", "CTL-02", "NOPE"]) == {
        ("testfw", "T1.1"): "supporting",
        ("testfw", "T1.2"): "primary",
    }


def test_controls_closing_a_criterion_come_primary_first(library: Library) -> None:
    graph = g.library_graph(library)
    assert controls_closing(graph, "testfw", "T1.1") == [
        ("CTL-01", "primary"),
        ("CTL-02", "supporting"),
        ("CTL-03", "supporting"),
    ]
    assert controls_closing(graph, "testfw", "T1.2", exclude=["CTL-01"]) == [
        ("CTL-02", "primary"),
        ("CTL-03", "supporting"),
    ]
    assert controls_closing(graph, "testfw", "T9.9") == []


def test_unmitigated_risks_agree_with_the_dict_pass(library: Library) -> None:
    graph = g.library_graph(library)
    assert unmitigated_risks(graph, [], ["R-TST-01", "R-TST-02"]) == ["R-TST-01", "R-TST-02"]
    assert unmitigated_risks(graph, ["CTL-03"], ["R-TST-01", "R-TST-02"]) == []
    risks = [RiskRating("R-TST-01", 5, 5, treatment="mitigate")]
    none_chosen = make_assessment(ControlChoice("CTL-01", status="not-applicable"), risks=risks)
    assert unmitigated_by_dict_pass(library, none_chosen) == ["R-TST-01"]
    assert unmitigated_risks(graph, [], ["R-TST-01"]) == ["R-TST-01"]


def test_a_failed_sole_primary_exposes_its_criteria_raises_risks_and_names_policies(
    library: Library,
) -> None:
    assessment = make_assessment()  # CTL-01 implemented, CTL-02 planned, CTL-03 partial
    impact = failed_control_impact(library, assessment, "CTL-01")
    # CTL-02 is the other primary of T1.2, but only planned, so it does not cover it
    assert impact.exposed_criteria == (("testfw", "T1.1"), ("testfw", "T1.2"))
    # CTL-01 (detective) takes likelihood of R-TST-01 4 → 3 and impact of R-TST-02 2 → 1
    assert impact.risks_rising == (RiskRise("R-TST-01", 12, 16), RiskRise("R-TST-02", 2, 4))
    assert impact.policies == ("POL-ONE", "POL-TWO")
    assert impact.affects_anything


def test_another_effective_primary_keeps_a_criterion_covered(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", status="implemented"),
        ControlChoice("CTL-02", status="partially-implemented"),
    )
    impact = failed_control_impact(library, assessment, "CTL-01")
    assert impact.exposed_criteria == (("testfw", "T1.1"),)


def test_a_control_not_yet_implemented_raises_no_residual_when_it_fails(library: Library) -> None:
    impact = failed_control_impact(library, make_assessment(), "CTL-03")
    assert impact.exposed_criteria == ()  # supporting only
    assert impact.risks_rising == ()  # partially implemented: not in the current residual
    assert impact.policies == ("POL-ONE",)


def test_excluded_and_out_of_scope_items_are_not_affected(library: Library) -> None:
    risks = [RiskRating("R-TST-01", 4, 4, excluded=True, exclusion_reason="n/a")]
    assessment = make_assessment(ControlChoice("CTL-01", status="implemented"), risks=risks)
    impact = failed_control_impact(library, assessment, "CTL-01")
    assert impact.risks_rising == ()
    other_scope = make_assessment(ControlChoice("CTL-01", status="implemented"))
    other_scope.scope = type(other_scope.scope)(framework="otherfw")
    assert failed_control_impact(library, other_scope, "CTL-01").exposed_criteria == ()


def test_a_custom_control_failing_is_answered_too(library: Library) -> None:
    custom = CustomContent(
        controls=[
            Control("C-OWN", "Own", "s", "governance", "preventive", "manual", "annual", "CEO")
        ],
        satisfies=[Satisfies("C-OWN", "testfw", "T1.1", "primary")],
        mitigates=[Mitigates("C-OWN", "R-TST-01", 2, 0)],
    )
    assessment = make_assessment(
        ControlChoice("C-OWN", status="implemented"),
        risks=[RiskRating("R-TST-01", 4, 4, treatment="mitigate")],
        custom=custom,
    )
    impact = failed_control_impact(library, assessment, "C-OWN")
    assert impact.exposed_criteria == (("testfw", "T1.1"),)
    assert impact.risks_rising == (RiskRise("R-TST-01", 8, 16),)
    assert impact.policies == ()


def test_asking_about_a_control_that_is_not_selected_is_not_found(library: Library) -> None:
    with pytest.raises(NotFound, match="CTL-02"):
        failed_control_impact(library, make_assessment(ControlChoice("CTL-01")), "CTL-02")


def test_the_service_answers_for_a_stored_assessment(two_orgs) -> None:
    from riskapp.extensions import db
    from riskapp.models import Control, SelectedControl
    from riskapp.services import wizard
    from riskapp.services.impact import failed_control_impact as impact_of

    assessment = two_orgs.assessment_a
    wizard.save_profile(assessment, {"remote-workforce": True})
    wizard.select_controls(assessment, ["CTL-01"], {})
    chosen = db.session.query(SelectedControl).join(Control).filter(Control.ref == "CTL-01").one()
    chosen.status = "implemented"
    db.session.flush()
    impact = impact_of(assessment, "CTL-01")
    assert impact.exposed_criteria == (("testfw", "T1.1"), ("testfw", "T1.2"))
    assert [r.ref for r in impact.risks_rising] == ["R-TST-01", "R-TST-02"]
    assert impact.policies == ("POL-ONE", "POL-TWO")
