"""API conventions: Redis database numbers, proxies, communes, one authentication guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from config import load_config
from tests.unit.conftest import IsolatedClient

# --- REDIS_URL's database number and the proxies in front -------------------------------------


@pytest.mark.parametrize(("url", "broker", "limiter"), [
    ("redis://cache:6379", "redis://cache:6379/0", "redis://cache:6379/1"),
    ("redis://cache:6379/", "redis://cache:6379/0", "redis://cache:6379/1"),
    ("redis://cache:6379/4", "redis://cache:6379/4", "redis://cache:6379/5"),
    ("redis://:pw@cache:6380/12?socket_timeout=5", "redis://:pw@cache:6380/12?socket_timeout=5",
     "redis://:pw@cache:6380/13?socket_timeout=5"),
])
def test_the_database_number_of_redis_url_is_the_brokers_and_the_next_the_limiters(
        tmp_path: Path, url: str, broker: str, limiter: str) -> None:
    cfg = load_config("development", env={"INSTANCE_DIR": str(tmp_path), "REDIS_URL": url})
    assert cfg["CELERY_BROKER_URL"] == broker
    assert cfg["RATELIMIT_STORAGE_URI"] == limiter


def test_proxy_fix_is_off_by_default_and_read_from_the_environment(tmp_path: Path) -> None:
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path)})["PROXY_FIX_X_FOR"] == 0
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path),
                                           "PROXY_FIX_X_FOR": "1"})["PROXY_FIX_X_FOR"] == 1


def _limited_app(tmp_path: Path, proxies: int) -> Flask:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False,
                     LOGIN_LIMIT_PER_IP="2 per minute", PROXY_FIX_X_FOR=proxies)
    app.test_client_class = IsolatedClient
    with app.app_context():
        from app.extensions import db

        db.create_all()
    return app


def _login_statuses(app: Flask, forwarded_for: str) -> list[int]:
    client = app.test_client()
    return [client.post("/login", data={"email": f"nobody{n}@example.org", "password": "x"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for n in range(3)]


def test_behind_one_proxy_each_forwarded_address_has_its_own_limit(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, 1)
    assert _login_statuses(app, "198.51.100.1")[-1] == 429
    assert _login_statuses(app, "198.51.100.2")[0] != 429


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, 0)
    assert _login_statuses(app, "198.51.100.1")[-1] == 429
    assert _login_statuses(app, "198.51.100.2")[0] == 429
