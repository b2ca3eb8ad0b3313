"""The web layer: one blueprint per area, and the error pages."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Register every blueprint and the error handlers."""
    from . import errors, library, main

    app.register_blueprint(main.bp)
    app.register_blueprint(library.bp)
    errors.register(app)
