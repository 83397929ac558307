"""Development, testing and production settings, overridable by environment variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# Secrets that must never reach production: anything a developer could copy from the repo.
_KNOWN_DEV_SECRETS = {"", "dev", "change-me", "changeme", "secret", "development"}


class ConfigError(RuntimeError):
    """The configuration cannot run: the message names the variable to set."""


class BaseConfig:
    APP_ENV = "base"
    SECRET_KEY: str | None = None
    INSTANCE_DIR = str(ROOT / "instance")
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    DATABASE_CONNECT_TIMEOUT = 5
    REDIS_URL: str | None = None
    CELERY_BROKER_URL: str | None = None
    # How the outbox hands work to Celery after commit: "celery" sends the task by name,
    # "record" only remembers the ids (unit tests call the delivery service themselves).
    OUTBOX_ENQUEUE = "celery"
    # Unsent outbox rows older than this are re-enqueued by the sweeper.
    OUTBOX_GRACE_SECONDS = 20
    OUTBOX_MAX_ATTEMPTS = 5
    # Time limits of one task (a workflow step or an e-mail): the soft one raises inside the
    # task, the hard one kills the worker child. A step still holding its outbox row after
    # OUTBOX_LOCK_SECONDS is taken as stuck (its worker died): the sweeper sends it again.
    # So: soft < hard < lock < the broker's visibility timeout (checked by load_config), and a
    # live task is never run twice, while a dead one is re-run within lock + sweep interval.
    CELERY_TASK_SOFT_TIME_LIMIT = 50
    CELERY_TASK_TIME_LIMIT = 60
    OUTBOX_LOCK_SECONDS = 90
    CELERY_VISIBILITY_TIMEOUT = 900
    # Only for measurements (bench/workflow.py times a no-op round trip); tasks store nothing.
    CELERY_RESULT_BACKEND: str | None = None

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    LANGUAGES = ("fr", "nl", "en")

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_LIMIT_PER_IP = "20 per minute"
    # Failed logins to one account from one address, then from all addresses together: an
    # attacker's failures lock their own address out, not the owner logging in elsewhere.
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = "5 per minute"
    LOGIN_LIMIT_PER_ACCOUNT = "50 per hour"
    REGISTER_LIMIT_PER_IP = "10 per hour"
    RESET_LIMIT_PER_IP = "10 per hour"
    RESET_LIMIT_PER_ACCOUNT = "5 per hour"
    # Messages sent through the facilitator directory's contact form, per address.
    CONTACT_LIMIT_PER_IP = "5 per minute"

    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Centrale de marchés participation <no-reply@participation.brussels>"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    PASSWORD_RESET_HOURS = 2
    # Orders above this amount excl. VAT need two different staff approvals (four-eyes).
    FOUR_EYES_THRESHOLD_CENTS = 3_000_000
    # A vendor's written quote (PDF) sent with its price in a mini-competition. Requests may be
    # up to 1 MB larger (the other fields); anything larger is refused with 413 before it is
    # read (MAX_CONTENT_LENGTH, derived in load_config unless set).
    QUOTE_PDF_MAX_BYTES = 5 * 1024 * 1024
    # The documents a vendor sends when it marks an order delivered, all files together, and
    # how many files at most.
    DELIVERY_FILES_MAX_BYTES = 5 * 1024 * 1024
    DELIVERY_MAX_FILES = 10
    # The payment term the order form states: days from the receipt of the invoice,
    # verification included (the Belgian rule for public contracts since 2025).
    PAYMENT_TERM_DAYS = 30
    # The largest UBL invoice file a vendor may upload (checked before the XML is parsed).
    INVOICE_UBL_MAX_BYTES = 2 * 1024 * 1024
    HSTS = False
    # How many reverse proxies in front append to X-Forwarded-For (werkzeug's ProxyFix); 0
    # trusts none, so a client cannot pick the address its rate limits are counted under.
    PROXY_FIX_X_FOR = 0
    LOG_LEVEL = "INFO"
    # Beat failover (Redis broker only, workers/beat.py): the active beat holds a Redis lock of
    # BEAT_LOCK_TIMEOUT seconds, renewed on every tick (at most BEAT_MAX_LOOP_INTERVAL apart);
    # a waiting beat takes over at most BEAT_LOCK_TIMEOUT + BEAT_MAX_LOOP_INTERVAL seconds after
    # the active one died. The key prefix keeps the schedule and lock of one deployment apart.
    BEAT_LOCK_TIMEOUT = 30
    BEAT_MAX_LOOP_INTERVAL = 5
    BEAT_KEY_PREFIX = "procure:beat"
    # How often each worker writes its heartbeat (app.ops.heartbeat).
    HEARTBEAT_INTERVAL_SECONDS = 10
    # Who may read /metrics (app.ops.metrics): callers from these networks (comma-separated),
    # and anyone sending "Authorization: Bearer <METRICS_TOKEN>" when it is set.
    METRICS_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128"
    METRICS_TOKEN: str | None = None
    # "json": one JSON object per log line (production); "text": readable lines.
    LOG_FORMAT = "text"
    # The legal and trust pages (app/legal): the data protection officer's address (privacy
    # notice, erasure requests), the service's contact address, and the publisher's enterprise
    # number and postal address (legal notice; a line is left out while its setting is empty).
    DPO_EMAIL = "dpo@participation.brussels"
    CONTACT_EMAIL = "contact@participation.brussels"
    PUBLISHER_ENTERPRISE_NUMBER = ""
    PUBLISHER_ADDRESS = ""
    # The date the accessibility statement was prepared (ISO, shown in the reader's language).
    ACCESSIBILITY_STATEMENT_DATE = "2026-12-04"


class DevelopmentConfig(BaseConfig):
    APP_ENV = "development"


class TestingConfig(BaseConfig):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production-use"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    OUTBOX_ENQUEUE = "record"
    OUTBOX_GRACE_SECONDS = 0
    # argon2id at its lowest cost (see app.auth.services): tests log in hundreds of times.
    PASSWORD_HASH_CHEAP = True
    LOGIN_LIMIT_PER_IP = "1000 per minute"
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = "1000 per minute"
    LOGIN_LIMIT_PER_ACCOUNT = "1000 per minute"
    REGISTER_LIMIT_PER_IP = "1000 per minute"
    RESET_LIMIT_PER_IP = "1000 per minute"
    RESET_LIMIT_PER_ACCOUNT = "1000 per minute"


class ProductionConfig(BaseConfig):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    LOG_LEVEL = "WARNING"
    LOG_FORMAT = "json"


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def normalise_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the installed psycopg 3 driver."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        return urlunsplit(parts._replace(scheme="postgresql+psycopg"))
    return url


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server with another database number (broker and limiter are kept apart)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def redis_db_number(url: str) -> int:
    """The database number in a Redis URL's path (``redis://h:6379/4`` → 4), 0 if none."""
    path = urlsplit(url).path.strip("/")
    if not path:
        return 0
    if not path.isdigit():
        raise ConfigError(f"REDIS_URL must end with a database number, not /{path}")
    return int(path)


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


