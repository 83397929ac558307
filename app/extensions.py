"""Flask extensions, created unbound and initialised by ``create_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import Celery, Task
from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass ``Model``: Flask-SQLAlchemy's class at run time, our typed base for mypy.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()


def client_address() -> str:
    """The client's address as every rate limit sees it."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, default_limits=[])


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to ``app``: every task runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    broker = app.config["CELERY_BROKER_URL"]
    settings: dict[str, object] = {
        "broker_url": broker,
        "task_ignore_result": True,
        "result_backend": app.config["CELERY_RESULT_BACKEND"],
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # Below OUTBOX_LOCK_SECONDS, itself below the visibility timeout (config.settings).
        "task_time_limit": app.config["CELERY_TASK_TIME_LIMIT"],
        "task_soft_time_limit": app.config["CELERY_TASK_SOFT_TIME_LIMIT"],
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "enable_utc": True,
        "task_default_queue": "procure",
        "beat_schedule_filename": f"{app.config['INSTANCE_DIR']}/celerybeat-schedule",
    }
    if broker.startswith("redis"):
        settings["broker_transport_options"] = {
            "visibility_timeout": app.config["CELERY_VISIBILITY_TIMEOUT"],
            # Publishing gives up fast when Redis is down (kombu's default retries for ~6 s):
            # the outbox row is committed already and the sweeper sends it later.
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        }
    # The SQLAlchemy transport hands its options to create_engine: give it none.
    celery.config_from_object(settings)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
