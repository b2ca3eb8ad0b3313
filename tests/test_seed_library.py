"""The shipped library: complete, consistent, specific and without near-duplicates."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from riskapp.config import SEED_LIBRARY
from riskapp.domain.library.integrity import find_violations, integrity_problems
from riskapp.domain.library.loader import read_library
from riskapp.domain.library.model import Library
from riskapp.domain.statements.quality import check_statement

SOC2_REFS = (
    [f"CC1.{i}" for i in range(1, 6)]
    + [f"CC2.{i}" for i in range(1, 4)]
    + [f"CC3.{i}" for i in range(1, 5)]
    + [f"CC4.{i}" for i in range(1, 3)]
    + [f"CC5.{i}" for i in range(1, 4)]
    + [f"CC6.{i}" for i in range(1, 9)]
    + [f"CC7.{i}" for i in range(1, 6)]
    + ["CC8.1", "CC9.1", "CC9.2"]
    + [f"A1.{i}" for i in range(1, 4)]
    + ["C1.1", "C1.2"]
    + [f"PI1.{i}" for i in range(1, 6)]
    + ["P1.1", "P2.1", "P3.1", "P3.2", "P4.1", "P4.2", "P4.3", "P5.1", "P5.2"]
    + [f"P6.{i}" for i in range(1, 8)]
    + ["P7.1", "P8.1"]
)
SAMPLE_SETTINGS = {
    "org": "Acme Analytics",
    "owner": "IT Manager",
    "system": "the Acme platform",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "code_repository": "GitHub",
    "ci_pipeline": "GitHub Actions",
    "ticketing_system": "Jira",
    "hr_system": "BambooHR",
    "mdm_tool": "Jamf",
    "logging_platform": "Datadog",
    "monitoring_tool": "PagerDuty",
    "vulnerability_scanner": "Snyk",
    "backup_system": "AWS Backup",
    "password_manager": "1Password",
    "training_platform": "KnowBe4",
    "document_repository": "Confluence",
}
FREQUENCY_NOUNS = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "semi-annual": "half-year",
    "annual": "year",
    "continuous": "day",
    "per-event": "event",
}


@pytest.fixture(scope="module")
def shipped() -> Library:
    library, problems = read_library(SEED_LIBRARY)
    assert [str(p) for p in problems] == []
    return library


def test_shipped_library_passes_every_integrity_rule(shipped: Library) -> None:
    assert [str(p) for p in integrity_problems(shipped)] == []
    assert find_violations(shipped).is_empty()


def test_all_61_soc2_criteria_with_categories(shipped: Library) -> None:
    refs = [ref for slug, ref in shipped.criteria if slug == "soc2-2017"]
    assert sorted(refs) == sorted(SOC2_REFS)
    categories = Counter(c.category for c in shipped.criteria.values())
    assert categories == {
        "security": 33,
        "availability": 3,
        "confidentiality": 2,
        "processing-integrity": 5,
        "privacy": 18,
    }
    for criterion in shipped.criteria.values():
        assert 2 <= len(criterion.points_of_focus) <= 6, criterion.ref
        assert criterion.ref.startswith(criterion.series), criterion.ref


def test_minimum_counts(shipped: Library) -> None:
    assert len(shipped.risks) >= 60
    assert len(shipped.controls) >= 120
    assert len(shipped.evidence) >= 60
    assert len(shipped.policies) >= 20


def test_every_criterion_has_a_primary_and_a_second_control(shipped: Library) -> None:
    per_criterion: dict[str, set[str]] = {}
    primaries: Counter[str] = Counter()
    for edge in shipped.satisfies:
        per_criterion.setdefault(edge.criterion, set()).add(edge.control)
        primaries[edge.criterion] += edge.strength == "primary"
    for ref in SOC2_REFS:
        assert len(per_criterion.get(ref, ())) >= 2, ref
        assert primaries[ref] >= 1, ref


def test_every_risk_category_and_tag_is_used(shipped: Library) -> None:
    categories = {r.category for r in shipped.risks.values()}
    assert len(categories) == 11
    used = {tag for r in shipped.risks.values() for tag in r.tags}
    assert used == set(shipped.meta.tags)
    assert any(not r.tags for r in shipped.risks.values())


def render(statement: str, frequency: str) -> str:
    values = dict(SAMPLE_SETTINGS, frequency=FREQUENCY_NOUNS[frequency])
    return statement.format_map(values)


def test_every_control_statement_is_specific_enough_for_type_2(shipped: Library) -> None:
    failures = []
    for control in shipped.controls.values():
        text = render(control.statement, control.frequency)
        report = check_statement(
            text, known_systems=list(SAMPLE_SETTINGS.values()), owner=control.owner_role
        )
        if not report.passes:
            failures.append(f"{control.ref}: {[f.message for f in report.findings]}")
    assert failures == []


def _normalised_words(text: str) -> list[str]:
    text = re.sub(r"\{[a-z_]+\}", " ", text.lower())
    return re.findall(r"[a-z0-9]+", text)


def _shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def test_no_duplicate_or_near_duplicate_control_statements(shipped: Library) -> None:
    """Flag pairs whose normalised statements share more than 60% of their word 3-grams."""
    shingles = {
        ref: _shingles(_normalised_words(c.statement)) for ref, c in shipped.controls.items()
    }
    close = []
    for (a, sa), (b, sb) in combinations(shingles.items(), 2):
        similarity = len(sa & sb) / len(sa | sb)
        if similarity > 0.6:
            close.append(f"{a} ~ {b}: {similarity:.2f}")
    assert close == []


def test_duplicate_detection_flags_near_copies() -> None:
    a = _shingles(_normalised_words("Each {frequency}, the {owner} reviews access in Okta."))
    b = _shingles(_normalised_words("Each {frequency} the {owner} reviews access in Okta!"))
    assert len(a & b) / len(a | b) == 1.0


def test_statements_name_the_owner_and_a_frequency_placeholder_or_trigger(
    shipped: Library,
) -> None:
    for control in shipped.controls.values():
        if control.frequency not in ("per-event", "continuous"):
            assert "{frequency}" in control.statement, control.ref


def test_library_check_passes_on_the_shipped_library(runner) -> None:
    result = runner.invoke(args=["library", "check"])
    assert result.exit_code == 0, result.output
    assert "library is valid" in result.output


def test_init_loads_the_shipped_library_with_zero_violations(runner, shipped: Library) -> None:
    import json

    assert runner.invoke(args=["init"]).exit_code == 0
    stats = json.loads(runner.invoke(args=["library", "stats", "--json"]).output)
    assert stats["frameworks"] == {"soc2-2017": {"criteria": 61}}
    assert stats["risks"] == len(shipped.risks)
    assert stats["controls"] == len(shipped.controls)
    assert stats["evidence_types"] == len(shipped.evidence)
    assert stats["policies"] == len(shipped.policies)
    assert stats["edges"]["satisfies"] == len(shipped.satisfies)
    assert all(refs == [] for refs in stats["violations"].values())


def test_every_evidence_type_says_population_completeness_and_sample_unit(
    shipped: Library,
) -> None:
    missing = [
        f"{ref}: {name}"
        for ref, evidence in shipped.evidence.items()
        for name in ("population", "completeness", "sample_unit")
        if not getattr(evidence, name).strip()
    ]
    assert missing == []


CONTROLS_V2_EVIDENCE = Path(__file__).parent.parent / "library-v2" / "evidence-controls-v2.yaml"
CONTROLS_V2_REFS = {
    "EV-DEVICE-RETURN",
    "EV-DECOMMISSION-RECORD",
    "EV-EMAIL-AUTH-CONFIG",
    "EV-SAAS-BASELINE",
    "EV-DATA-CHANGE-TICKET",
    "EV-CUSTOMER-NOTICE",
    "EV-REPO-ACCESS-REVIEW",
    "EV-VENDOR-REASSESSMENT",
    "EV-CUEC-MAPPING",
    "EV-SECURITY-CONTACT",
    "EV-DPIA",
    "EV-PRIVACY-TRAINING",
    "EV-SENSITIVE-CONSENT",
    "EV-SUBPROCESSOR-PRIVACY-REVIEW",
    "EV-EXCEPTION-REGISTER",
    "EV-IPE-CHECK",
    "EV-RETENTION-REVIEW",
    "EV-CI-OUTPUT-TESTS",
    "EV-BILLING-RECONCILIATION",
    "EV-AI-FEATURE-REVIEW",
}


@pytest.mark.skipif(
    not CONTROLS_V2_EVIDENCE.exists(), reason="moved into seed_library/evidence at merge"
)
def test_evidence_for_the_v2_controls_is_complete_and_only_waits_for_its_controls(
    tmp_path: Path,
) -> None:
    root = tmp_path / "library"
    shutil.copytree(SEED_LIBRARY, root)
    shutil.copy(CONTROLS_V2_EVIDENCE, root / "evidence" / "controls-v2.yaml")
    library, problems = read_library(root)
    assert [str(p) for p in problems] == []
    assert {str(p) for p in integrity_problems(library)} == {
        f"evidence: {ref}: no control uses this evidence type" for ref in CONTROLS_V2_REFS
    }
    for ref in CONTROLS_V2_REFS:
        evidence = library.evidence[ref]
        assert evidence.population and evidence.completeness and evidence.sample_unit, ref