_ENV_STRINGS = (
    "SECRET_KEY", "REDIS_URL", "CELERY_BROKER_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER",
    "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "PUBLIC_BASE_URL", "LOG_LEVEL",
    "INSTANCE_DIR", "LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT", "CONTACT_LIMIT_PER_IP",
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "REGISTER_LIMIT_PER_IP", "RESET_LIMIT_PER_IP",
    "RESET_LIMIT_PER_ACCOUNT",
    "CELERY_RESULT_BACKEND", "BEAT_KEY_PREFIX", "METRICS_ALLOWED_NETWORKS", "METRICS_TOKEN",
    "LOG_FORMAT", "DPO_EMAIL", "CONTACT_EMAIL", "PUBLISHER_ENTERPRISE_NUMBER",
    "PUBLISHER_ADDRESS", "ACCESSIBILITY_STATEMENT_DATE",
)
_ENV_INTS = ("DATABASE_CONNECT_TIMEOUT", "MAIL_PORT", "OUTBOX_GRACE_SECONDS",
             "OUTBOX_MAX_ATTEMPTS", "OUTBOX_LOCK_SECONDS",
             "PASSWORD_RESET_HOURS", "FOUR_EYES_THRESHOLD_CENTS", "CELERY_TASK_SOFT_TIME_LIMIT",
             "CELERY_TASK_TIME_LIMIT", "CELERY_VISIBILITY_TIMEOUT", "QUOTE_PDF_MAX_BYTES",
             "DELIVERY_FILES_MAX_BYTES", "DELIVERY_MAX_FILES", "MAX_CONTENT_LENGTH",
             "PROXY_FIX_X_FOR", "PAYMENT_TERM_DAYS", "INVOICE_UBL_MAX_BYTES",
             "BEAT_LOCK_TIMEOUT", "BEAT_MAX_LOOP_INTERVAL", "HEARTBEAT_INTERVAL_SECONDS")
_ENV_BOOLS = ("MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE", "HSTS")


