"""Coverage use cases: the coverage page, the closing set, and the CLI's JSON report.

The web view passes link builders (it alone knows URLs); the CLI asks for the
plain report. Both read the assessment and the library through the repository
and compute with the domain's coverage and closing-set functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.assessment.exclusions import CriterionExclusion
from ..domain.assessment.model import NOT_APPLICABLE, AssessmentData
from ..domain.coverage.closing import closing_set, needs_new_control, primary_closers
from ..domain.coverage.columns import ColumnControl, column_controls
from ..domain.coverage.report import COVERAGE_STATUSES, Coverage, Totals
from ..domain.library.model import Library
from ..extensions import db
from ..models import Assessment
from ..repository import library as library_repo
from ..repository.assessments import get_assessment
from . import assessment_cache, carveouts
from .closing_cache import State, cached_closing_set, cached_for_state, state_key

Link = Callable[[str], str]
GROUP_ABOVE = 300  # selected controls beyond which the heatmap's columns are domains


def _no_link(_ref: str) -> str:
    return ""


def load(row: Assessment) -> tuple[Library, AssessmentData, Coverage]:
    """Return the library, the assessment's data and its coverage.

    The data is kept between requests while nothing it is read from changes
    (`assessment_cache`); both are shared, so callers only read them.
    """
    library = library_repo.cached_library(db.session)
    data, coverage = assessment_cache.data_and_coverage(db.session, row, library)
    return library, data, coverage


def series_titles(library: Library, framework: str) -> dict[str, str]:
    fw = library.frameworks.get(framework)
    return {s.ref: s.title for s in fw.series} if fw else {}


def coverage_page(
    row: Assessment,
    *,
    include_risks: bool = False,
    criterion_link: Link = _no_link,
    control_link: Link = _no_link,
    card_link: Link = _no_link,
    domain: str | None = None,
    domain_link: Link = _no_link,
) -> dict[str, Any]:
    """Return what the coverage page shows: totals, heatmap columns, gaps and the closing set.

    `criterion_link` and `control_link` give the library pages of a criterion
    and a control; `card_link` gives a selected control's card in the
    assessment (where a heatmap cell click leads). Above `GROUP_ABOVE`
    selected controls the heatmap's columns are their domains (`domains`,
    each with `domain_link(key)`, where a cell click leads); `domain` picks
    one domain whose controls become the columns instead.
    """
    library, data, coverage = load(row)
    every = column_controls(library, data, control_link)
    grid = heatmap_columns(every, domain, domain_link)
    columns = grid["columns"]
    state = State(state_key(library, data, include_risks), library)
    closing = cached_closing_set(
        library, data, coverage, include_risks=include_risks, key=state.key
    )
    # a target's candidates come ranked; other partials list every unselected primary
    ranked = {t.ref: t.candidates for t in closing.targets if t.kind == "criterion"}
    closers = cached_for_state(state, "closers", lambda: primary_closers(library, data))
    vendors = carveouts.carve_out_vendors(row.organization_id)
    titles = series_titles(library, data.scope.framework)
    gaps: list[dict[str, Any]] = [
        {
            "item": item,
            "needs_control": needs_new_control(item),
            "closers": ranked.get(item.ref) or closers.get(item.ref, []),
        }
        for item in coverage.of_status("gap", "partial")
    ]
    monitoring = carveouts.monitoring_to_select(data, library)
    return {
        "coverage": coverage,
        # the titles of the controls the page names by ref: the closers and monitoring
        "titles": _control_titles(
            library, data, [ref for g in gaps for ref in g["closers"]] + monitoring
        ),
        "series_titles": titles,
        "columns": columns,  # the figures are built by the view (figures.coverage_heatmap)
        "criterion_links": [criterion_link(c.ref) for c in coverage.criteria],
        "cell_links": (
            [link for _key, link in grid["domains"]]
            if grid["grouped"]
            else [card_link(c.ref) for c in columns]
        ),
        **grid,
        "gaps": gaps,
        "closing": closing,
        "include_risks": include_risks,
        "unmitigated": [
            {"ref": ref, "title": _risk_title(library, data, ref), "library": ref in library.risks}
            for ref in coverage.unmitigated_risks
        ],
        "framework": data.scope.framework,
        "retired": retired_selections(data),
        "set_aside": coverage.set_aside,
        "carve_out_vendors": vendors,
        "office": carveouts.office_suggestion(data, library, vendors),
        "monitoring": monitoring,
        "open_criteria": [c for c in coverage.criteria if c.exclusion is None],
        "state": state,  # for what the view derives from this state alone (cached_for_state)
    }


def _control_titles(library: Library, data: AssessmentData, refs: list[str]) -> dict[str, str]:
    """Return ref → title of these controls (the assessment's own first, then the library's).

    Only the refs the page names: a title for every library control was a
    dict of the whole library per view.
    """
    custom = {c.ref: c for c in data.custom.controls}
    found = {}
    for ref in refs:
        control = custom.get(ref) or library.controls.get(ref)
        if control is not None:
            found[ref] = control.title
    return found


def heatmap_columns(
    every: list[ColumnControl], domain: str | None, domain_link: Link
) -> dict[str, Any]:
    """Return the heatmap's columns: every selected control, one domain's, or the domains.

    `domains` lists (key, link) for each domain with a selected control, in
    column order; `grouped` says the columns are those domains; `domain` is
    the domain drilled into (None when none).
    """
    counts: dict[str, int] = {}
    for c in every:
        counts[c.domain] = counts.get(c.domain, 0) + 1
    domains = [(key, domain_link(key)) for key in counts]
    found: dict[str, Any] = {
        "domains": domains,
        "domain_counts": counts,
        "domain": None,
        "grouped": False,
        "columns": every,
    }
    if domain in counts:
        found.update(domain=domain, columns=[c for c in every if c.domain == domain])
    elif len(every) > GROUP_ABOVE:
        found["grouped"] = True
    return found


def retired_selections(data: AssessmentData) -> list[dict[str, Any]]:
    """Return the selected controls the library has retired, each with its successors."""
    titles = {c.ref: c.title for c in data.custom.controls}
    return [
        {"ref": ref, "title": titles.get(ref, ""), "retirement": retirement}
        for ref, retirement in data.custom.retired.items()
    ]


def _risk_title(library: Library, data: AssessmentData, ref: str) -> str:
    risk = library.risks.get(ref) or next((r for r in data.custom.risks if r.ref == ref), None)
    return risk.title if risk else ref


def overview(row: Assessment) -> dict[str, Any]:
    """Return what the assessment's overview page shows: coverage and retired selections."""
    _library, data, coverage = load(row)
    return {"coverage": coverage, "retired": retired_selections(data)}


