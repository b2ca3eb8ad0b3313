"""Integrity rules that every library obeys, and the figures `library stats` prints."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from .model import Library
from .problems import Problem

MIN_CONTROLS_PER_CRITERION = 2
MIN_CONTROLS_PER_RISK = 2


@dataclass
class Violations:
    """Refs that break an integrity rule, one list per rule."""

    criteria_without_controls: list[str] = field(default_factory=list)
    controls_without_criteria: list[str] = field(default_factory=list)
    controls_without_risks: list[str] = field(default_factory=list)
    risks_without_controls: list[str] = field(default_factory=list)
    controls_without_evidence: list[str] = field(default_factory=list)
    controls_without_policy: list[str] = field(default_factory=list)
    criteria_without_primary_control: list[str] = field(default_factory=list)
    criteria_with_fewer_than_two_controls: list[str] = field(default_factory=list)
    risks_with_fewer_than_two_controls: list[str] = field(default_factory=list)
    controls_with_several_primary_policies: list[str] = field(default_factory=list)
    unused_evidence_types: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)

    def is_empty(self) -> bool:
        return not any(self.as_dict().values())


RULES: dict[str, str] = {
    "criteria_without_controls": "no control satisfies this criterion",
    "controls_without_criteria": "the control satisfies no criterion",
    "controls_without_risks": "the control mitigates no risk",
    "risks_without_controls": "no control mitigates this risk",
    "controls_without_evidence": "the control has no evidence type",
    "controls_without_policy": "the control has no primary policy",
    "criteria_without_primary_control": "no control satisfies this criterion as primary",
    "criteria_with_fewer_than_two_controls": "fewer than 2 controls satisfy this criterion",
    "risks_with_fewer_than_two_controls": "fewer than 2 controls mitigate this risk",
    "controls_with_several_primary_policies": "the control has more than one primary policy",
    "unused_evidence_types": "no control uses this evidence type",
}


def criterion_label(library: Library, key: tuple[str, str]) -> str:
    """Name a criterion by its bare ref unless another framework uses the same ref."""
    slug, ref = key
    clashes = sum(1 for other_slug, other_ref in library.criteria if other_ref == ref)
    return ref if clashes == 1 else f"{slug}:{ref}"


def find_violations(library: Library) -> Violations:
    """Return every ref that breaks an integrity rule, in library order."""
    controls_per_criterion: dict[tuple[str, str], set[str]] = defaultdict(set)
    primary_per_criterion: dict[tuple[str, str], set[str]] = defaultdict(set)
    for edge in library.satisfies:
        key = (edge.framework, edge.criterion)
        controls_per_criterion[key].add(edge.control)
        if edge.strength == "primary":
            primary_per_criterion[key].add(edge.control)
    controls_per_risk: dict[str, set[str]] = defaultdict(set)
    for mitigation in library.mitigates:
        controls_per_risk[mitigation.risk].add(mitigation.control)
    with_criteria = {e.control for e in library.satisfies}
    with_risks = {e.control for e in library.mitigates}
    with_evidence = {e.control for e in library.evidenced_by}
    used_evidence = {e.evidence for e in library.evidenced_by}
    primary_policies = Counter(e.control for e in library.documented_in if e.primary)

    v = Violations()
    for key in library.criteria:
        label = criterion_label(library, key)
        count = len(controls_per_criterion.get(key, ()))
        if count == 0:
            v.criteria_without_controls.append(label)
        elif count < MIN_CONTROLS_PER_CRITERION:
            v.criteria_with_fewer_than_two_controls.append(label)
        if count and not primary_per_criterion.get(key):
            v.criteria_without_primary_control.append(label)
    for ref in library.controls:
        if ref not in with_criteria:
            v.controls_without_criteria.append(ref)
        if ref not in with_risks:
            v.controls_without_risks.append(ref)
        if ref not in with_evidence:
            v.controls_without_evidence.append(ref)
        if primary_policies[ref] == 0:
            v.controls_without_policy.append(ref)
        elif primary_policies[ref] > 1:
            v.controls_with_several_primary_policies.append(ref)
    for ref in library.risks:
        count = len(controls_per_risk.get(ref, ()))
        if count == 0:
            v.risks_without_controls.append(ref)
        elif count < MIN_CONTROLS_PER_RISK:
            v.risks_with_fewer_than_two_controls.append(ref)
    v.unused_evidence_types = [ref for ref in library.evidence if ref not in used_evidence]
    return v


def counts(library: Library) -> dict[str, int]:
    """Count the library's nodes by kind, under the names that `minimums` uses."""
    return {
        "risks": len(library.risks),
        "controls": len(library.controls),
        "evidence_types": len(library.evidence),
        "policies": len(library.policies),
    }


def shortfalls(library: Library) -> dict[str, tuple[int, int]]:
    """Return kind → (found, required) for each count below the library's minimums."""
    found = counts(library)
    return {
        kind: (found[kind], required)
        for kind, required in library.meta.minimums.items()
        if found.get(kind, 0) < required
    }


def integrity_problems(library: Library, manifest: str = "library.yaml") -> list[Problem]:
    """Return one Problem per broken integrity rule and per count below its minimum."""
    problems = [
        Problem(_home(rule), ref, "", message)
        for rule, message in RULES.items()
        for ref in getattr(find_violations(library), rule)
    ]
    for kind, (found, required) in shortfalls(library).items():
        problems.append(
            Problem(manifest, "", f"minimums.{kind}", f"the library has {found}, needs {required}")
        )
    return problems


def _home(rule: str) -> str:
    return {"criteria": "frameworks", "controls": "controls", "risks": "risks"}.get(
        rule.split("_", 1)[0], "evidence"
    )


def library_stats(library: Library) -> dict[str, Any]:
    """Return the figures of `riskapp library stats --json` for a library."""
    return {
        "library": {"name": library.meta.name, "version": library.meta.version},
        "frameworks": {
            slug: {"criteria": sum(1 for s, _ in library.criteria if s == slug)}
            for slug in library.frameworks
        },
        **counts(library),
        "edges": {
            "mitigates": len(library.mitigates),
            "satisfies": len(library.satisfies),
            "evidenced_by": len(library.evidenced_by),
            "documented_in": len(library.documented_in),
        },
        "violations": find_violations(library).as_dict(),
    }
