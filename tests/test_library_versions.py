"""Library versions compare as numbers; init loads the shipped library only over an older one."""

from __future__ import annotations

from riskapp.domain.library.versions import Release, init_decision, is_older, version_key

SHIPPED = Release("riskapp SOC 2 library", "2026.12.0")


def test_versions_compare_part_by_part_as_numbers() -> None:
    assert is_older("2026.9.0", "2026.12.0")
    assert not is_older("2026.12.0", "2026.9.0")
    assert is_older("1.9", "1.10")
    assert version_key("1.0") == version_key("1.0.0")
    assert is_older("1.0", "1.0a")  # a text part sorts after a number, and never raises


def test_init_loads_the_shipped_library_when_none_is_loaded() -> None:
    decision = init_decision(None, SHIPPED)
    assert decision.load
    assert "No library is loaded" in decision.reason


def test_init_upgrades_an_older_version_of_the_shipped_library() -> None:
    decision = init_decision(Release(SHIPPED.name, "2026.9.0"), SHIPPED)
    assert decision.load
    assert "upgrading it to the shipped 2026.12.0" in decision.reason


def test_init_leaves_the_same_or_a_newer_version() -> None:
    assert not init_decision(Release(SHIPPED.name, "2026.12.0"), SHIPPED).load
    newer = init_decision(Release(SHIPPED.name, "2027.1.0"), SHIPPED)
    assert not newer.load
    assert newer.reason == (
        "Library 'riskapp SOC 2 library' 2027.1.0 is loaded; the shipped library was not loaded."
    )


def test_init_leaves_a_library_of_another_name_whatever_its_version() -> None:
    decision = init_decision(Release("X", "1.2"), SHIPPED)
    assert not decision.load
    assert decision.reason == "Library 'X' 1.2 is loaded; the shipped library was not loaded."
