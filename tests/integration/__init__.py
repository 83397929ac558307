"""Integration tier: real PostgreSQL, Redis, Celery worker/beat processes and an SMTP sink."""
