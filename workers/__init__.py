"""Celery worker and beat entry points. Tasks are thin: load by id, call a service, commit."""
