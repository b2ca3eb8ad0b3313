"""Which library risks a profile proposes, through the risks' applicability tags."""

from __future__ import annotations

from collections.abc import Mapping

from ..library.model import Library, Tag


def default_answers(tags: Mapping[str, Tag]) -> dict[str, bool]:
    """Return the library's proposed answer to every profile question."""
    return {key: tag.default for key, tag in tags.items()}


def active_tags(answers: Mapping[str, bool]) -> set[str]:
    """Return the tags switched on by yes answers."""
    return {key for key, yes in answers.items() if yes}


def is_applicable(tags: tuple[str, ...], active: set[str]) -> bool:
    """A risk applies when it has no tags or at least one of its tags is active."""
    return not tags or bool(active.intersection(tags))


def proposed_risks(library: Library, answers: Mapping[str, bool]) -> list[str]:
    """Return the refs of the library risks the answers propose, in library order."""
    active = active_tags(answers)
    return [ref for ref, risk in library.risks.items() if is_applicable(risk.tags, active)]


def risks_per_question(library: Library) -> dict[str, int]:
    """Return, per tag, how many library risks a yes answer brings in."""
    counts = dict.fromkeys(library.meta.tags, 0)
    for risk in library.risks.values():
        for tag in risk.tags:
            if tag in counts:
                counts[tag] += 1
    return counts
