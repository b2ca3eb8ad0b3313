"""Ready a server worker before its first request: the library read, indexed, and frozen.

`wsgi.py` calls `warm_up` once per worker (gunicorn imports it in each one),
so a worker's first request finds the cached library and its edge index
ready instead of reading and indexing them itself. The collector is then
told to leave the objects alive at that point alone (`gc.freeze`): they live
as long as the worker, and a full collection walking the library's 250,000
objects took 145 ms at 5,000 controls, a pause every few requests.
Tests and the command line never call it.
"""

from __future__ import annotations

import gc
import logging

from flask import Flask

log = logging.getLogger(__name__)


def warm_up(app: Flask, *, freeze: bool = True) -> bool:
    """Read and index the current library in `app`'s worker; return whether it was read.

    A database that is not reachable or not initialised yet is logged and left
    to the first request, which then reads the library itself.
    """
    from .domain.coverage.report import prime
    from .extensions import db
    from .repository.library import cached_library, freeze_new_libraries

    with app.app_context():
        try:
            prime(cached_library(db.session))  # the library, its edge index and mapping values
            ready = True
        except Exception as exc:  # the first request will try again
            log.warning("library not read at worker start: %s", exc)
            ready = False
        finally:
            db.session.remove()
    gc.collect()  # the full collection the new objects would cause, done before any request
    if freeze:
        gc.freeze()
        freeze_new_libraries(True)  # and each library a later release brings
    return ready
