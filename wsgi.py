"""WSGI entry point: `gunicorn wsgi:app`."""

from riskapp.app import create_app

app = create_app()
