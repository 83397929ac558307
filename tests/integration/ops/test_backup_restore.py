"""A ``pg_dump`` of the database restored into a fresh database passes ``flask audit verify``
(docs/operations.md, "Backups and restore"); a tampered restore does not."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from flask import Flask
from psycopg import sql

from tests.integration.conftest import psycopg_url
from tests.integration.faults import submitted_orders
from tests.processes import child_env
from tests.services import POSTGRES_URL

FLASK = str(Path(sys.executable).parent / "flask")


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"procure_restore_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def audit_verify(database: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(APP_ENV="development", DATABASE_URL=database, FLASK_APP="wsgi",
                    INSTANCE_DIR=str(tmp_path))
    return subprocess.run([FLASK, "audit", "verify"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_pg_dump_restored_into_a_new_database_verifies(
        app: Flask, database_url: str, fresh_database: str, tmp_path: Path) -> None:
    assert shutil.which("pg_dump") and shutil.which("pg_restore")
    order_ids, _staff = submitted_orders(app, 3)
    source = psycopg_url(database_url)
    dump = tmp_path / "procure.dump"
    # What docs/operations.md tells an operator to run (custom format, no owners).
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source],
                   check=True, timeout=120)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={fresh_database}",
                    str(dump)], check=True, timeout=120)

    verified = audit_verify(fresh_database, tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit trail intact" in verified.stdout
    with psycopg.connect(fresh_database) as conn:
        events = conn.execute("SELECT count(*) FROM order_event").fetchone()
        restored = conn.execute('SELECT count(*) FROM "order"').fetchone()
    assert events and events[0] >= len(order_ids)
    assert restored == (len(order_ids),)
    assert f"{events[0]} events verified" in verified.stdout

    # The check is real: a restore whose trail was altered is refused.
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("UPDATE order_event SET reason = 'altered' WHERE id = "
                     "(SELECT min(id) FROM order_event)")
    tampered = audit_verify(fresh_database, tmp_path)
    assert tampered.returncode == 1
    assert "BROKEN" in tampered.stderr