def _percentages(totals: Totals) -> dict[str, float]:
    return {status: totals.percent(status) for status in COVERAGE_STATUSES}


def _counted(totals: Totals) -> dict[str, Any]:
    return {**totals.as_dict(), "total": totals.total, "percentages": _percentages(totals)}


def _set_aside(exclusion: CriterionExclusion | None) -> dict[str, Any]:
    if exclusion is None:
        return {}
    found: dict[str, Any] = {"reason": exclusion.reason}
    if exclusion.carved_out:
        found["vendor"] = exclusion.vendor
        found["vendor_controls"] = exclusion.vendor_controls
        bridge = exclusion.bridge
        found["uncovered_days"] = bridge.uncovered_days if bridge else 0
        found["warning"] = exclusion.warning
    return found


def coverage_report(
    assessment_id: int, *, closing: bool = False, include_risks: bool = False
) -> dict[str, Any]:
    """Return the coverage of an assessment's in-scope criteria as plain JSON-ready data.

    Each criterion lists the applicable selected controls that satisfy it
    (not-applicable ones count for nothing and are listed apart).
    """
    row = get_assessment(db.session, assessment_id)
    library, data, coverage = load(row)
    report: dict[str, Any] = {
        "assessment": {"id": row.id, "name": row.name, "framework": data.scope.framework},
        "criteria": [
            {
                "ref": item.ref,
                "series": item.series,
                "status": item.status,
                "controls": [c.ref for c in item.controls if c.status != NOT_APPLICABLE],
                "mappings": [
                    {"control": c.ref, "strength": c.strength, "status": c.status}
                    for c in item.controls
                ],
                **_set_aside(item.exclusion),
            }
            for item in coverage.criteria
        ],
        "totals": coverage.overall.as_dict(),
        "percentages": _percentages(coverage.overall),
        "by_series": {ref: _counted(t) for ref, t in coverage.by_series.items()},
        "by_category": {key: _counted(t) for key, t in coverage.by_category.items()},
        "by_framework": {key: _counted(t) for key, t in coverage.by_framework.items()},
        "unmitigated_risks": list(coverage.unmitigated_risks),
        "monitoring_controls_unselected": carveouts.monitoring_to_select(data, library),
    }
    if closing:
        found = closing_set(library, data, coverage, include_risks=include_risks)
        report["closing_set"] = {
            "controls": [{"ref": c.ref, "closes": list(c.closes)} for c in found.controls],
            "proven_minimal": found.cover.proven_minimal,
            "method": found.cover.method,
            "lower_bound": found.cover.lower_bound,
            "unclosable": [t.ref for t in found.unclosable],
            "includes_risks": include_risks,
        }
    return report
