"""Draft the nine sections of the system description (DC1–DC9) from plain data.

Nothing is invented: a fact the data lacks becomes a named blank (an
unfilled segment shown as `[name]`) and a `Missing` entry saying where to
supply it. DC9 (changes during the period) is drafted for Type 2 only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .drafting import CUSTOMER_WORDS, Draft, org_segment, system_segment, text_blocks, when_segment
from .model import (
    WHERE_CONTROLS,
    WHERE_INCIDENTS,
    WHERE_INVENTORY,
    WHERE_ORGANISATION,
    ControlLine,
    DescriptionInput,
    Missing,
    Section,
)
from .scope_sections import _dc5, _dc6, _dc7, _dc8, _dc9


def _dc1(data: DescriptionInput) -> Section:
    d = Draft()
    services = data.answers.services.strip()
    d.say(
        org_segment(data, d),
        " provides the following services to its customers through ",
        system_segment(data, d),
        ".",
    )
    if services:
        d.found.append("Services provided, from the organisation's description.")
        for block in text_blocks(services):
            d.say(block)
    else:
        d.say(
            d.blank("services provided", "The services provided to customers", WHERE_ORGANISATION)
        )
    return d.section("DC1")


def _dc2(data: DescriptionInput) -> Section:
    d = Draft()
    answers = data.answers
    d.say(
        org_segment(data, d),
        " designs its processes and controls to meet the commitments it makes to customers "
        "and the requirements it must follow. The principal ones are these.",
    )
    rows = (
        ("service commitments", "Commitments to customers", answers.commitments),
        (
            "security commitments",
            "Security and confidentiality commitments",
            answers.security_commitments,
        ),
        ("legal requirements", "Legal and regulatory requirements", answers.legal_requirements),
    )
    for name, label, value in rows:
        d.say(label, heading=True)
        if value.strip():
            d.found.append(f"{label}, from the organisation's description.")
            for block in text_blocks(value):
                d.say(block)
        else:
            d.say(d.blank(name, label, WHERE_ORGANISATION))
    return d.section("DC2")


def _dc3(data: DescriptionInput) -> Section:
    d = Draft()
    d.say(
        "The system is made of its infrastructure, software, people, procedures and data. "
        "The system boundary takes in ",
        system_segment(data, d),
        " and the in-scope systems listed below; the systems of subservice organisations "
        "carved out in DC7 lie outside it.",
    )
    d.say("Infrastructure and software", heading=True)
    if data.components:
        d.found.append(f"{len(data.components)} in-scope systems from the inventory.")
        d.table(
            ("System", "Kind", "Data held", "Owner"),
            (
                (
                    c.name,
                    c.kind,
                    c.classification,
                    c.owner
                    or (d.blank("system owner", f"The owner of {c.name}", WHERE_INVENTORY),),
                )
                for c in data.components
            ),
            "systems",
        )
    else:
        d.say(d.blank("in-scope systems", "The in-scope systems of the inventory", WHERE_INVENTORY))
    d.say("People", heading=True)
    owners: dict[str, int] = {}
    for control in data.controls:
        if control.owner.strip():
            owners[control.owner] = owners.get(control.owner, 0) + 1
    if owners:
        d.found.append(f"{len(owners)} roles operate the selected controls.")
        d.say(
            f"{len(owners)} roles operate the controls described in DC5. Each role and the "
            "number of controls it runs:"
        )
        d.table(("Role", "Controls operated"), sorted(owners.items()), "roles")
    else:
        d.say(d.blank("control owners", "Owners for the selected controls", WHERE_CONTROLS))
    d.say("Procedures", heading=True)
    if data.policies:
        d.found.append(f"{len(data.policies)} policies document the controls.")
        d.say(
            "Written policies set out the procedures; each control's owner, named in DC5, "
            "carries out the procedure. The policies are:"
        )
        for title in data.policies:
            d.say(title, bullet=True)
    else:
        d.say(d.blank("policies", "Policies documenting the selected controls", WHERE_CONTROLS))
    d.say("Data", heading=True)
    held = sorted({c.classification for c in data.components})
    if held:
        d.found.append("Classifications of data held, from the inventory.")
        d.say("The in-scope systems hold data classified as: ", ", ".join(held), ".")
    else:
        d.say(d.blank("data classifications", "The classifications of data held", WHERE_INVENTORY))
    return d.section("DC3")


def _dc4(data: DescriptionInput) -> Section:
    d = Draft()
    significant = [i for i in data.incidents if i.significant]
    if not significant:
        d.say(
            "No significant incident is recorded in the incident log ",
            when_segment(data, d),
            ". ",
            d.blank(
                "confirm no significant incidents",
                "Confirm that no significant incident occurred, or record it",
                WHERE_INCIDENTS,
            ),
        )
        return d.section("DC4")
    d.found.append(f"{len(significant)} significant incidents from the incident log.")
    d.say(
        f"{len(significant)} significant incidents are recorded ",
        when_segment(data, d),
        ". For each: its nature, timing, extent and how it was resolved.",
    )
    rows = []
    for i in significant:
        rows.append(
            (
                i.occurred_on.isoformat()
                if i.occurred_on
                else (d.blank("incident date", "The incident's date", WHERE_INCIDENTS),),
                i.nature,
                (
                    d.text(
                        i.timing,
                        "incident timing",
                        "When the incident was found and closed",
                        WHERE_INCIDENTS,
                    ),
                ),
                (d.text(i.extent, "incident extent", "The incident's extent", WHERE_INCIDENTS),),
                (
                    d.text(
                        i.disposition,
                        "incident disposition",
                        "How the incident was resolved",
                        WHERE_INCIDENTS,
                    ),
                ),
            )
        )
    d.table(("Date", "Nature", "Timing", "Extent", "Disposition"), rows, "incidents")
    return d.section("DC4")


def draft_description(data: DescriptionInput) -> list[Section]:
    """Return the description's sections in order: DC1–DC8, and DC9 for a Type 2 report."""
    sections = [
        _dc1(data),
        _dc2(data),
        _dc3(data),
        _dc4(data),
        _dc5(data),
        _dc6(data),
        _dc7(data),
        _dc8(data),
    ]
    if data.type2:
        sections.append(_dc9(data))
    return sections


def all_missing(sections: Iterable[Section]) -> list[tuple[str, Missing]]:
    """Return every missing item with its section code, in document order."""
    return [(s.code, m) for s in sections for m in s.missing]


def suggest_cuecs(controls: Iterable[ControlLine]) -> list[ControlLine]:
    """Return the controls whose statements rely on customers, as CUEC suggestions."""
    return [c for c in controls if CUSTOMER_WORDS.search("".join(s.text for s in c.statement))]
