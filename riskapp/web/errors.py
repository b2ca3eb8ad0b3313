"""Map errors to pages, in one place: domain errors become HTTP answers here."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from ..domain.errors import NotFound as DomainNotFound
from ..extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(DomainNotFound)
    def domain_not_found(error: DomainNotFound) -> ResponseReturnValue:
        return render_template("errors/404.html", error=NotFound()), 404

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        template = "errors/404.html" if error.code == 404 else "errors/http.html"
        return render_template(template, error=error), error.code or 500

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> ResponseReturnValue:
        db.session.rollback()
        return render_template("errors/500.html"), 500
