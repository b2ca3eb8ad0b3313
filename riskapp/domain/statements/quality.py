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
from .vocabulary import (
    ACTION_WORDS,
    EVIDENCE_WORDS,
    FREQUENCY_PATTERNS,
    ROLE_WORDS,
    SCOPE_WORDS,
    VAGUE_TERMS,
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
