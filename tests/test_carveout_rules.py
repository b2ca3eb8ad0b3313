"""Criteria set aside, with no app: their own statuses, totals, the closing set, proposals."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from riskapp.domain.assessment.exclusions import (
    CARVED_OUT,
    NOT_APPLICABLE_CRITERION,
    CriterionExclusion,
    exclusion_problems,
)
from riskapp.domain.assessment.model import AssessmentData, ControlChoice, Scope
from riskapp.domain.coverage.closing import closing_set
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.library.loader import parse_library
from riskapp.domain.vendors.assurance import AssuranceReport, bridge
from riskapp.services.carveouts import cloud_vendor, monitoring_to_select, office_suggestion

SEED = Path(__file__).resolve().parent.parent / "seed_library"
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def carve_out(ref: str, framework: str = "testfw", report_end: date = PERIOD[1]):
    report = AssuranceReport("soc2-type2", date(2025, 10, 1), report_end)
    return CriterionExclusion(
        framework,
        ref,
        CARVED_OUT,
        "The provider runs the data centres.",
        vendor="Acme Cloud",
        vendor_controls="Badges and CCTV",
        report_kind="soc2-type2",
        bridge=bridge(report, PERIOD),
    )


def not_applicable(ref: str, framework: str = "testfw") -> CriterionExclusion:
    return CriterionExclusion(framework, ref, NOT_APPLICABLE_CRITERION, "We do not do this.")


def assessment(*exclusions: CriterionExclusion, controls=(), **scope) -> AssessmentData:
    return AssessmentData(
        name="A",
        organization="Acme",
        scope=Scope(**{"framework": "testfw", **scope}),
        controls=list(controls),
        exclusions=list(exclusions),
        profile={},
    )


def test_set_aside_criteria_take_their_own_status_and_count_apart(mini_library: Path) -> None:
    library = parse_library(mini_library)
    data = assessment(not_applicable("T1.1"), carve_out("T1.2"))
    coverage = compute_coverage(library, data)
    assert [c.status for c in coverage.criteria] == ["not_applicable", "carved_out"]
    totals = coverage.overall
    assert (totals.covered, totals.partial, totals.gap) == (0, 0, 0)
    assert (totals.not_applicable, totals.carved_out, totals.total) == (1, 1, 2)
    assert totals.percent("carved_out") == 50.0
    assert coverage.by_series["T1"].set_aside == 2
    assert coverage.by_category["security"].carved_out == 1
    assert coverage.by_framework["testfw"].not_applicable == 1
    assert coverage.criteria[1].missing.startswith("Carved out to Acme Cloud")


def test_the_closing_set_never_targets_a_set_aside_criterion(mini_library: Path) -> None:
    library = parse_library(mini_library)
    coverage = compute_coverage(library, assessment(not_applicable("T1.1")))
    found = closing_set(library, assessment(not_applicable("T1.1")), coverage)
    assert [t.ref for t in found.targets] == ["T1.2"]
    both = assessment(not_applicable("T1.1"), carve_out("T1.2"))
    assert closing_set(library, both, compute_coverage(library, both)).refs == ()


def test_a_carve_out_whose_report_ends_early_warns() -> None:
    ok = carve_out("T1.1")
    assert ok.warning == ""
    late = carve_out("T1.1", report_end=date(2026, 11, 30))
    assert late.warning == (
        "Acme Cloud's report does not cover the period. "
        "Bridge letter needed: 31 days uncovered (2026-12-01 to 2026-12-31)."
    )
    assert not_applicable("T1.1").warning == ""


def test_a_reason_is_needed_and_a_carve_out_needs_a_vendor() -> None:
    assert set(exclusion_problems("not_applicable", "", False)) == {"reason"}
    assert set(exclusion_problems("carved_out", "x", False)) == {"vendor"}
    assert set(exclusion_problems("other", "x", False)) == {"kind"}
    assert "under 1,000" in exclusion_problems("not_applicable", "x" * 1001, False)["reason"]


def soc2(*exclusions: CriterionExclusion, controls=(), profile=None) -> AssessmentData:
    data = assessment(
        *exclusions,
        controls=controls,
        framework="soc2-2017",
        report_type="type2",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    data.profile = dict(profile or {})
    data.settings = {"cloud_provider": "AWS"}
    return data


def test_with_no_office_cc64_carved_out_leaves_no_physical_control_in_the_closing_set() -> None:
    library = parse_library(SEED)
    before = soc2(profile={"has-office": False})
    found = closing_set(library, before, compute_coverage(library, before))
    assert "CC6.4" in {t.ref for t in found.targets}  # a gap until it is carved out

    after = soc2(carve_out("CC6.4", "soc2-2017"), profile={"has-office": False})
    coverage = compute_coverage(library, after)
    cc64 = next(c for c in coverage.criteria if c.ref == "CC6.4")
    assert cc64.status == "carved_out" and cc64 not in coverage.of_status("gap", "partial")
    found = closing_set(library, after, coverage)
    assert not [ref for ref in found.refs if ref.startswith("PHY-")]
    assert "CC6.4" not in {t.ref for t in found.targets}


def test_a_carve_out_flags_the_monitoring_controls_while_unselected() -> None:
    library = parse_library(SEED)
    assert monitoring_to_select(soc2(), library) == []
    carved = soc2(carve_out("CC6.4", "soc2-2017"))
    expected = [r for r in ("VND-03", "VND-11") if r in library.controls]
    assert monitoring_to_select(carved, library) == expected and "VND-03" in expected
    chosen = soc2(carve_out("CC6.4", "soc2-2017"), controls=[ControlChoice("VND-03")])
    assert "VND-03" not in monitoring_to_select(chosen, library)


def _vendor(
    name: str, service: str = "", systems: tuple[SimpleNamespace, ...] = ()
) -> SimpleNamespace:
    return SimpleNamespace(name=name, service=service, provided_systems=list(systems))


def _system(name: str, kind: str = "other", roles: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(name=name, kind=kind, roles=roles)


def test_no_office_proposes_carving_cc64_out_to_the_cloud_provider() -> None:
    library = parse_library(SEED)
    vendors = [_vendor("GitHub", "Code hosting"), _vendor("Amazon Web Services (AWS)")]
    found = office_suggestion(soc2(profile={"has-office": False}), library, vendors)
    assert found is not None and found.criterion == "CC6.4" and found.vendor is vendors[1]
    assert office_suggestion(soc2(profile={"has-office": True}), library, vendors) is None
    assert office_suggestion(soc2(), library, vendors) is None  # not answered: no proposal
    done = soc2(carve_out("CC6.4", "soc2-2017"), profile={"has-office": False})
    assert office_suggestion(done, library, vendors) is None


def test_the_cloud_provider_is_the_named_vendor_else_one_that_hosts() -> None:
    vendors = [_vendor("Slack", "Chat"), _vendor("Hetzner", "Cloud hosting")]
    assert cloud_vendor(vendors, {"cloud_provider": "AWS"}).name == "Hetzner"
    assert cloud_vendor(vendors, {"cloud_provider": "slack"}).name == "Slack"
    assert cloud_vendor([_vendor("Slack", "Chat")], {}) is None


def test_the_vendor_providing_the_cloud_provider_system_comes_first() -> None:
    hosting = _vendor("Hetzner", "Cloud hosting")
    linked = _vendor("Amazon", "Retail", (_system("AWS", "cloud-provider", ("cloud_provider",)),))
    kind_only = _vendor("Render", "PaaS", (_system("Render apps", "cloud-provider"),))
    assert cloud_vendor([hosting, kind_only, linked], {"cloud_provider": "AWS"}) is linked
    assert cloud_vendor([hosting, kind_only], {}) is kind_only
    assert cloud_vendor([hosting], {}) is hosting
