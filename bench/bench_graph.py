"""Benchmark the library graph and its questions against plain dict passes.

Run: python bench/bench_graph.py [--runs N]

Prints medians for the shipped library and a synthetic one (5,000 controls,
1,000 criteria, 20,000 control-criterion edges, 2,000 risks, every control
selected): building the graph, fetching it from the per-library cache, and
each graph question beside the dict pass over the library's edge lists that
answers the same question. The docstrings of `riskapp/domain/graph/questions.py`
say which way is faster where it matters.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from harness import median_time
from synthetic import synthetic_library, type2_assessment

from riskapp.domain.graph.build import build_graph, library_graph
from riskapp.domain.graph.questions import (
    controls_closing,
    criteria_reached,
    failed_control_impact,
    unmitigated_risks,
)
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import Library

ROOT = Path(__file__).resolve().parent.parent


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.3f} ms"


def dict_criteria_reached(library: Library, controls: list[str]) -> dict:
    wanted = set(controls)
    reached: dict = {}
    for e in library.satisfies:
        if e.control in wanted:
            key = (e.framework, e.criterion)
            if e.strength == "primary" or key not in reached:
                reached[key] = e.strength
    return reached


def dict_unmitigated(library: Library, selected: list[str], risks: list[str]) -> list[str]:
    chosen = set(selected)
    mitigated = {e.risk for e in library.mitigates if e.control in chosen}
    return [r for r in risks if r not in mitigated]


def dict_closers(library: Library) -> dict:
    found: dict = defaultdict(list)
    for e in library.satisfies:
        found[(e.framework, e.criterion)].append((e.control, e.strength))
    return found


def bench(name: str, library: Library, runs: int) -> None:
    print(
        f"== {name}: {len(library.controls)} controls, {len(library.criteria)} criteria, "
        f"{len(library.satisfies)} satisfies, {len(library.risks)} risks =="
    )
    build, graph = median_time(lambda: build_graph(library), runs)
    library_graph(library)
    cached, _ = median_time(lambda: library_graph(library), runs)
    print(f"build the graph                  {ms(build)}")
    print(f"library_graph (cached)           {ms(cached)}")

    controls = list(library.controls)
    few = controls[:50]
    t_graph, a = median_time(lambda: criteria_reached(graph, few), runs)
    t_dict, b = median_time(lambda: dict_criteria_reached(library, few), runs)
    assert a == b
    print(f"criteria reached by 50 controls  graph {ms(t_graph)}   dict pass {ms(t_dict)}")

    risks = list(library.risks)
    half = controls[::2]
    t_graph, a = median_time(lambda: unmitigated_risks(graph, half, risks), runs)
    t_dict, b = median_time(lambda: dict_unmitigated(library, half, risks), runs)
    assert a == b
    print(f"unmitigated risks, every risk    graph {ms(t_graph)}   dict pass {ms(t_dict)}")

    criteria = [(c.framework, c.ref) for c in library.criteria.values()]
    one = criteria[0]
    t_graph, _ = median_time(lambda: controls_closing(graph, *one), runs)
    t_dict, _ = median_time(lambda: dict_closers(library)[one], runs)
    print(f"controls closing one criterion   graph {ms(t_graph)}   dict pass {ms(t_dict)}")
    t_graph, _ = median_time(lambda: [controls_closing(graph, *c) for c in criteria], runs)
    t_dict, _ = median_time(lambda: dict_closers(library), runs)
    print(f"controls closing every criterion graph {ms(t_graph)}   dict pass {ms(t_dict)}")

    assessment = type2_assessment(library, controls)
    implemented = next(c.ref for c in assessment.controls if c.status == "implemented")
    t, impact = median_time(lambda: failed_control_impact(library, assessment, implemented), runs)
    print(
        f"failed control impact ({implemented}) {ms(t)}: {len(impact.exposed_criteria)} criteria, "
        f"{len(impact.risks_rising)} risks, {len(impact.policies)} policies"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bench("shipped library", parse_library(ROOT / "seed_library"), args.runs)
    bench("synthetic library", synthetic_library(), max(3, args.runs // 3))


if __name__ == "__main__":
    main()
