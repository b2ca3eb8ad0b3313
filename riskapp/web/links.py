"""The templates' url_for, which keeps the links that are the same on every page.

A page's header and footer link to a score of fixed pages (the menus) and
static files: building each with werkzeug on every page was a tenth of a
light page's time. Those links depend only on the endpoint (and the static
file's name) and on where the app is mounted, so they are kept per app, by
those; every other call (values, anchors, external URLs, relative endpoints)
goes to Flask's url_for as before, as does every call outside a request or
once the app has a url_defaults function that could change a link per request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request


def init_links(app: Flask) -> None:
    """Give the app's templates a url_for that keeps the fixed links."""
    build = app.url_for
    kept: dict[tuple[str, str, str | None], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or app.url_default_functions or not has_request_context():
            return build(endpoint, **values)
        if values and (endpoint != "static" or values.keys() != {"filename"}):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        found = kept.get(key)
        if found is None:
            found = kept[key] = build(endpoint, **values)
        return found

    app.jinja_env.globals["url_for"] = url_for
