"""The fast coverage paths give the same answers as the plain rules they replace.

The edge index, the shared mapping values and the sparse heatmap are checked
against straightforward reference implementations, on the shipped library
and on random instances.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from riskapp.domain.assessment.model import (
    STATUSES,
    AssessmentData,
    ControlChoice,
    CustomContent,
    RiskRating,
    Scope,
    in_scope_criteria,
)
from riskapp.domain.assessment.scoring import inherent_score, needs_treatment
from riskapp.domain.coverage.columns import column_controls
from riskapp.domain.coverage.report import compute_coverage, criterion_status
from riskapp.domain.library import model as dom
from riskapp.domain.library.loader import parse_library
from riskapp.figures.coverage_cells import cell_code, control_cells, domain_cells

SEED = Path(__file__).resolve().parent.parent / "seed_library"


def reference_coverage(library: dom.Library, data: AssessmentData) -> list[tuple]:
    """The coverage rules as first written: every edge walked, each criterion sorted."""
    status_of = {c.ref: c.status for c in data.controls}
    by_criterion: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for e in (*library.satisfies, *data.custom.satisfies):
        if e.control in status_of:
            by_criterion[(e.framework, e.criterion)].append(
                (e.control, e.strength, status_of[e.control])
            )
    rows = []
    for key in in_scope_criteria(library, data.scope):
        controls = sorted(by_criterion.get(key, ()), key=lambda c: (c[1] != "primary", c[0]))
        rows.append((key, controls))
    return rows


def reference_unmitigated(library: dom.Library, data: AssessmentData) -> list[str]:
    applicable = {c.ref for c in data.controls if c.status != "not-applicable"}
    mitigated = {
        e.risk for e in (*library.mitigates, *data.custom.mitigates) if e.control in applicable
    }
    return [
        r.ref
        for r in data.risks
        if not r.excluded
        and r.treatment == "mitigate"
        and needs_treatment(inherent_score(r.likelihood, r.impact), data.scope.appetite)
        and r.ref not in mitigated
    ]


def random_assessment(library: dom.Library, rng: random.Random) -> AssessmentData:
    framework = next(iter(library.frameworks.values()))
    refs = list(library.controls)
    chosen = rng.sample(refs, rng.randint(0, len(refs)))
    custom = CustomContent()
    criteria = [k for k in library.criteria if k[0] == framework.slug]
    for n in range(rng.randint(0, 3)):  # custom controls, mapped to library criteria
        ref = f"CUS-{n}"
        chosen.append(ref)
        for key in rng.sample(criteria, min(3, len(criteria))):
            strength = rng.choice(dom.STRENGTHS)
            custom.satisfies.append(dom.Satisfies(ref, key[0], key[1], strength))
    return AssessmentData(
        name="Random",
        organization="Acme",
        scope=Scope(
            framework=framework.slug,
            categories=tuple(c.key for c in framework.categories if rng.random() < 0.7),
            appetite=rng.randint(1, 25),
        ),
        controls=[ControlChoice(ref, status=rng.choice(STATUSES)) for ref in chosen],
        risks=[
            RiskRating(ref, rng.randint(1, 5), rng.randint(1, 5), treatment="mitigate")
            for ref in library.risks
            if rng.random() < 0.8
        ],
        custom=custom,
    )


def assert_same_coverage(library: dom.Library, data: AssessmentData) -> None:
    found = compute_coverage(library, data)
    expected = reference_coverage(library, data)
    assert [((c.framework, c.ref), [(m.ref, m.strength, m.status) for m in c.controls])
            for c in found.criteria] == expected  # fmt: skip
    assert [c.status for c in found.criteria] == [
        criterion_status([_cc(*m) for m in controls]) for _key, controls in expected
    ]
    assert found.unmitigated_risks == reference_unmitigated(library, data)


def _cc(ref: str, strength: str, status: str):  # type: ignore[no-untyped-def]
    from riskapp.domain.coverage.report import CoveringControl

    return CoveringControl(ref, strength, status)


def test_coverage_matches_the_reference_on_the_shipped_library() -> None:
    library = parse_library(SEED)
    rng = random.Random(17)
    for _ in range(25):
        assert_same_coverage(library, random_assessment(library, rng))


def test_coverage_matches_the_reference_on_random_libraries() -> None:
    rng = random.Random(5)
    for _ in range(30):
        library = _random_library(rng)
        for _ in range(3):
            assert_same_coverage(library, random_assessment(library, rng))


def test_a_library_extended_after_use_is_read_with_its_new_edges() -> None:
    rng = random.Random(3)
    library = _random_library(rng)
    data = random_assessment(library, rng)
    assert_same_coverage(library, data)
    key = next(iter(library.criteria))
    library.satisfies.append(dom.Satisfies(data.controls[0].ref, key[0], key[1], "primary"))
    library.mitigates.append(dom.Mitigates(data.controls[0].ref, next(iter(library.risks)), 1, 1))
    assert_same_coverage(library, data)
    library.satisfies = library.satisfies[:-3]
    assert_same_coverage(library, data)


def _random_library(rng: random.Random) -> dom.Library:
    lib = dom.Library(meta=dom.LibraryMeta(name="r", version="1"))
    lib.frameworks["fw"] = dom.Framework(
        "fw", "FW", "1", (dom.Category("sec", "Security", True),), (dom.Series("S", "S", "sec"),)
    )
    for n in range(rng.randint(1, 12)):
        lib.criteria[("fw", f"S{n}")] = dom.Criterion("fw", f"S{n}", "S", "sec", "t", "d", ())
    for n in range(rng.randint(1, 15)):
        ref = f"C{n:02d}"
        lib.controls[ref] = dom.Control(ref, f"title {n}", "s", rng.choice(dom.DOMAINS[:4]),
                                        "preventive", "manual", "annual", "CTO")  # fmt: skip
    for n in range(rng.randint(0, 6)):
        lib.risks[f"R{n}"] = dom.Risk(f"R{n}", "t", "governance", "", "", "", 3, "", 3, "")
    for ref in lib.controls:
        for key in rng.sample(list(lib.criteria), rng.randint(0, len(lib.criteria))):
            lib.satisfies.append(dom.Satisfies(ref, *key, rng.choice(dom.STRENGTHS)))
        for risk in rng.sample(list(lib.risks), rng.randint(0, len(lib.risks))):
            lib.mitigates.append(dom.Mitigates(ref, risk, 1, 0))
    return lib


def test_heatmap_cells_are_exactly_the_mappings_of_selected_columns() -> None:
    library = parse_library(SEED)
    rng = random.Random(11)
    for _ in range(10):
        data = random_assessment(library, rng)
        data.custom.controls.extend(
            dom.Control(c.ref, "own", "s", "governance", "preventive", "manual", "annual", "CTO")
            for c in data.controls
            if c.ref.startswith("CUS-")
        )
        coverage = compute_coverage(library, data)
        columns = column_controls(library, data)
        cells, labels = control_cells(coverage, columns)
        expected = {
            (i, j, cell_code(m.strength, m.status), f"{m.strength} · ")
            for i, item in enumerate(coverage.criteria)
            for m in item.controls
            for j, col in enumerate(columns)
            if col.ref == m.ref
        }
        assert len(cells) == len(expected)
        assert {
            (i, j, code, labels[k].split("· ")[0] + "· ") for i, j, code, k in cells
        } == expected
        # the domain grid: one cell per criterion and domain, counting its mapped controls
        domains = list(dict.fromkeys(c.domain for c in columns))
        grouped, texts = domain_cells(coverage, columns, domains)
        domain_of = {c.ref: c.domain for c in columns}
        counts: dict[tuple[int, int], list[int]] = {}
        for i, item in enumerate(coverage.criteria):
            for m in item.controls:
                if m.ref in domain_of:
                    j = domains.index(domain_of[m.ref])
                    counts.setdefault((i, j), []).append(cell_code(m.strength, m.status))
        assert {(i, j): code for i, j, code, _k in grouped} == {
            key: max(codes) for key, codes in counts.items()
        }
        for i, j, _code, k in grouped:
            assert texts[k].startswith(f"{len(counts[(i, j)])} selected control")
