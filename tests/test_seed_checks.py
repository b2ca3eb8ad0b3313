"""The shipped declared checks run over the sample populations in seed_library/docs/populations."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from riskapp.config import SEED_LIBRARY
from riskapp.domain.library.loader import parse_library
from riskapp.domain.period.population_file import parse_population
from riskapp.domain.testing.checks import run_checks, spec_from_data
from riskapp.domain.testing.reconcile import reconcile

SAMPLES = Path(SEED_LIBRARY) / "docs" / "populations"
EXPECTED = {
    "CHG-01": ("CHG-01-pull-requests.csv", {
        "PR-1043": ["reviewer-not-author"],
        "PR-1044": ["approved-before-merge"],
        "PR-1045": ["approved-before-merge", "reviewer-not-author"],
    }),
    "IAM-03": ("IAM-03-access-requests.csv", {
        "REQ-311": ["approved-before-granted"],
        "REQ-312": ["approver-not-requester"],
        "REQ-313": ["approved-before-granted", "approver-named", "approver-not-requester"],
    }),
    "IAM-04": ("IAM-04-leavers.csv", {
        "E-1093": ["removed-within-one-business-day"],
        "E-1120": ["offboarding-ticket"],
        "E-1131": ["removed-within-one-business-day"],
    }),
    "HR-01": ("HR-01-new-hires.csv", {
        "E-1141": ["check-before-start"],
        "E-1142": ["check-passed"],
        "E-1143": ["check-before-start", "check-passed"],
    }),
    "HR-03": ("HR-03-joiners-training.csv", {
        "E-1142": ["trained-within-30-days"],
        "E-1143": ["trained-within-30-days"],
    }),
}  # fmt: skip


@pytest.fixture(scope="module")
def library():
    return parse_library(SEED_LIBRARY)


def _items(name: str):
    with (SAMPLES / name).open("rb") as handle:
        return parse_population(handle, name, date(2026, 1, 1), date(2026, 12, 31))


def test_every_control_with_checks_has_a_sample_population(library) -> None:
    assert set(library.checks) == set(EXPECTED)
    readme = (Path(SEED_LIBRARY) / "README.md").read_text(encoding="utf-8")
    for file, _ in EXPECTED.values():
        assert f"docs/populations/{file}" in readme


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_a_shipped_control_s_checks_find_the_sample_s_planted_deviations(library, ref) -> None:
    file, expected = EXPECTED[ref]
    parsed = _items(file)
    specs = [spec_from_data(d) for d in library.checks[ref]["checks"]]
    run = run_checks(specs, parsed.items, parsed.columns)
    assert run.cannot_run == ()
    found: dict[str, list[str]] = defaultdict(list)
    for failure in run.failures:
        found[failure.item_id].append(failure.check)
    assert {k: sorted(v) for k, v in found.items()} == expected


def test_the_leavers_sample_reconciles_with_the_disabled_accounts(library) -> None:
    declared = library.checks["IAM-04"]["reconcile"]
    result = reconcile(
        _items("IAM-04-leavers.csv").items,
        declared["key"],
        _items("IAM-04-disabled-accounts.csv").items,
        declared["second_key"],
    )
    assert result.matched == 3
    assert [(m.side, m.item_id) for m in result.mismatches] == [
        ("population", "E-1131"),
        ("second source", "00u1a2b9"),
    ]
