"""The typed networkx graph of the library and an assessment's selections."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from riskapp.domain.library import graph as g
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Control, Mitigates, Risk, Satisfies


def test_library_graph_has_typed_nodes_and_edges(mini_library: Path) -> None:
    graph = g.build_graph(parse_library(mini_library))
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


def test_criteria_reached_prefers_primary(mini_library: Path) -> None:
    graph = g.build_graph(parse_library(mini_library))
    assert g.criteria_reached(graph, ["control:CTL-03"]) == {
        "criterion:testfw:T1.1": "supporting",
        "criterion:testfw:T1.2": "supporting",
    }
    assert g.criteria_reached(graph, ["control:CTL-03", "control:CTL-02"]) == {
        "criterion:testfw:T1.1": "supporting",
        "criterion:testfw:T1.2": "primary",
    }


def test_selection_marks_choices_and_adds_custom_content(mini_library: Path) -> None:
    custom_risk = Risk("R-ACME-01", "Acme risk", "governance", "t", "w", "c", 2, "", 3, "")
    custom_control = Control(
        "C-ACME-01",
        "Acme control",
        "The {owner} ...",
        "governance",
        "preventive",
        "manual",
        "annual",
        "CEO",
    )
    selection = g.Selection(
        controls=[
            g.SelectedControl("CTL-01", "implemented"),
            g.SelectedControl("C-ACME-01", "planned"),
        ],
        risks=[g.AssessedRisk("R-TST-01", 4, 5, "mitigate")],
        custom_controls=[custom_control],
        custom_risks=[custom_risk],
        custom_satisfies=[Satisfies("C-ACME-01", "testfw", "T1.1", "supporting")],
        custom_mitigates=[Mitigates("C-ACME-01", "R-ACME-01", 1, 0)],
    )
    graph = g.build_graph(parse_library(mini_library), selection)
    assert graph.nodes["control:CTL-01"]["status"] == "implemented"
    assert graph.nodes["control:C-ACME-01"]["custom"] is True
    assert graph.nodes["risk:R-TST-01"]["assessed_likelihood"] == 4
    assert g.refs(graph, g.selected_controls(graph)) == ["CTL-01", "C-ACME-01"]
    assert g.unmitigated_risks(graph) == []
    graph.nodes["control:C-ACME-01"]["selected"] = False
    assert g.unmitigated_risks(graph) == ["risk:R-ACME-01"]
    assert graph.edges["control:C-ACME-01", "criterion:testfw:T1.1"]["custom"] is True
