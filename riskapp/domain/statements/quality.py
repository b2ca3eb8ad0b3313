"""Statement quality: does a control statement say what a Type 2 auditor needs?

A statement passes when it names an owner, an action, a frequency or trigger,
the system or scope, and an evidence artefact, and uses no vague wording.
The checks are word lists over the text, deliberately transparent: each
finding says what was looked for and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .cadence import cadence_conflicts

ROLE_WORDS = (
    "manager",
    "lead",
    "officer",
    "engineer",
    "engineers",
    "administrator",
    "admin",
    "director",
    "head of",
    "owner",
    "cto",
    "ceo",
    "coo",
    "cfo",
    "ciso",
    "vp",
    "team",
    "committee",
    "board",
    "analyst",
    "controller",
    "counsel",
    "partner",
    "operations",
    "people ops",
    "hr",
    "security",
    "on-call",
    "responder",
    "reviewer",
    "approver",
    "coordinator",
    "champion",
    "founder",
    "staff",
    "personnel",
    "employee",
    "employees",
    "workforce",
    "developer",
    "developers",
    "dpo",
    "privacy",
)
ACTION_WORDS = (
    "export",
    "exports",
    "file",
    "files",
    "review",
    "reviews",
    "reviewed",
    "approve",
    "approves",
    "approved",
    "monitor",
    "monitors",
    "monitored",
    "enforce",
    "enforces",
    "enforced",
    "configure",
    "configures",
    "configured",
    "test",
    "tests",
    "tested",
    "scan",
    "scans",
    "scanned",
    "remove",
    "removes",
    "removed",
    "revoke",
    "revokes",
    "revoked",
    "disable",
    "disables",
    "disabled",
    "encrypt",
    "encrypts",
    "encrypted",
    "back up",
    "backs up",
    "backed up",
    "restore",
    "restores",
    "log",
    "logs",
    "logged",
    "alert",
    "alerts",
    "alerted",
    "assess",
    "assesses",
    "assessed",
    "complete",
    "completes",
    "completed",
    "sign",
    "signs",
    "signed",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "maintain",
    "maintains",
    "maintained",
    "update",
    "updates",
    "updated",
    "patch",
    "patches",
    "patched",
    "remediate",
    "remediates",
    "remediated",
    "verify",
    "verifies",
    "verified",
    "track",
    "tracks",
    "tracked",
    "record",
    "records",
    "recorded",
    "document",
    "documents",
    "documented",
    "provision",
    "provisions",
    "provisioned",
    "deprovision",
    "deprovisions",
    "rotate",
    "rotates",
    "rotated",
    "block",
    "blocks",
    "blocked",
    "require",
    "requires",
    "required",
    "perform",
    "performs",
    "performed",
    "conduct",
    "conducts",
    "conducted",
    "run",
    "runs",
    "investigate",
    "investigates",
    "notify",
    "notifies",
    "notified",
    "deliver",
    "delivers",
    "publish",
    "publishes",
    "evaluate",
    "evaluates",
    "inspect",
    "inspects",
    "reconcile",
    "reconciles",
    "validate",
    "validates",
    "collect",
    "collects",
    "retain",
    "retains",
    "dispose",
    "disposes",
    "destroy",
    "destroys",
    "wipe",
    "wipes",
    "triage",
    "triages",
    "escalate",
    "escalates",
    "report",
    "reports",
    "reported",
    "deploy",
    "deploys",
    "merge",
    "merges",
    "grant",
    "grants",
    "granted",
    "check",
    "checks",
    "checked",
    "prevent",
    "prevents",
    "detect",
    "detects",
    "respond",
    "responds",
    "answer",
    "answers",
    "correct",
    "corrects",
    "screen",
    "screens",
    "train",
    "trains",
    "trained",
    "inventory",
    "inventories",
    "classify",
    "classifies",
    "label",
    "labels",
    "issue",
    "issues",
    "sign off",
    "signs off",
    "meet",
    "meets",
    "present",
    "presents",
    "set",
    "sets",
    "keep",
    "keeps",
)
FREQUENCY_PATTERNS = (
    r"\bdaily\b",
    r"\bweekly\b",
    r"\bmonthly\b",
    r"\bquarterly\b",
    r"\bannual(ly)?\b",
    r"\bsemi-annual(ly)?\b",
    r"\byearly\b",
    r"\beach (day|week|month|quarter|year|half-year)\b",
    r"\bevery (day|week|month|quarter|year|half-year|\d+)\b",
    r"\bcontinuous(ly)?\b",
    r"\breal[- ]time\b",
    r"\bwithin \w+ (hours?|days?|business days?|minutes?)\b",
    r"\bupon\b",
    r"\bwhen(ever)?\b",
    r"\bbefore\b",
    r"\bafter\b",
    r"\bon (hire|termination|"
    r"departure|request|each|every|the)\b",
    r"\bat (hire|onboarding|least|each|every)\b",
    r"\bfor (each|every)\b",
    r"\bper (day|week|month|quarter|year|event|change|release)\b",
    r"\bautomatically\b",
    r"\bon (every|each) (push|merge|change|deploy|build)\b",
)
SCOPE_WORDS = (
    "production",
    "all ",
    "every ",
    "in-scope",
    "in scope",
    "company",
    "customer",
    "system",
    "systems",
    "environment",
    "network",
    "laptop",
    "laptops",
    "device",
    "devices",
    "account",
    "accounts",
    "repository",
    "repositories",
    "database",
    "databases",
    "application",
    "applications",
    "service",
    "services",
    "infrastructure",
    "endpoint",
    "endpoints",
    "data",
    "office",
    "facility",
    "vendor",
    "vendors",
    "workstation",
    "workstations",
    "server",
    "servers",
    "cloud",
    "platform",
    "code",
)
EVIDENCE_WORDS = (
    "record",
    "records",
    "recorded",
    "ticket",
    "tickets",
    "log",
    "logs",
    "logged",
    "report",
    "reports",
    "evidence",
    "files",
    "exports",
    "diagram",
    "inventory",
    "checklist",
    "receipt",
    "confirmation",
    "notes",
    "sign-off",
    "signed",
    "signature",
    "retained",
    "retains",
    "kept",
    "keeps",
    "stored",
    "documented",
    "documents",
    "screenshot",
    "export",
    "exported",
    "minutes",
    "attestation",
    "acknowledgement",
    "acknowledgment",
    "certificate",
    "history",
    "archive",
    "archived",
    "register",
    "saved",
    "filed",
    "approval",
    "results",
    "summary",
    "trail",
)
VAGUE_TERMS = (
    "as needed",
    "as necessary",
    "if necessary",
    "when necessary",
    "periodically",
    "where appropriate",
    "as appropriate",
    "when appropriate",
    "regularly",
    "from time to time",
    "when possible",
    "where possible",
    "if possible",
    "timely",
    "in a timely manner",
    "adequate",
    "adequately",
    "reasonable",
    "reasonably",
    "may",
    "might",
    "should",
    "could",
    "etc",
    "and so on",
    "best effort",
    "ad hoc",
    "occasionally",
    "generally",
    "typically",
    "usually",
    "appropriate",
)
SUGGESTIONS = {
    "owner": "Name the role that performs the control, e.g. 'The IT Manager …'.",
    "action": "Say what the owner does, with a verb such as reviews, approves or removes.",
    "frequency": "Say how often or on what trigger, e.g. 'each quarter' or 'within one "
    "business day of termination'.",
    "system": "Name the system or scope, e.g. 'in the production AWS account' or 'for all "
    "laptops'.",
    "evidence": "Say what evidence remains, e.g. 'and records the sign-off in Jira'.",
    "cadence": "Make the text and the frequency agree: write 'each {frequency}' for the "
    "control's own cadence, change the frequency to the step an auditor samples, or split "
    "the control in two.",
}


@dataclass(frozen=True)
class Finding:
    """One thing the statement lacks, or a vague term it uses, with a suggested fix.

    A "placeholder" finding names the placeholder left unresolved in
    `placeholder` ("" for a bracket the user typed), so a page can link to
    where it is filled.
    """

    check: str
    message: str
    suggestion: str
    placeholder: str = ""


@dataclass(frozen=True)
class StatementReport:
    ref: str
    findings: tuple[Finding, ...]

    @property
    def passes(self) -> bool:
        return not self.findings


BRACKETS = re.compile(r"\[[^\[\]\n]{0,200}\]|\{[^{}\n]{0,200}\}")
PLACEHOLDER_SUGGESTION = (
    "Fill it in the system inventory (mark the system that fills this role), or reword the "
    "statement."
)


def _has_word(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(w.strip())}(?![\w-])", text) for w in words)


def names_a_system(text: str, systems: Iterable[str]) -> bool:
    """Answer whether `text` names one of `systems` (case ignored, whole words only)."""
    lowered = " ".join(text.split()).casefold()
    for name in systems:
        wanted = " ".join(name.split()).casefold()
        if wanted and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", lowered):
            return True
    return False


def _vague_terms(text: str) -> list[str]:
    """Return the vague terms in `text`, longest first, skipping those inside a longer one."""
    found: list[str] = []
    for term in sorted(VAGUE_TERMS, key=len, reverse=True):
        if any(term in longer for longer in found):
            continue
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text):
            found.append(term)
    return found


def _placeholder_findings(text: str, unresolved: Sequence[str]) -> list[Finding]:
    """Return a finding per unresolved placeholder and per other bracket left in `text`."""
    findings = [
        Finding(
            "placeholder",
            f"Unresolved placeholder {{{name}}}.",
            PLACEHOLDER_SUGGESTION,
            name,
        )
        for name in dict.fromkeys(unresolved)
    ]
    labels = {f"[{name.replace('_', ' ')}]" for name in unresolved}
    for bracket in dict.fromkeys(m.group(0) for m in BRACKETS.finditer(text)):
        if bracket in labels:
            continue
        findings.append(
            Finding(
                "placeholder",
                f"Bracketed text left: '{bracket[:80]}'.",
                "Replace it with the real name or wording.",
            )
        )
    return findings


def check_statement(
    text: str,
    *,
    known_systems: Sequence[str] = (),
    owner: str = "",
    ref: str = "",
    unresolved: Sequence[str] = (),
    frequency: str = "",
) -> StatementReport:
    """Check one (tailored) statement; `known_systems` and `owner` count as found when named.

    `unresolved` names the placeholders left unfilled. Bracketed text
    (`[ticketing system]`, `{system}`) fails the statement and counts for no
    other check, so a left-over `[system]` never passes as a named system.
    When `frequency` is given, every cadence the text states must be that frequency
    (see `cadence.cadence_conflicts`); each disagreement is a "cadence" finding.
    """
    findings = _placeholder_findings(text, unresolved)
    lowered = " ".join(BRACKETS.sub(" ", text).lower().split())
    checks = {
        "owner": _has_word(lowered, ROLE_WORDS) or bool(owner and owner.lower() in lowered),
        "action": _has_word(lowered, ACTION_WORDS),
        "frequency": any(re.search(p, lowered) for p in FREQUENCY_PATTERNS),
        "system": _has_word(lowered, SCOPE_WORDS) or names_a_system(lowered, known_systems),
        "evidence": _has_word(lowered, EVIDENCE_WORDS),
    }
    labels = {
        "owner": "No owner role named.",
        "action": "No action stated.",
        "frequency": "No frequency or trigger stated.",
        "system": "No system or scope named.",
        "evidence": "No evidence artefact named.",
    }
    for check, found in checks.items():
        if not found:
            findings.append(Finding(check, labels[check], SUGGESTIONS[check]))
    if frequency:
        for conflict in cadence_conflicts(text, frequency):
            findings.append(
                Finding(
                    "cadence",
                    f"Stated cadence disagrees with the frequency: {conflict}.",
                    SUGGESTIONS["cadence"],
                )
            )
    for term in _vague_terms(lowered):
        findings.append(
            Finding(
                "vague",
                f"Vague wording: '{term}'.",
                "Replace it with a definite rule an auditor can test: a frequency, a "
                "deadline, a threshold or a named condition.",
            )
        )
    return StatementReport(ref=ref, findings=tuple(findings))


def summarise(reports: Sequence[StatementReport]) -> dict[str, int]:
    """Count statements that pass and fail."""
    passed = sum(1 for r in reports if r.passes)
    return {"passed": passed, "failed": len(reports) - passed, "total": len(reports)}
