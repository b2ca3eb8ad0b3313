"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from ..services import health

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("main/index.html", overview=health.library_overview())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    status = health.database_status()
    code = 200 if status["database"] == "ok" else 503
    return jsonify(status), code
