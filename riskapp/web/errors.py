"""Map errors to pages, in one place: domain errors become HTTP answers here."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, RequestEntityTooLarge

from ..domain.errors import (
    InvalidInput,
    PermissionDenied,
    RiskappError,
    RuleViolation,
    TooManyAttempts,
    UploadRejected,
)
from ..domain.errors import NotFound as DomainNotFound
from .transactions import roll_back


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _page(title: str, message: str, code: int, problems: list[str] | None = None):
    return render_template(
        "errors/message.html", title=title, message=message, code=code, problems=problems or []
    ), code


def register(app: Flask) -> None:
    @app.errorhandler(DomainNotFound)
    def domain_not_found(error: DomainNotFound) -> ResponseReturnValue:
        return render_template("errors/404.html", error=NotFound()), 404

    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied) -> ResponseReturnValue:
        return _page("Not allowed", str(error), 403)

    @app.errorhandler(InvalidInput)
    def invalid_input(error: InvalidInput) -> ResponseReturnValue:
        return _page("Cannot save this", "Nothing was changed:", 400, list(error.problems.values()))

    @app.errorhandler(RuleViolation)
    def rule_violation(error: RuleViolation) -> ResponseReturnValue:
        return _page("Cannot do this", str(error), 409)

    @app.errorhandler(TooManyAttempts)
    def too_many_attempts(error: TooManyAttempts) -> ResponseReturnValue:
        return _page("Please wait", str(error), 429)

    @app.errorhandler(UploadRejected)
    def upload_rejected(error: UploadRejected) -> ResponseReturnValue:
        return _page("File not accepted", str(error), 413 if error.too_large else 400)

    @app.errorhandler(RiskappError)
    def domain_error(error: RiskappError) -> ResponseReturnValue:
        """Any other domain error: a clear 400 naming what was wrong, never a 500."""
        problems = getattr(error, "problems", None)
        if isinstance(problems, dict):
            return _page("Cannot save this", "Nothing was changed:", 400, list(problems.values()))
        return _page("Cannot do this", f"{error} Nothing was changed.", 400)

    @app.errorhandler(DataError)
    def data_error(error: DataError) -> ResponseReturnValue:
        """A value the database refused (too long for its column, say): nothing was saved."""
        roll_back()
        return _page(
            "Cannot save this",
            "A value you entered is too long or not allowed here. Nothing was changed; go back, "
            "shorten it and try again.",
            422,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return _page(
            "Form expired",
            "This form could not be checked: its security token is missing or out of date. "
            "Nothing was changed. Go back, reload the page and try again.",
            400,
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return _page(
            "Too large",
            f"What you sent is larger than the {_megabytes(limit)} this server accepts. "
            "Nothing was changed.",
            413,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        template = "errors/404.html" if error.code == 404 else "errors/http.html"
        retry = {k: v for k, v in error.get_headers() if k == "Retry-After"}
        return render_template(template, error=error), error.code or 500, retry

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> ResponseReturnValue:
        roll_back()
        return render_template("errors/500.html"), 500
