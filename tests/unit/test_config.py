"""Configuration: defaults, environment overrides, and production's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from config import ConfigError, load_config
from config.settings import normalise_database_url

GOOD_SECRET = "k" * 48
PROD_ENV = {"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": "postgresql://app@db/procure",
            "REDIS_URL": "redis://cache:6379"}


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db"])
def test_usual_postgresql_urls_use_the_installed_driver(url: str) -> None:
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/db"


def test_other_urls_are_left_alone() -> None:
    assert normalise_database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


@pytest.mark.parametrize("secret", [None, "", "dev", "change-me", "short-but-random"])
def test_production_refuses_a_missing_default_or_short_secret(secret: str | None) -> None:
    env = dict(PROD_ENV)
    if secret is None:
        env.pop("SECRET_KEY")
    else:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production", env=env)


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL"])
def test_production_names_the_missing_variable(variable: str) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != variable}
    with pytest.raises(ConfigError, match=variable):
        load_config("production", env=env)


def test_production_with_everything_set_is_strict() -> None:
    cfg = load_config("production", env=PROD_ENV)
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/procure"
    assert cfg["CELERY_BROKER_URL"] == "redis://cache:6379/0"
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"] and cfg["HSTS"]


def test_production_app_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/procure")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app("production")


def test_embedded_default_needs_no_server(tmp_path: Path) -> None:
    cfg = load_config("development", env={"INSTANCE_DIR": str(tmp_path)})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'procure.db'}"
    assert cfg["CELERY_BROKER_URL"] == f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"
    assert cfg["MAIL_SERVER"] is None
    # A random development secret is created once and kept.
    assert len(cfg["SECRET_KEY"]) == 64
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"] == \
        cfg["SECRET_KEY"]


def test_environment_overrides_the_class_defaults(tmp_path: Path) -> None:
    cfg = load_config("development", env={
        "INSTANCE_DIR": str(tmp_path), "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "2525",
        "MAIL_USE_TLS": "true", "CELERY_BROKER_URL": "redis://other:6379/3",
        "REDIS_URL": "redis://cache:6379"})
    assert cfg["MAIL_SERVER"] == "smtp.example.org"
    assert cfg["MAIL_PORT"] == 2525
    assert cfg["MAIL_USE_TLS"] is True
    assert cfg["CELERY_BROKER_URL"] == "redis://other:6379/3"


def test_a_malformed_number_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        load_config("development", env={"INSTANCE_DIR": str(tmp_path), "MAIL_PORT": "smtp"})


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config("staging", env={})


def test_celery_is_configured_for_reliability(tmp_path: Path) -> None:
    app = create_app("development", INSTANCE_DIR=str(tmp_path),
                     CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    conf = app.extensions["celery"].conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_time_limit < app.config["OUTBOX_LOCK_SECONDS"]
    assert app.config["OUTBOX_LOCK_SECONDS"] < conf.broker_transport_options["visibility_timeout"]


@pytest.mark.parametrize("env", [
    {"OUTBOX_LOCK_SECONDS": "30"},  # a live task (limit 60 s) could be sent again
    {"CELERY_TASK_TIME_LIMIT": "2000"},  # over the visibility timeout
    {"CELERY_TASK_SOFT_TIME_LIMIT": "60"},  # not below the hard limit
])
def test_time_limits_out_of_order_refuse_to_start(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT"):
        load_config("development", env=env)


def test_the_sqlite_broker_gets_no_redis_transport_options(tmp_path: Path) -> None:
    app = create_app("development", INSTANCE_DIR=str(tmp_path))
    assert not app.extensions["celery"].conf.broker_transport_options


def test_beat_schedule_has_no_long_countdowns() -> None:
    from workers.schedule import BEAT_SCHEDULE

    for entry in BEAT_SCHEDULE.values():
        assert entry["schedule"] <= 60


def test_no_task_is_scheduled_by_countdown_or_eta_and_beat_ticks_within_a_minute() -> None:
    """DESIGN §4: deadlines are data swept by beat, never a long countdown (one longer than
    the visibility timeout ran three times here). Tasks are sent only by the outbox."""
    import ast

    from workers.schedule import BEAT_SCHEDULE

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("app/**/*.py"), *root.glob("workers/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.keyword) and node.arg in ("countdown", "eta"):
                offenders.append(f"{path.relative_to(root)}:{node.value.lineno}")
            if isinstance(node, ast.Attribute) and node.attr in ("apply_async", "delay"):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not offenders, offenders
    for name, entry in BEAT_SCHEDULE.items():
        assert float(entry["schedule"]) <= 60, name
        assert entry["options"]["expires"] < entry["schedule"], name


def test_a_postgresql_connection_gives_up_after_the_connect_timeout() -> None:
    """A black-holed database host fails /readyz within seconds instead of hanging it."""
    from config.settings import load_config

    cfg = load_config("development", env={"DATABASE_URL": "postgresql://u@db.example/x",
                                          "DATABASE_CONNECT_TIMEOUT": "3"})
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"connect_timeout": 3}
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    sqlite = load_config("development", env={"DATABASE_URL": "sqlite:////tmp/x.db"})
    assert "connect_args" not in sqlite["SQLALCHEMY_ENGINE_OPTIONS"]
