"""Stated cadence: does a statement's wording agree with the control's frequency?

A cadence is a recurring period the text names for an activity: "quarterly",
"each quarter", "at the end of each month", "once a year", "every six months".
Deadlines and ages are not cadences ("within 24 hours", "within 30 days",
"older than 90 days", "for 12 months"), nor are intervals shorter than a day
("every minute", "every hour") or intervals of days and weeks that match no
frequency ("every 90 days", "every two weeks"). A `{frequency}` placeholder is
the control's own frequency, so it never disagrees. A `continuous` or
`per-event` control names its trigger in words, so any cadence in its text
disagrees with it.
"""

from __future__ import annotations

import re

PLACEHOLDER_RE = re.compile(r"\{\s*frequency\s*\}")
# Longer forms first: each match is blanked before the next pattern runs, so
# "semi-annual" is never also read as "annual" and "every six months" never as
# "monthly".
CADENCE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("semi-annual", r"\bsemi-?annual(ly)?\b"),
    ("semi-annual", r"\bhalf-?yearly\b"),
    ("semi-annual", r"\b(each|every|per|a|once a) half-year\b"),
    ("semi-annual", r"\bevery (6|six) months\b"),
    ("semi-annual", r"\btwice a year\b"),
    ("annual", r"\bevery (12|twelve) months\b"),
    ("quarterly", r"\bevery (3|three) months\b"),
    ("daily", r"\b(each|every) business day\b"),
    ("annual", r"\bannual(ly)?\b"),
    ("annual", r"\byearly\b"),
    ("annual", r"\b(each|every|per|once a|once per) year\b"),
    ("quarterly", r"\bquarterly\b"),
    ("quarterly", r"\b(each|every|per|once a|once per) quarter\b"),
    ("monthly", r"\bmonthly\b"),
    ("monthly", r"\b(each|every|per|once a|once per) month\b"),
    ("weekly", r"\bweekly\b"),
    ("weekly", r"\b(each|every|per|once a|once per) week\b"),
    ("daily", r"\bdaily\b"),
    ("daily", r"\b(each|every|per|once a|once per) day\b"),
)
PERIODIC = ("daily", "weekly", "monthly", "quarterly", "semi-annual", "annual")


def _normalise(text: str) -> str:
    """Return `text` lower-cased, single-spaced, with the `{frequency}` placeholder blanked."""
    return " ".join(PLACEHOLDER_RE.sub(" ", text).lower().split())


def stated_phrases(text: str) -> list[tuple[str, str]]:
    """Return each cadence phrase in `text` with the frequency it names, in pattern order."""
    remaining = _normalise(text)
    found: list[tuple[str, str]] = []
    for frequency, pattern in CADENCE_PATTERNS:
        for match in re.finditer(pattern, remaining):
            found.append((match.group(0), frequency))
        remaining = re.sub(pattern, lambda m: " " * len(m.group(0)), remaining)
    return found


def stated_cadences(text: str) -> set[str]:
    """Return the frequencies (`quarterly`, `annual`, ...) that `text` states as cadences."""
    return {frequency for _, frequency in stated_phrases(text)}


def cadence_conflicts(text: str, frequency: str) -> list[str]:
    """Return one message per cadence in `text` that disagrees with `frequency`."""
    messages: list[str] = []
    seen: set[str] = set()
    for phrase, stated in stated_phrases(text):
        if stated == frequency or phrase in seen:
            continue
        seen.add(phrase)
        if frequency in PERIODIC:
            messages.append(f"'{phrase}' reads as {stated}, but the frequency is {frequency}")
        else:
            messages.append(
                f"'{phrase}' reads as {stated}, but the control is {frequency or 'unset'}; "
                "name the trigger, or give the sampled step its own frequency"
            )
    return messages
