"""Risk scoring: inherent score, bands, and residual score from selected controls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..library.model import Library
from .model import IMPLEMENTED, NOT_APPLICABLE, AssessmentData

MIN_LEVEL = 1
MAX_LEVEL = 5
MAX_SCORE = MAX_LEVEL * MAX_LEVEL


@dataclass(frozen=True)
class Band:
    """A named range of scores, both ends included."""

    name: str
    low: int
    high: int


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("low", 1, 4),
    Band("medium", 5, 9),
    Band("high", 10, 16),
    Band("critical", 17, 25),
)


def inherent_score(likelihood: int, impact: int) -> int:
    """Return likelihood × impact (1–25) for levels 1–5."""
    for name, level in (("likelihood", likelihood), ("impact", impact)):
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ValueError(f"{name} must be from 1 to 5, got {level}")
    return likelihood * impact


def band_problems(bands: Sequence[Band]) -> list[str]:
    """Return what is wrong with a band table: bands must tile 1–25 in order, no gaps."""
    problems = []
    expected_low = 1
    for band in bands:
        if not band.name.strip():
            problems.append("every band needs a name")
        if band.low != expected_low:
            problems.append(f"band {band.name!r} must start at {expected_low}, not {band.low}")
        if band.high < band.low:
            problems.append(f"band {band.name!r} ends before it starts")
        expected_low = band.high + 1
    if bands and bands[-1].high != MAX_SCORE:
        problems.append(f"the last band must end at {MAX_SCORE}")
    if not bands:
        problems.append("at least one band is needed")
    return problems


def band_for(score: int, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """Return the name of the band holding `score`."""
    for band in bands:
        if band.low <= score <= band.high:
            return band.name
    raise ValueError(f"score {score} is in no band")


@dataclass(frozen=True)
class Effect:
    """One control's effect on one risk, with what the assessment says of the control."""

    control_type: str
    likelihood: int
    impact: int
    status: str


@dataclass(frozen=True)
class Residual:
    """Residual levels now (implemented controls) and at target (once planned ones land)."""

    likelihood: int
    impact: int
    target_likelihood: int
    target_impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact


def _steps(effect: Effect) -> tuple[int, int]:
    if effect.control_type == "preventive":
        return effect.likelihood, 0
    if effect.control_type == "corrective":
        return 0, effect.impact
    return effect.likelihood, effect.impact


def residual(likelihood: int, impact: int, effects: Iterable[Effect]) -> Residual:
    """Return the residual levels of a risk rated `likelihood` × `impact`.

    The rule: a preventive control lowers likelihood by its library steps, a
    corrective control lowers impact by its steps, and a detective control
    lowers each by the steps the library gives. Steps of several controls add
    up, and no level drops below 1. The current residual counts only
    implemented controls; the target also counts partially implemented and
    planned ones. Not-applicable controls count for nothing.
    """
    now_l = now_i = target_l = target_i = 0
    for effect in effects:
        if effect.status == NOT_APPLICABLE:
            continue
        step_l, step_i = _steps(effect)
        target_l += step_l
        target_i += step_i
        if effect.status == IMPLEMENTED:
            now_l += step_l
            now_i += step_i
    return Residual(
        likelihood=max(MIN_LEVEL, likelihood - now_l),
        impact=max(MIN_LEVEL, impact - now_i),
        target_likelihood=max(MIN_LEVEL, likelihood - target_l),
        target_impact=max(MIN_LEVEL, impact - target_i),
    )


def needs_treatment(score: int, appetite: int) -> bool:
    """Answer whether a score lies above the risk appetite and so must be treated."""
    return score > appetite


def assessment_residuals(library: Library, assessment: AssessmentData) -> dict[str, Residual]:
    """Return risk ref → residual levels from the assessment's selected controls.

    Uses the mitigates edges of the library and the assessment's custom
    mappings, the control types of library and custom controls, and each
    selected control's implementation status (see `residual`).
    """
    status_of = {c.ref: c.status for c in assessment.controls}
    types = {ref: c.type for ref, c in library.controls.items()}
    types.update({c.ref: c.type for c in assessment.custom.controls})
    effects: dict[str, list[Effect]] = {}
    for edge in (*library.mitigates, *assessment.custom.mitigates):
        status = status_of.get(edge.control)
        if status is not None:
            effects.setdefault(edge.risk, []).append(
                Effect(types.get(edge.control, "detective"), edge.likelihood, edge.impact, status)
            )
    return {
        r.ref: residual(r.likelihood, r.impact, effects.get(r.ref, ())) for r in assessment.risks
    }


def format_bands(bands: Sequence[Band]) -> str:
    """Write a band table as text: 'low 1-4, medium 5-9, high 10-16, critical 17-25'."""
    return ", ".join(f"{b.name} {b.low}-{b.high}" for b in bands)


def parse_bands(text: str) -> tuple[tuple[Band, ...], list[str]]:
    """Read 'name low-high, …' into bands; return them with the problems found (if any)."""
    bands = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        words = part.rsplit(" ", 1)
        bounds = words[-1].split("-") if len(words) == 2 else []
        if len(bounds) != 2 or not all(b.strip().isdigit() for b in bounds):
            return (), [f"Write each band as 'name low-high', e.g. 'low 1-4'; got {part!r}."]
        bands.append(Band(words[0].strip(), int(bounds[0]), int(bounds[1])))
    problems = band_problems(bands)
    return (tuple(bands) if not problems else ()), problems
