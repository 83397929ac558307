"""The Alembic migrations build exactly the models' schema, and time is stored with its zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, select, text

from app.common import outbox
from app.extensions import db


def schema_differences(app: Flask) -> list[object]:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, db.metadata))


def test_after_upgrade_head_autogenerate_finds_no_difference_with_the_models(app: Flask) -> None:
    assert schema_differences(app) == []


def test_downgrade_to_base_then_upgrade_to_head_works(app: Flask) -> None:
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names())
        assert tables <= {"alembic_version"}, f"left behind by downgrade: {tables}"
        flask_migrate.upgrade()
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.rollback()
    assert head
    assert schema_differences(app) == []


def test_an_outbox_row_read_back_from_postgresql_has_an_aware_utc_created_at(
        app: Flask) -> None:
    with app.app_context():
        kind = db.session.execute(text(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'outbox_message' AND column_name = 'created_at'")).scalar_one()
        assert kind == "timestamp with time zone"
        db.session.add(outbox.OutboxMessage(kind="email", payload={}))
        db.session.commit()

    with app.app_context():
        # A database session in another zone must not change what is read back.
        db.session.execute(text("SET LOCAL TIME ZONE 'Europe/Brussels'"))
        created = db.session.execute(select(outbox.OutboxMessage.created_at)).scalar_one()
        db.session.rollback()
    assert isinstance(created, datetime)
    assert created.tzinfo is not None and created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)
