"""WSGI entry point: `gunicorn wsgi:app`."""

from riskapp.app import create_app
from riskapp.warmup import warm_up

app = create_app()
warm_up(app)  # each worker reads and indexes the library before its first request
