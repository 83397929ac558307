"""Celery tasks, registered by name; the web app sends them by name after commit."""
