"""The shipped library: complete, consistent, specific and without near-duplicates."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

import pytest

from riskapp.config import SEED_LIBRARY
from riskapp.domain.library.integrity import find_violations, integrity_problems
from riskapp.domain.library.loader import read_library
from riskapp.domain.library.model import RISK_CATEGORIES, Library
from riskapp.domain.statements.cadence import cadence_conflicts, stated_cadences
from riskapp.domain.statements.quality import check_statement
from riskapp.domain.statements.render import frequency_noun, render_statement

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
    assert categories == set(RISK_CATEGORIES)
    used = {tag for r in shipped.risks.values() for tag in r.tags}
    assert used == set(shipped.meta.tags)
    assert any(not r.tags for r in shipped.risks.values())


def test_library_readme_lists_every_risk_category_with_its_count(shipped: Library) -> None:
    readme = (SEED_LIBRARY / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)`[^|]*\|[^|]*\| (\d+) \|$", readme, re.MULTILINE))
    counts = Counter(r.category for r in shipped.risks.values())
    assert {k: int(v) for k, v in rows.items()} == dict(counts)
    assert f"{len(shipped.risks)} risks in all" in readme


def test_tags_do_not_hide_controls_every_company_needs(shipped: Library) -> None:
    # Review 2026-12 §4.2: a fully remote US cloud SaaS (no office, no EU data, no
    # payments) must still be offered these controls through some applicable risk.
    profile = {"cloud-hosted", "builds-software", "stores-customer-data", "stores-personal-data"}
    applicable = {ref for ref, r in shipped.risks.items() if not r.tags or set(r.tags) & profile}
    offered = {m.control for m in shipped.mitigates if m.risk in applicable}
    needed = {"NET-02", "PRV-02", "PRV-08", "PRV-11", "AST-02", "CRY-04", "IAM-02", "OPS-03"}
    assert needed <= offered, sorted(needed - offered)


def render(statement: str, frequency: str) -> str:
    values = dict(SAMPLE_SETTINGS, frequency=FREQUENCY_NOUNS[frequency])
    return statement.format_map(values)


def test_every_control_statement_is_specific_enough_for_type_2(shipped: Library) -> None:
    failures = []
    for control in shipped.controls.values():
        text = render(control.statement, control.frequency)
        report = check_statement(
            text,
            known_systems=list(SAMPLE_SETTINGS.values()),
            owner=control.owner_role,
            frequency=control.frequency,
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


def test_every_statement_states_only_its_own_frequency(shipped: Library) -> None:
    """Render each statement as the app does; any other cadence in the text is a conflict."""
    conflicts = []
    for control in shipped.controls.values():
        noun = frequency_noun(control.frequency)
        values = dict(SAMPLE_SETTINGS, **({"frequency": noun} if noun else {}))
        text = render_statement(control.statement, values)
        conflicts += [f"{control.ref}: {c}" for c in cadence_conflicts(text, control.frequency)]
        if not noun:
            assert "{frequency}" not in control.statement, control.ref
        # The cadence is written only as {frequency}, so tailoring the frequency changes it.
        assert stated_cadences(control.statement) == set(), control.ref
    assert conflicts == []


def _primaries(library: Library) -> dict[str, set[str]]:
    primaries: dict[str, set[str]] = {}
    for edge in library.satisfies:
        if edge.strength == "primary":
            primaries.setdefault(edge.criterion, set()).add(edge.control)
    return primaries


def test_every_criterion_has_at_least_two_primary_controls(shipped: Library) -> None:
    primaries = _primaries(shipped)
    assert [ref for ref in SOC2_REFS if len(primaries.get(ref, ())) < 2] == []


# The criteria the December 2026 review found weakly covered (issue #14 item 4). P3.2 is
# met by privacy controls alone: consent is a privacy-programme duty by nature.
WEAK_CRITERIA = [
    "CC6.4",
    "CC1.1",
    "C1.1",
    "CC2.1",
    "CC6.6",
    "CC6.5",
    "CC7.3",
    "CC7.5",
    "CC2.3",
    "P6.4",
    "P6.2",
    "CC3.3",
    "CC5.2",
    "PI1.1",
    "PI1.2",
    "PI1.5",
]


def test_weakly_covered_criteria_have_primaries_from_two_domains(shipped: Library) -> None:
    primaries = _primaries(shipped)
    thin = {
        ref: sorted(primaries.get(ref, ()))
        for ref in WEAK_CRITERIA
        if len({shipped.controls[c].domain for c in primaries.get(ref, ())}) < 2
    }
    assert thin == {}


def test_a_cloud_only_company_reaches_cc6_4_and_a1_2_without_an_office(
    shipped: Library,
) -> None:
    primaries = _primaries(shipped)
    for ref in ("CC6.4", "A1.2"):
        assert {"VND-03", "VND-11"} <= primaries[ref], ref
    assert "AST-04" in primaries["CC6.4"]


def test_the_review_gap_controls_exist_with_their_evidence(shipped: Library) -> None:
    new = {
        "AST-04": "EV-DEVICE-RETURN",
        "AST-05": "EV-DECOMMISSION-RECORD",
        "OPS-09": "EV-EMAIL-AUTH-CONFIG",
        "OPS-10": "EV-SAAS-BASELINE",
        "CHG-08": "EV-DATA-CHANGE-TICKET",
        "CHG-09": "EV-CUSTOMER-NOTICE",
        "IAM-14": "EV-REPO-ACCESS-REVIEW",
        "VND-10": "EV-VENDOR-REASSESSMENT",
        "VND-11": "EV-CUEC-MAPPING",
        "VUL-06": "EV-SECURITY-CONTACT",
        "PRV-14": "EV-DPIA",
        "PRV-15": "EV-PRIVACY-TRAINING",
        "PRV-16": "EV-SENSITIVE-CONSENT",
        "PRV-17": "EV-SUBPROCESSOR-PRIVACY-REVIEW",
        "GOV-15": "EV-EXCEPTION-REGISTER",
        "GOV-16": "EV-IPE-CHECK",
        "DAT-08": "EV-RETENTION-REVIEW",
        "PI-07": "EV-CI-OUTPUT-TESTS",
        "PI-08": "EV-BILLING-RECONCILIATION",
        "SDL-08": "EV-AI-FEATURE-REVIEW",
    }
    evidence = {(e.control, e.evidence) for e in shipped.evidenced_by}
    for ref, ev in new.items():
        assert ref in shipped.controls, ref
        assert (ref, ev) in evidence, ref


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