def _check_time_limits(cfg: Mapping[str, Any]) -> None:
    """A live task must never be re-run: its limits stay below the outbox lock, which stays
    below the broker's visibility timeout."""
    order = ("CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT", "OUTBOX_LOCK_SECONDS",
             "CELERY_VISIBILITY_TIMEOUT")
    values = [int(cfg[key]) for key in order]
    if values[0] < 1 or values != sorted(set(values)):
        raise ConfigError("need 0 < " + " < ".join(order) + ", got "
                          + ", ".join(f"{k}={v}" for k, v in zip(order, values, strict=True)))


def load_config(name: str | None = None, env: Mapping[str, str] | None = None,
                **overrides: Any) -> dict[str, Any]:
    """Settings for ``name`` (or ``APP_ENV``), then environment variables, then ``overrides``."""
    env = os.environ if env is None else env
    name = name or env.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    cls = CONFIGS[name]
    cfg: dict[str, Any] = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}

    for key in _ENV_STRINGS:
        if env.get(key):
            cfg[key] = env[key]
    for key in _ENV_INTS:
        if env.get(key):
            try:
                cfg[key] = int(env[key])
            except ValueError as exc:
                raise ConfigError(f"{key} must be a whole number, not {env[key]!r}") from exc
    for key in _ENV_BOOLS:
        if env.get(key):
            cfg[key] = _bool(env[key])
    if env.get("DATABASE_URL"):
        cfg["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if cfg["SESSION_COOKIE_SECURE"]:
        cfg["REMEMBER_COOKIE_SECURE"] = True
    cfg.update(overrides)
    cfg.setdefault("MAX_CONTENT_LENGTH", max(int(cfg["QUOTE_PDF_MAX_BYTES"]),
                                             int(cfg["DELIVERY_FILES_MAX_BYTES"])) + 1024 * 1024)

    if name == "production":
        _check_production(cfg)
    _check_time_limits(cfg)
    if int(cfg["BEAT_LOCK_TIMEOUT"]) <= 2 * int(cfg["BEAT_MAX_LOOP_INTERVAL"]) or int(
            cfg["BEAT_MAX_LOOP_INTERVAL"]) < 1:
        raise ConfigError("need BEAT_LOCK_TIMEOUT > 2 × BEAT_MAX_LOOP_INTERVAL ≥ 2 (the active "
                          "beat renews its lock on every tick)")

    instance = Path(cfg["INSTANCE_DIR"])
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'procure.db'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _development_secret(instance)
    if cfg.get("REDIS_URL"):
        cfg.setdefault("CELERY_BROKER_URL", None)
        # The broker on REDIS_URL's own database (0 if it names none), the limiter on the next.
        number = redis_db_number(cfg["REDIS_URL"])
        cfg["CELERY_BROKER_URL"] = (cfg["CELERY_BROKER_URL"]
                                    or redis_db_url(cfg["REDIS_URL"], number))
        if cfg["RATELIMIT_STORAGE_URI"] == "memory://":
            cfg["RATELIMIT_STORAGE_URI"] = redis_db_url(cfg["REDIS_URL"], number + 1)
    if not cfg.get("CELERY_BROKER_URL"):
        # The embedded default: a broker in a SQLite file, no server needed.
        cfg["CELERY_BROKER_URL"] = f"sqla+sqlite:///{instance / 'broker.db'}"
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    elif cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A database host that does not answer fails a connection within DATABASE_CONNECT_TIMEOUT
        # seconds (libpq waits forever by default): /readyz answers 503 instead of hanging.
        options = dict(cfg["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {**options.get("connect_args", {}),
                                   "connect_timeout": int(cfg["DATABASE_CONNECT_TIMEOUT"])}
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return cfg


def _check_production(cfg: Mapping[str, Any]) -> None:
    secret = cfg.get("SECRET_KEY") or ""
    if secret.lower() in _KNOWN_DEV_SECRETS or secret == TestingConfig.SECRET_KEY:
        raise ConfigError("SECRET_KEY is missing or a default: set it to a long random value "
                          "(python -c 'import secrets; print(secrets.token_hex(32))')")
    if len(secret) < 32:
        raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigError("DATABASE_URL is missing: production needs PostgreSQL, "
                          "e.g. postgresql://user@host/dbname")
    if not (cfg.get("CELERY_BROKER_URL") or cfg.get("REDIS_URL")):
        raise ConfigError("REDIS_URL is missing: production needs Redis for the Celery broker "
                          "and the login rate limiter, e.g. redis://host:6379")


def _development_secret(instance: Path) -> str:
    """A per-checkout random secret kept in the instance folder, so sessions survive restarts."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
