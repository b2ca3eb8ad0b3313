"""The library browser: frameworks → criteria → controls, and every node's own page."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ..domain.library.model import IMPACT_LEVELS, LIKELIHOOD_LEVELS
from ..services import catalog

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("library/index.html", frameworks=catalog.frameworks())


@bp.get("/frameworks/<slug>")
def framework(slug: str) -> ResponseReturnValue:
    fw = catalog.framework(slug)
    rows = catalog.criteria_with_counts(fw)
    titles = {s["ref"]: s["title"] for s in fw.series}
    groups = [
        (series, titles.get(series, series), list(items))
        for series, items in groupby(rows, key=lambda row: row[0].series)
    ]
    return render_template("library/framework.html", framework=fw, groups=groups)


@bp.get("/frameworks/<slug>/criteria/<ref>")
def criterion(slug: str, ref: str) -> ResponseReturnValue:
    c = catalog.criterion(slug, ref)
    return render_template(
        "library/criterion.html", criterion=c, controls=catalog.controls_for_criterion(c)
    )


@bp.get("/controls")
def controls() -> ResponseReturnValue:
    items = sorted(catalog.controls(), key=lambda c: (c.domain, c.position))
    groups = [(domain, list(group)) for domain, group in groupby(items, key=lambda c: c.domain)]
    return render_template("library/controls.html", groups=groups, total=len(items))


@bp.get("/controls/<ref>")
def control(ref: str) -> ResponseReturnValue:
    return render_template("library/control.html", control=catalog.control(ref))


@bp.get("/risks")
def risks() -> ResponseReturnValue:
    items = sorted(catalog.risks(), key=lambda r: (r.category, r.position))
    groups = [(cat, list(group)) for cat, group in groupby(items, key=lambda r: r.category)]
    return render_template("library/risks.html", groups=groups, total=len(items))


@bp.get("/risks/<ref>")
def risk(ref: str) -> ResponseReturnValue:
    row = catalog.risk(ref)
    score, max_score = catalog.risk_scores(row.likelihood, row.impact)
    return render_template(
        "library/risk.html",
        risk=row,
        score=score,
        max_score=max_score,
        likelihood_levels=LIKELIHOOD_LEVELS,
        impact_levels=IMPACT_LEVELS,
    )


@bp.get("/evidence/<ref>")
def evidence(ref: str) -> ResponseReturnValue:
    return render_template("library/evidence.html", evidence=catalog.evidence_type(ref))


@bp.get("/policies")
def policies() -> ResponseReturnValue:
    return render_template("library/policies.html", policies=catalog.policies())


@bp.get("/policies/<ref>")
def policy(ref: str) -> ResponseReturnValue:
    p = catalog.policy(ref)
    return render_template(
        "library/policy.html", policy=p, controls=catalog.controls_documented_in(p)
    )
