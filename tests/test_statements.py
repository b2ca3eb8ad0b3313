"""Tailoring statements: placeholders filled from the organisation, gaps marked, never raw."""

from __future__ import annotations

import pytest

from riskapp.domain.assessment.model import ControlChoice
from riskapp.domain.library.model import Control
from riskapp.domain.statements.render import (
    Segment,
    control_values,
    fill_placeholders,
    render_statement,
    tailored_segments,
    tailored_statement,
)
from tests.assessment_factories import make_assessment

TEMPLATE = "Each {frequency}, the {owner} reviews {system} in {identity_provider}."


def control(**overrides: str) -> Control:
    values = dict(
        ref="IAM-02",
        title="Access review",
        statement=TEMPLATE,
        domain="access-control",
        type="detective",
        nature="manual",
        frequency="quarterly",
        owner_role="IT Manager",
    )
    values.update(overrides)
    return Control(**values)


def test_fill_placeholders_marks_filled_and_unfilled_segments() -> None:
    segments = fill_placeholders("Log in to {system} via {identity_provider}.", {"system": "Acme"})
    assert segments == [
        Segment("Log in to "),
        Segment("Acme", True, "system"),
        Segment(" via "),
        Segment("[identity provider]", False, "identity_provider"),
        Segment("."),
    ]


def test_blank_values_count_as_unfilled_and_spaces_inside_braces_are_tolerated() -> None:
    segments = fill_placeholders("{ system } and {org}", {"system": "  ", "org": "Acme"})
    assert [(s.text, s.filled) for s in segments] == [
        ("[system]", False),
        (" and ", True),
        ("Acme", True),
    ]


def test_render_statement_leaves_no_placeholder_braces() -> None:
    text = render_statement(TEMPLATE, {"frequency": "quarter", "owner": "CTO"})
    assert text == "Each quarter, the CTO reviews [system] in [identity provider]."


def test_braces_that_hold_no_name_are_kept_as_written() -> None:
    assert render_statement("JSON {} and {not a name}", {}) == "JSON {} and {not a name}"
    assert fill_placeholders("", {}) == []


@pytest.mark.parametrize(
    ("frequency", "noun"),
    [
        ("annual", "year"),
        ("semi-annual", "half-year"),
        ("quarterly", "quarter"),
        ("monthly", "month"),
        ("weekly", "week"),
        ("daily", "day"),
    ],
)
def test_frequency_is_filled_with_a_noun(frequency: str, noun: str) -> None:
    values = control_values(make_assessment(), control(frequency=frequency))
    assert values["frequency"] == noun


def test_values_come_from_settings_org_and_the_tailored_owner_and_frequency() -> None:
    assessment = make_assessment(settings={"system": "Acme Cloud", "identity_provider": "Okta"})
    choice = ControlChoice("IAM-02", owner="Dana Smith", frequency="monthly")
    values = control_values(assessment, control(), choice)
    assert values["org"] == "Acme Ltd"
    assert values["owner"] == "Dana Smith"
    assert values["frequency"] == "month"
    assert tailored_statement(assessment, control(), choice) == (
        "Each month, the Dana Smith reviews Acme Cloud in Okta."
    )


def test_owner_falls_back_to_the_role_and_unknown_frequency_to_the_default() -> None:
    values = control_values(make_assessment(), control(), ControlChoice("IAM-02", frequency="?"))
    assert values["owner"] == "IT Manager"
    assert values["frequency"] == "quarter"


def test_trigger_controls_get_no_frequency_value() -> None:
    per_event = control(frequency="per-event", statement="On each leaver, {frequency} {owner}.")
    segments = tailored_segments(make_assessment(), per_event)
    assert [s.text for s in segments if not s.filled] == ["[frequency]"]


def test_a_tailored_statement_replaces_the_template() -> None:
    choice = ControlChoice("IAM-02", statement="The {owner} checks {hr_system} every {frequency}.")
    text = tailored_statement(make_assessment(), control(), choice)
    assert text == "The IT Manager checks [hr system] every quarter."
