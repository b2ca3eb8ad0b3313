"""How each risk, control, evidence type and policy entry of a library file is read.

The loader (`loader.py`) finds the files and resolves the mappings; this module
turns one entry into its node, recording a problem for each field that is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..testing.checks import DeclarationReader
from .model import (
    CONTROL_TYPES,
    DOMAINS,
    FREQUENCIES,
    MAX_EFFECT,
    NATURES,
    PLACEHOLDERS,
    RISK_CATEGORIES,
    Control,
    EvidenceType,
    Library,
    PolicyRole,
    PolicySection,
    PolicyTemplate,
    Risk,
)
from .problems import EntryReader, Problem

MANIFEST = "library.yaml"


@dataclass
class ControlLinks:
    """A control's mappings as written, resolved once every node is known."""

    file: str
    ref: str
    primary: tuple[str, ...]
    supporting: tuple[str, ...]
    mitigates: list[tuple[str, int, int]]
    evidence: tuple[str, ...]
    policy: str
    also_documented_in: tuple[str, ...]


class EntryReaders:
    """The per-kind entry readers of the library parser (mixed into it)."""

    library: Library
    problems: list[Problem]
    links: list[ControlLinks]

    def unique(self, kind: str, key: Any, reader: EntryReader) -> bool:
        raise NotImplementedError

    def risk_entry(self, r: EntryReader) -> None:
        scenario = r.nested("scenario", r.mapping("scenario"))
        risk = Risk(
            ref=r.ref(),
            title=r.text("title"),
            category=r.choice("category", RISK_CATEGORIES),
            threat=scenario.text("threat"),
            weakness=scenario.text("weakness"),
            consequence=scenario.text("consequence"),
            likelihood=r.integer("likelihood", 1, 5),
            likelihood_rationale=r.text("likelihood_rationale"),
            impact=r.integer("impact", 1, 5),
            impact_rationale=r.text("impact_rationale"),
            tags=r.texts("tags"),
        )
        scenario.finish()
        for tag in risk.tags:
            if tag not in self.library.meta.tags:
                r.problem("tags", f"unknown tag {tag!r}; declare it in {MANIFEST}")
        r.finish()
        if self.unique("risk", risk.ref, r):
            self.library.risks[risk.ref] = risk

    # -- controls --------------------------------------------------------------
    def control_entry(self, r: EntryReader) -> None:
        control = Control(
            ref=r.ref(),
            title=r.text("title"),
            statement=r.text("statement"),
            domain=r.choice("domain", DOMAINS),
            type=r.choice("type", CONTROL_TYPES),
            nature=r.choice("nature", NATURES),
            frequency=r.choice("frequency", FREQUENCIES),
            owner_role=r.text("owner_role"),
        )
        r.placeholders("statement", control.statement, PLACEHOLDERS)
        criteria = r.mapping("criteria")
        primary = ref_list(r, criteria, "criteria.primary", "primary")
        supporting = ref_list(r, criteria, "criteria.supporting", "supporting")
        for key in criteria:
            if key not in ("primary", "supporting"):
                r.problem(f"criteria.{key}", "unknown field; use primary and supporting")
        for ref in set(primary) & set(supporting):
            r.problem("criteria", f"{ref} is listed as both primary and supporting")
        mitigates: list[tuple[str, int, int]] = []
        for i, raw in enumerate(r.items("mitigates", required=True), start=1):
            m = r.nested(f"mitigates[{i}]", raw)
            if not m.ok:
                continue
            before = len(self.problems)
            risk = m.ref("risk")
            likelihood = m.integer("likelihood", 0, MAX_EFFECT)
            impact = m.integer("impact", 0, MAX_EFFECT)
            m.finish()
            if likelihood == 0 and impact == 0 and len(self.problems) == before:
                m.problem("", "an effect must lower likelihood or impact")
            if risk:
                mitigates.append((risk, likelihood, impact))
        evidence = ref_list(r, r.data, "evidence", "evidence")
        policy = r.ref("policy")
        also = ref_list(r, r.data, "also_documented_in", "also_documented_in")
        declared = DeclarationReader(r)
        checks, reconcile = declared.checks(), declared.reconcile()
        r.finish()
        if self.unique("control", control.ref, r):
            self.library.controls[control.ref] = control
            if checks or reconcile:
                self.library.checks[control.ref] = {
                    "checks": [c.as_data() for c in checks],
                    "reconcile": reconcile,
                }
            self.links.append(
                ControlLinks(
                    r.file, control.ref, primary, supporting, mitigates, evidence, policy, also
                )
            )

    # -- evidence and policies ---------------------------------------------------
    def evidence_entry(self, r: EntryReader) -> None:
        item = EvidenceType(
            ref=r.ref(),
            title=r.text("title"),
            description=r.text("description"),
            collection=r.text("collection"),
            sample=r.text("sample"),
            frequency=r.choice("frequency", FREQUENCIES),
            population=r.text("population", required=False),
            completeness=r.text("completeness", required=False),
            sample_unit=r.text("sample_unit", required=False),
        )
        for name in ("population", "completeness"):
            r.placeholders(name, getattr(item, name), PLACEHOLDERS)
        r.finish()
        if self.unique("evidence type", item.ref, r):
            self.library.evidence[item.ref] = item

    def policy_entry(self, r: EntryReader) -> None:
        roles = []
        for i, raw in enumerate(r.items("roles", required=True), start=1):
            sub = r.nested(f"roles[{i}]", raw)
            roles.append(PolicyRole(sub.text("role"), sub.text("responsibilities")))
            sub.finish()
        sections = []
        for i, raw in enumerate(r.items("sections", required=True), start=1):
            sub = r.nested(f"sections[{i}]", raw)
            section = PolicySection(sub.text("heading"), sub.text("text"))
            sub.placeholders("text", section.text, PLACEHOLDERS)
            sections.append(section)
            sub.finish()
        policy = PolicyTemplate(
            ref=r.ref(),
            title=r.text("title"),
            owner_role=r.text("owner_role"),
            purpose=r.text("purpose"),
            scope=r.text("scope"),
            roles=tuple(roles),
            sections=tuple(sections),
            exceptions=r.text("exceptions"),
            enforcement=r.text("enforcement"),
            review=r.choice("review", FREQUENCIES),
        )
        for name in ("purpose", "scope", "exceptions", "enforcement"):
            r.placeholders(name, getattr(policy, name), PLACEHOLDERS)
        r.finish()
        if self.unique("policy", policy.ref, r):
            self.library.policies[policy.ref] = policy

    # -- cross references ----------------------------------------------------------


def ref_list(r: EntryReader, data: Mapping[str, Any], field: str, key: str) -> tuple[str, ...]:
    if data is r.data:
        r.seen.add(key)
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        r.problem(field, "must be a list of refs")
        return ()
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            r.problem(field, f"{item!r} is not a ref")
        else:
            out.append(item.strip())
    return tuple(out)
