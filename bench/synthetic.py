"""Synthetic libraries and assessments for the benchmarks: valid-shaped, seeded, any size.

`synthetic_library()` with no arguments gives the coverage issue's size: 5,000
controls, 1,000 criteria, 20,000 control-criterion edges (one primary and three
supporting per control) and 2,000 risks. The export benchmark asks for a
library shaped like SOC 2 instead (61 criteria, three edges per control).
"""

from __future__ import annotations

import random
from datetime import date

from riskapp.domain.assessment.model import (
    STATUSES,
    TREATMENTS,
    AssessmentData,
    ControlChoice,
    RiskRating,
    Scope,
)
from riskapp.domain.library.model import (
    DOMAINS,
    RISK_CATEGORIES,
    Category,
    Control,
    Criterion,
    DocumentedIn,
    EvidencedBy,
    EvidenceType,
    Framework,
    Library,
    LibraryMeta,
    Mitigates,
    PolicyRole,
    PolicySection,
    PolicyTemplate,
    Risk,
    Satisfies,
    Series,
)

FRAMEWORK = "soc2-2017"
CATEGORIES = ("security", "availability", "confidentiality", "processing-integrity", "privacy")
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
SETTINGS = {
    "system": "Acme Cloud",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "code_repository": "GitHub",
    "ticketing_system": "Jira",
    "hr_system": "BambooHR",
}
# Frequencies weighted roughly as in a real library: few daily controls, many periodic ones.
FREQUENCY_WEIGHTS = {
    "continuous": 20,
    "per-event": 25,
    "daily": 5,
    "weekly": 5,
    "monthly": 10,
    "quarterly": 15,
    "semi-annual": 5,
    "annual": 15,
}


def _framework(series: int) -> Framework:
    return Framework(
        slug=FRAMEWORK,
        name="SOC 2 Trust Services Criteria (synthetic)",
        version="2017",
        categories=tuple(Category(c, c.title(), c == "security") for c in CATEGORIES),
        series=tuple(
            Series(f"S{i}", f"Series {i}", CATEGORIES[i % len(CATEGORIES)]) for i in range(series)
        ),
    )


def synthetic_library(
    controls: int = 5000,
    criteria: int = 1000,
    satisfies: int = 20000,
    risks: int = 2000,
    *,
    series: int = 20,
    evidence: int | None = None,
    policies: int = 40,
    seed: int = 7,
) -> Library:
    """Return a library of the given size; each control's first criterion edge is primary.

    Edges per control are `satisfies // controls` (the first `satisfies % controls`
    controls get one more), to distinct criteria; each control mitigates two risks,
    is evidenced by two evidence types and documented in one policy.
    """
    rng = random.Random(seed)
    framework = _framework(series)
    lib = Library(meta=LibraryMeta("synthetic", "1"), frameworks={FRAMEWORK: framework})
    for i in range(criteria):
        s = framework.series[i % series]
        ref = f"{s.ref}.{i // series + 1}"
        lib.criteria[(FRAMEWORK, ref)] = Criterion(
            FRAMEWORK, ref, s.ref, s.category, f"Criterion {ref}",
            "What the auditor looks for.", ("Point one", "Point two"),
        )  # fmt: skip
    criterion_refs = [key[1] for key in lib.criteria]
    for i in range(risks):
        ref = f"R-SYN-{i:04d}"
        lib.risks[ref] = Risk(
            ref, f"Risk {i}", RISK_CATEGORIES[i % len(RISK_CATEGORIES)], "An attacker",
            "a weakness", "a loss", rng.randint(1, 5), "why", rng.randint(1, 5), "why",
        )  # fmt: skip
    for i in range(evidence if evidence is not None else max(controls // 10, 2)):
        ref = f"EV-SYN-{i:04d}"
        lib.evidence[ref] = EvidenceType(
            ref, f"Evidence {i}", "An artefact.", "Exported by the owner.", "One record.", "monthly"
        )
    for i in range(policies):
        ref = f"POL-SYN-{i:02d}"
        lib.policies[ref] = PolicyTemplate(
            ref, f"Policy {i}", "CISO", "Why {org} has it.", "Everyone.",
            (PolicyRole("CISO", "Owns it."),), (PolicySection("Principles", "Be safe."),),
            "Approved by the CISO.", "Discipline.", "annual",
        )  # fmt: skip
    risk_refs, evidence_refs, policy_refs = list(lib.risks), list(lib.evidence), list(lib.policies)
    frequencies, weights = list(FREQUENCY_WEIGHTS), list(FREQUENCY_WEIGHTS.values())
    per_control, extra = divmod(satisfies, controls)
    for i in range(controls):
        ref = f"SYN-{i:05d}"
        lib.controls[ref] = Control(
            ref, f"Synthetic control {i}",
            "Each {frequency}, the {owner} reviews {system} in {identity_provider} and files "
            "the signed record in {ticketing_system}.",
            DOMAINS[i % len(DOMAINS)], ("preventive", "detective", "corrective")[i % 3],
            ("manual", "automated")[i % 2], rng.choices(frequencies, weights)[0], "IT Manager",
        )  # fmt: skip
        picked = rng.sample(criterion_refs, per_control + (1 if i < extra else 0))
        lib.satisfies.extend(
            Satisfies(ref, FRAMEWORK, c, "primary" if n == 0 else "supporting")
            for n, c in enumerate(picked)
        )
        lib.mitigates.extend(Mitigates(ref, r, 1, 1) for r in rng.sample(risk_refs, 2))
        lib.evidenced_by.extend(EvidencedBy(ref, e) for e in rng.sample(evidence_refs, 2))
        lib.documented_in.append(DocumentedIn(ref, rng.choice(policy_refs), True))
    return lib


def type2_assessment(
    library: Library, controls: list[str], categories: tuple[str, ...] = CATEGORIES
) -> AssessmentData:
    """Return a 12-month Type 2 assessment selecting `controls` and rating every risk.

    Statuses cycle through implemented, partially implemented, planned and not
    applicable; treatments cycle through mitigate, accept, transfer and avoid.
    """
    return AssessmentData(
        name="Bench 2026",
        organization="Acme Ltd",
        scope=Scope(
            framework=FRAMEWORK,
            categories=categories,
            report_type="type2",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
        ),
        controls=[
            ControlChoice(
                ref,
                owner="Dana Smith" if i % 4 == 0 else "",
                status=STATUSES[i % len(STATUSES)],
                na_reason="Not used." if STATUSES[i % len(STATUSES)] == "not-applicable" else "",
            )
            for i, ref in enumerate(controls)
        ],
        risks=[
            RiskRating(ref, r.likelihood, r.impact, treatment=TREATMENTS[i % 4], owner="CTO")
            for i, (ref, r) in enumerate(library.risks.items())
        ],
        settings=dict(SETTINGS),
    )
