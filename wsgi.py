"""WSGI entry point: ``gunicorn wsgi:app``; ``FLASK_APP=wsgi`` for the CLI."""

from app import create_app

app = create_app()
