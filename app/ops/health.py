"""``/healthz`` and ``/readyz`` for the load balancer, cheap enough to ask every few seconds.

``/healthz`` says the process answers, and touches nothing. ``/readyz`` asks the database
(``SELECT 1`` and the Alembic revision it is at), the broker (a Redis PING, or the SQLite
broker's file) and compares the revision with the head of ``migrations/versions``, read once
per process. Neither writes anything, neither needs a login, neither is rate limited. An
answer 503 names the failing part: ``{"status": "unavailable", "failing": ["broker"], ...}``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.extensions import db
from app.ops import heartbeat

bp = Blueprint("ops_health", __name__)
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@lru_cache(maxsize=1)
def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    """The head revision(s) of the migration scripts shipped with this code, and every
    revision it knows (read once per process)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    return (frozenset(scripts.get_heads()),
            frozenset(rev.revision for rev in scripts.walk_revisions()))


def migration_heads() -> frozenset[str]:
    return _scripts()[0]


def migrations_answer(revisions: frozenset[str]) -> str:
    """"ok" at the head; also "ok" when a newer release has migrated the database already
    (expand/contract: this code still runs on it during a rolling restart); else why not."""
    heads, known = _scripts()
    if revisions == heads:
        return "ok"
    newer = sorted(revisions - known)
    if newer:
        return f"ok (database ahead of this code, at {', '.join(newer)})"
    return (f"database at {', '.join(sorted(revisions)) or 'no revision'}, "
            f"code at {', '.join(sorted(heads))}: run flask db upgrade")


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def check_database() -> tuple[dict[str, str], frozenset[str] | None]:
    """The database's answer and the revisions it is at (None when it did not answer)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revisions = frozenset(connection.execute(
                    text("SELECT version_num FROM alembic_version")).scalars())
            except Exception:  # noqa: BLE001  (no alembic_version table: never migrated)
                revisions = frozenset()
            connection.rollback()
        return {"database": "ok"}, revisions
    except Exception as exc:  # noqa: BLE001
        return {"database": _short(exc)}, None


def check_broker(url: str) -> str:
    try:
        if url.startswith(("redis://", "rediss://")):
            heartbeat.redis_client(url).ping()
            return "ok"
        if url.startswith("sqla+sqlite:///"):
            path = Path(url.removeprefix("sqla+sqlite:///"))
            if not path.exists():  # created by the first process that sends or takes a task
                return "ok" if path.parent.is_dir() else f"no directory {path.parent}"
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as connection:
                connection.execute("SELECT 1")
            return "ok"
        return f"unknown broker scheme {url.split(':', 1)[0]}"
    except Exception as exc:  # noqa: BLE001
        return _short(exc)


def readiness() -> tuple[bool, dict[str, Any]]:
    checks, revisions = check_database()
    checks["broker"] = check_broker(current_app.config["CELERY_BROKER_URL"])
    checks["migrations"] = ("unknown: the database did not answer" if revisions is None
                            else migrations_answer(revisions))
    failing = [name for name, answer in checks.items() if not answer.startswith("ok")]
    return not failing, {"status": "unavailable" if failing else "ok", "failing": failing,
                         "checks": checks}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    ready, body = readiness()
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask, exempt: Callable[[Blueprint], Any]) -> None:
    exempt(bp)
    app.register_blueprint(bp)
