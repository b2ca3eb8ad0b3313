"""Check a vendor's submitted fields (a form or a CSV row) and turn them into plain data.

Every field arrives as text keyed by its CSV header name. Text is cleaned
(control characters and NUL removed, ends trimmed), each field is held to its
column's length, and every problem is reported against the field it concerns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from ..textsafety import strip_xml_illegal
from .assurance import NO_REPORT, REPORT_KINDS, REPORT_LABELS, SOC2_TYPE1, AssuranceReport
from .register import (
    CRITICALITIES,
    DATA_CLASSES,
    MAX_NAME,
    MAX_REASON,
    MAX_SERVICE,
    MAX_SYSTEMS,
    MAX_TEXT,
    TIERS,
    VendorFacts,
)

# field → (label, longest text accepted)
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "name": ("Name", MAX_NAME),
    "service": ("Service", MAX_SERVICE),
    "systems": ("Systems provided", MAX_SYSTEMS),
    "override_reason": ("Reason for the tier override", MAX_REASON),
    "contingency_plan": ("Contingency plan", MAX_TEXT),
    "report_exceptions": ("Exceptions noted", MAX_TEXT),
    "notes": ("Notes", MAX_TEXT),
}
DATE_FIELDS: tuple[str, ...] = (
    "last_assessed",
    "report_period_start",
    "report_period_end",
    "report_date",
)
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "data": DATA_CLASSES,
    "criticality": CRITICALITIES,
    "report_kind": REPORT_KINDS,
}
MAX_FIELD = 10_000  # longer than any column: a cell this long is refused outright


@dataclass(frozen=True)
class VendorRecord:
    """A vendor's fields as checked: the register's facts and its assurance report."""

    facts: VendorFacts
    report: AssuranceReport


def clean(value: object) -> str:
    """Return submitted text without NUL or control characters, trimmed."""
    return strip_xml_illegal("" if value is None else str(value)).strip()


def _date(raw: str, field: str, problems: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems[field] = "Enter a date as YYYY-MM-DD."
        return None


def system_names(text: str) -> list[str]:
    """Split a list of system names ("AWS; GitHub", one per line also works), without repeats."""
    seen: dict[str, str] = {}
    for part in text.replace("\n", ";").split(";"):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def check_vendor(
    raw: Mapping[str, object], known_systems: Collection[str] | None = None
) -> tuple[VendorRecord | None, dict[str, str]]:
    """Return the checked vendor and no problems, or None and field → message.

    With `known_systems` (the organisation's inventory, by name), every system the
    vendor provides must be one of them; the names are then written as the
    inventory spells them.
    """
    problems: dict[str, str] = {}
    text = {key: clean(raw.get(key)) for key in (*TEXT_FIELDS, *DATE_FIELDS, *CHOICE_FIELDS)}
    text["tier_override"] = clean(raw.get("tier_override"))
    for key, (label, longest) in TEXT_FIELDS.items():
        if len(text[key]) > longest:
            problems[key] = (
                f"{label}: keep it under {longest:,} characters ({len(text[key]):,} given)."
            )
    if not text["name"]:
        problems["name"] = "Name the vendor."
    if known_systems is not None and "systems" not in problems:
        spelled = {name.casefold(): name for name in known_systems}
        wanted = system_names(text["systems"])
        unknown = [name for name in wanted if name.casefold() not in spelled]
        if unknown:
            problems["systems"] = (
                f"Not in your system inventory: {', '.join(unknown)}. Add them there first, "
                "or leave them out."
            )
        text["systems"] = "; ".join(spelled.get(n.casefold(), n) for n in wanted)
    for key, allowed in CHOICE_FIELDS.items():
        if not text[key]:
            text[key] = {"data": "none", "criticality": "low", "report_kind": NO_REPORT}[key]
        if text[key] not in allowed:
            problems[key] = f"Choose one of: {', '.join(allowed)}."
    dates = {key: _date(text[key], key, problems) for key in DATE_FIELDS}
    override: int | None = None
    if text["tier_override"]:
        try:
            override = int(text["tier_override"])
        except ValueError:
            override = None
        if override not in TIERS:
            problems["tier_override"] = "Choose tier 1, 2 or 3, or leave it blank."
            override = None
    if override is not None and not text["override_reason"]:
        problems.setdefault("override_reason", "Say why the computed tier is overridden.")
    if text["criticality"] == "critical" and not text["contingency_plan"]:
        problems.setdefault(
            "contingency_plan",
            "A critical vendor needs a contingency plan: what you do when it is unavailable.",
        )
    kind = text["report_kind"]
    start, end = dates["report_period_start"], dates["report_period_end"]
    if start and end and start > end:
        problems.setdefault("report_period_end", "The period must end on or after its start.")
    if kind == SOC2_TYPE1 and not dates["report_date"] and "report_date" not in problems:
        problems["report_date"] = f"Give the date a {REPORT_LABELS[kind]} report speaks for."
    if kind in ("soc2-type2", "iso27001") and not (start and end):
        field = "report_period_start" if not start else "report_period_end"
        problems.setdefault(field, f"Give the start and end of the {REPORT_LABELS[kind]} period.")
    if problems:
        return None, problems
    facts = VendorFacts(
        name=text["name"],
        service=text["service"],
        systems=text["systems"],
        data=text["data"],
        criticality=text["criticality"],
        tier_override=override,
        override_reason=text["override_reason"] if override is not None else "",
        last_assessed=dates["last_assessed"],
        contingency=text["contingency_plan"],
        notes=text["notes"],
    )
    report = AssuranceReport(
        kind=kind,
        period_start=start if kind != SOC2_TYPE1 else None,
        period_end=end if kind != SOC2_TYPE1 else None,
        report_date=dates["report_date"],
        exceptions=text["report_exceptions"],
    )
    return VendorRecord(facts, report), problems
