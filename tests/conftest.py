"""Shared test settings. Each tier has its own conftest with its fixtures."""

from __future__ import annotations

import os

# Tests never read a developer's instance folder or environment by accident.
for variable in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MAIL_SERVER", "APP_ENV"):
    os.environ.pop(variable, None)
