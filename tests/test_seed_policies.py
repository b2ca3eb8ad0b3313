"""The shipped policies: commitments backed by documented controls, roles that match the owners."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from riskapp.config import SEED_LIBRARY
from riskapp.domain.library.loader import read_library
from riskapp.domain.library.model import Library, PolicyTemplate

CONTROL_REF = re.compile(r"\b([A-Z]{2,3}-\d{2})\b")
COMMITMENTS = "Minimum commitments"


# Controls added by the library v2 branches; policy text may name them before they merge.
@pytest.fixture(scope="module")
def shipped() -> Library:
    library, problems = read_library(SEED_LIBRARY)
    assert [str(p) for p in problems] == []
    return library


def documented(library: Library) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for edge in library.documented_in:
        out[edge.policy].add(edge.control)
    return out


def policy_text(policy: PolicyTemplate) -> str:
    parts = [policy.purpose, policy.scope, policy.exceptions, policy.enforcement]
    parts += [r.responsibilities for r in policy.roles]
    parts += [s.text for s in policy.sections]
    return "\n".join(parts)


def test_every_owner_of_a_documented_control_is_in_the_roles_table(shipped: Library) -> None:
    missing = [
        f"{ref}: {shipped.controls[control].owner_role} ({control})"
        for ref, controls in documented(shipped).items()
        for control in sorted(controls)
        if shipped.controls[control].owner_role not in {r.role for r in shipped.policies[ref].roles}
    ]
    assert missing == []


def test_every_commitment_names_a_control_documented_in_the_policy(shipped: Library) -> None:
    problems = []
    for ref, policy in shipped.policies.items():
        sections = [s for s in policy.sections if s.heading == COMMITMENTS]
        if len(sections) != 1:
            problems.append(f"{ref}: needs one '{COMMITMENTS}' section")
            continue
        mine = documented(shipped)[ref]
        intro, *commitments = sections[0].text.split("\n\n")
        assert not CONTROL_REF.search(intro), ref
        if not commitments:
            problems.append(f"{ref}: states no commitment")
        for commitment in commitments:
            refs = set(CONTROL_REF.findall(commitment))
            if not refs:
                problems.append(f"{ref}: no control backs {commitment[:60]!r}")
            for control in sorted(refs - mine):
                problems.append(f"{ref}: {control} is named but not documented in the policy")
    assert problems == []


def test_controls_named_in_policy_text_exist(shipped: Library) -> None:
    named = {
        (ref, control)
        for ref, policy in shipped.policies.items()
        for control in CONTROL_REF.findall(policy_text(policy))
    }
    unknown = sorted((ref, control) for ref, control in named if control not in shipped.controls)
    assert unknown == []


def test_policies_that_promise_an_exception_register_name_its_review_control(
    shipped: Library,
) -> None:
    promising = [ref for ref, p in shipped.policies.items() if "exception register" in p.exceptions]
    assert len(promising) >= 17
    assert [ref for ref in promising if "GOV-15" not in shipped.policies[ref].exceptions] == []


def test_bcdr_names_who_declares_and_how_customers_hear(shipped: Library) -> None:
    headings = {s.heading: s.text for s in shipped.policies["POL-BCDR"].sections}
    assert "Only the COO or the CTO may declare a disaster" in headings["Declaring a disaster"]
    assert "Head of Customer Success" in headings["Communicating with customers"]


def test_privacy_policy_routes_processor_requests_and_backs_the_dpia(shipped: Library) -> None:
    text = policy_text(shipped.policies["POL-PRIVACY"])
    assert "passed\nto that customer" in text or "passed to that customer" in text
    assert "PRV-14" in text
    assert "30 days" in text
