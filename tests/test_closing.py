"""What closes a gap, and the closing set over the small and the shipped library."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from riskapp.domain.assessment.model import AssessmentData, ControlChoice, RiskRating, Scope
from riskapp.domain.coverage.closing import closing_set, gap_targets, needs_new_control
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.library.loader import parse_library

SEED = Path(__file__).resolve().parent.parent / "seed_library"


def assessment(*controls: ControlChoice, risks=(), framework="testfw", categories=("security",)):
    return AssessmentData(
        name="A",
        organization="Acme",
        scope=Scope(framework=framework, categories=categories, appetite=9),
        controls=list(controls),
        risks=list(risks),
    )


def test_a_gap_is_closed_by_controls_that_satisfy_it_as_primary(mini_library: Path) -> None:
    library = parse_library(mini_library)
    data = assessment()
    targets = {
        t.ref: t.candidates for t in gap_targets(library, data, compute_coverage(library, data))
    }
    # T1.1: CTL-01 primary (CTL-02 and CTL-03 only support it); T1.2: CTL-01 and CTL-02
    assert targets == {"T1.1": ("CTL-01",), "T1.2": ("CTL-01", "CTL-02")}
    found = closing_set(library, data, compute_coverage(library, data))
    assert found.refs == ("CTL-01",)
    assert found.controls[0].closes == ("T1.1", "T1.2")
    assert found.cover.proven_minimal


def test_planned_primaries_need_implementing_not_more_controls(mini_library: Path) -> None:
    library = parse_library(mini_library)
    data = assessment(ControlChoice("CTL-02", status="planned"))
    coverage = compute_coverage(library, data)
    by_ref = {c.ref: c for c in coverage.criteria}
    # T1.1 has only CTL-02 supporting it: it needs a primary; T1.2 has CTL-02 planned
    assert [by_ref["T1.1"].status, by_ref["T1.2"].status] == ["partial", "partial"]
    assert needs_new_control(by_ref["T1.1"]) and not needs_new_control(by_ref["T1.2"])
    assert by_ref["T1.2"].missing == "Primary control(s) CTL-02 not yet implemented."
    assert [t.ref for t in gap_targets(library, data, coverage)] == ["T1.1"]
    assert closing_set(library, data, coverage).refs == ("CTL-01",)


def test_a_primary_marked_not_applicable_leaves_the_gap_open(mini_library: Path) -> None:
    library = parse_library(mini_library)
    data = assessment(ControlChoice("CTL-01", status="not-applicable", na_reason="no staff"))
    coverage = compute_coverage(library, data)
    assert [c.status for c in coverage.criteria] == ["gap", "gap"]
    assert coverage.criteria[0].missing == (
        "No selected control satisfies this criterion. "
        "Primary control(s) CTL-01 marked not applicable."
    )
    found = closing_set(library, data, coverage)
    # CTL-01 is already selected (as not applicable): it is no candidate, so T1.1 cannot close
    assert found.refs == ("CTL-02",)
    assert [t.ref for t in found.unclosable] == ["T1.1"]


def test_unmitigated_risks_join_the_targets_only_when_asked(mini_library: Path) -> None:
    library = parse_library(mini_library)
    # only CTL-03 mitigates R-TST-02 here
    library.mitigates = [
        e for e in library.mitigates if e.risk != "R-TST-02" or e.control == "CTL-03"
    ]
    risks = [RiskRating("R-TST-02", 4, 4, treatment="mitigate")]
    data = assessment(ControlChoice("CTL-01", status="implemented"), risks=risks)
    coverage = compute_coverage(library, data)
    assert coverage.overall.gap == 0 and coverage.unmitigated_risks == ["R-TST-02"]
    assert closing_set(library, data, coverage).refs == ()
    with_risks = closing_set(library, data, coverage, include_risks=True)
    assert with_risks.refs == ("CTL-03",)
    assert with_risks.controls[0].closes == ("R-TST-02",)


def test_the_closing_set_covers_the_whole_shipped_library_once_implemented() -> None:
    library = parse_library(SEED)
    framework = next(iter(library.frameworks.values()))
    categories = tuple(c.key for c in framework.categories)
    risks = [RiskRating(ref, 5, 5, treatment="mitigate") for ref in library.risks]
    data = assessment(framework=framework.slug, categories=categories, risks=risks)
    coverage = compute_coverage(library, data)
    assert coverage.overall.gap == 61

    found = closing_set(library, data, coverage, include_risks=True)
    assert found.cover.proven_minimal and not found.unclosable
    closed = replace(
        data, controls=[ControlChoice(ref, status="implemented") for ref in found.refs]
    )
    after = compute_coverage(library, closed)
    assert after.overall.as_dict() == {
        "covered": 61,
        "partial": 0,
        "gap": 0,
        "not_applicable": 0,
        "carved_out": 0,
    }
    assert after.unmitigated_risks == []
    # minimal: dropping any one control of the set reopens something
    for ref in found.refs:
        fewer = replace(
            data,
            controls=[ControlChoice(r, status="implemented") for r in found.refs if r != ref],
        )
        left = compute_coverage(library, fewer)
        assert left.overall.covered < 61 or left.unmitigated_risks, ref


def _milp_cover(needs: dict[str, tuple[str, ...]], preference: list[str]) -> tuple[str, ...]:
    """The closing set as it was computed before: one weighted programme, no start, no split."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    from riskapp.domain.coverage.setcover import _normalise

    candidates, _targets, rows, _unclosable = _normalise(needs, preference)
    if not rows:
        return ()
    n = len(candidates)
    data_rows = [t for t, row in enumerate(rows) for _ in row]
    data_cols = [c for row in rows for c in sorted(row)]
    matrix = coo_array((np.ones(len(data_cols)), (data_rows, data_cols)), shape=(len(rows), n))
    result = milp(
        1.0 + np.arange(n, dtype=float) / (n * n + 1),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix.tocsr(), lb=1, ub=np.inf),
        options={"mip_rel_gap": 0.0},
    )
    assert result.status == 0
    return tuple(candidates[c] for c in range(n) if result.x[c] > 0.5)


def test_the_shipped_library_gets_the_same_closing_set_as_the_single_programme() -> None:
    import random

    from riskapp.domain.coverage.closing import _ranked_targets

    library = parse_library(SEED)
    framework = next(iter(library.frameworks.values()))
    categories = tuple(c.key for c in framework.categories)
    rng = random.Random(3)
    refs = list(library.controls)
    for _ in range(6):
        data = assessment(
            *(ControlChoice(r, status="implemented") for r in rng.sample(refs, rng.randint(0, 40))),
            framework=framework.slug,
            categories=categories[: rng.randint(1, len(categories))],
            risks=[RiskRating(ref, 5, 5, treatment="mitigate") for ref in library.risks],
        )
        coverage = compute_coverage(library, data)
        for include_risks in (False, True):
            targets, preference = _ranked_targets(library, data, coverage, include_risks)
            expected = _milp_cover({t.key: t.candidates for t in targets}, preference)
            found = closing_set(library, data, coverage, include_risks=include_risks)
            assert found.refs == expected and found.cover.proven_minimal
