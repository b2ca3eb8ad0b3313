"""Draft DC5–DC9: criteria and controls, user-entity controls, carve-outs, exclusions, changes."""

from __future__ import annotations

from ..statements.render import Segment
from .drafting import Draft, org_segment, when_segment
from .model import (
    WHERE_CHANGES,
    WHERE_CONTROLS,
    WHERE_CUECS,
    WHERE_EXCLUSIONS,
    WHERE_PERIOD,
    ControlLine,
    DescriptionInput,
    Section,
)


def series_of(ref: str) -> str:
    """Return a criterion's series from its ref: "CC6.1" → "CC6"."""
    return ref.split(".", 1)[0]


def _dc5(data: DescriptionInput) -> Section:
    d = Draft()
    by_ref = {c.ref: c for c in data.controls}
    categories = ", ".join(data.categories) if data.categories else ""
    d.say(
        "The trust services categories in scope are: ",
        Segment(categories)
        if categories
        else d.blank("categories", "The categories in scope", WHERE_PERIOD),
        ". The criteria below apply to the system, grouped by series, with the controls "
        "that address them.",
    )
    if not data.criteria:
        d.say(d.blank("criteria in scope", "Criteria in scope", WHERE_PERIOD))
        return d.section("DC5")
    d.found.append(f"{len(data.criteria)} criteria in scope, {len(data.controls)} controls.")
    series: dict[str, list] = {}
    for criterion in data.criteria:
        series.setdefault(criterion.series or series_of(criterion.ref), []).append(criterion)
    for name, criteria in series.items():
        title = data.series_titles.get(name, "")
        d.say(f"{name} {title}".strip(), heading=True)
        for criterion in criteria:
            d.say(f"{criterion.ref} {criterion.title}", bullet=True)
        refs = list(dict.fromkeys(r for c in criteria for r in c.controls if r in by_ref))
        uncovered = [c.ref for c in criteria if not any(r in by_ref for r in c.controls)]
        if refs:
            d.table(
                ("Control", "Statement", "Owner", "Criteria"),
                (_control_row(by_ref[r]) for r in refs),
                "controls",
            )
        for ref in uncovered:
            d.say(
                f"{ref}: ",
                d.blank(f"controls for {ref}", f"A control addressing {ref}", WHERE_CONTROLS),
            )
    return d.section("DC5")


def _control_row(control: ControlLine) -> tuple[object, ...]:
    return (
        f"{control.ref} {control.title}",
        control.statement,
        control.owner,
        ", ".join(control.criteria),
    )


def _dc6(data: DescriptionInput) -> Section:
    d = Draft()
    d.say(
        org_segment(data, d),
        "'s controls assume that its customers carry out the controls below. Customers "
        "should put them in place for the trust services criteria to be met.",
    )
    if data.cuecs:
        d.found.append(f"{len(data.cuecs)} complementary user-entity controls.")
        for cuec in data.cuecs:
            d.say(cuec, bullet=True)
    else:
        d.say(
            d.blank(
                "user-entity controls", "The controls customers are expected to run", WHERE_CUECS
            )
        )
    return d.section("DC6")


def _dc7(data: DescriptionInput) -> Section:
    d = Draft()
    if not data.carved_out:
        d.found.append("No criterion is carved out.")
        d.say(
            "No criterion is carved out to a subservice organisation: ",
            org_segment(data, d),
            " meets every applicable criterion with its own controls.",
        )
        return d.section("DC7")
    d.found.append(f"{len(data.carved_out)} carved-out criteria.")
    d.say(
        org_segment(data, d),
        " uses the subservice organisations below (carve-out method). The description "
        "excludes their controls; it lists what each provides and the controls it is "
        "expected to run.",
    )
    rows = []
    for c in data.carved_out:
        rows.append(
            (
                c.vendor,
                (
                    d.text(
                        c.vendor_services,
                        f"services of {c.vendor}",
                        f"What {c.vendor} provides",
                        WHERE_EXCLUSIONS,
                    ),
                ),
                f"{c.ref} {c.title}",
                (
                    d.text(
                        c.vendor_controls,
                        f"controls of {c.vendor}",
                        f"The controls {c.vendor} is expected to run",
                        WHERE_EXCLUSIONS,
                    ),
                ),
            )
        )
    d.table(
        (
            "Subservice organisation",
            "Services provided",
            "Criterion carved out",
            "Controls expected",
        ),
        rows,
        "vendors",
    )
    return d.section("DC7")


def _dc8(data: DescriptionInput) -> Section:
    d = Draft()
    if not data.not_relevant:
        d.found.append("Every criterion in scope is relevant.")
        d.say("Every criterion of the categories in scope is relevant to the system.")
        return d.section("DC8")
    d.found.append(f"{len(data.not_relevant)} criteria not relevant, with reasons.")
    d.say("The criteria below are not relevant to the system, for the reasons given.")
    rows = [
        (
            f"{n.ref} {n.title}",
            (
                d.text(
                    n.reason, f"reason for {n.ref}", f"Why {n.ref} does not apply", WHERE_EXCLUSIONS
                ),
            ),
        )
        for n in data.not_relevant
    ]
    d.table(("Criterion", "Reason"), rows, "not-relevant")
    return d.section("DC8")


def _dc9(data: DescriptionInput) -> Section:
    d = Draft()
    if not data.changes:
        d.say(
            "No significant change to the system or its controls is chosen ",
            when_segment(data, d),
            ". ",
            d.blank(
                "confirm no significant changes",
                "Choose the significant changes, or confirm there were none",
                WHERE_CHANGES,
            ),
        )
        return d.section("DC9")
    d.found.append(f"{len(data.changes)} significant changes chosen from the audit trail.")
    d.say(
        "The significant changes to the system and its controls ", when_segment(data, d), " were:"
    )
    for change in sorted(data.changes, key=lambda c: c.on):
        d.say(f"{change.on.isoformat()}: {change.summary}", bullet=True)
    return d.section("DC9")
