"""The transactional outbox: rows commit with the change, delivery is idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.common import outbox
from app.common.i18n import in_language
from app.common.mail import queue_email
from app.common.outbox import OutboxMessage
from app.common.time import utcnow
from app.extensions import db

calls: list[dict[str, Any]] = []


@outbox.handler("test.record")
def _record(payload: dict[str, Any]) -> None:
    calls.append(payload)


@outbox.handler("test.fail")
def _fail(payload: dict[str, Any]) -> None:
    raise RuntimeError("smtp said no")


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()


def count_messages() -> int:
    return db.session.execute(select(func.count(OutboxMessage.id))).scalar_one()


def test_a_queued_message_is_enqueued_only_after_commit(app: Flask, enqueued: list[int]) -> None:
    message = outbox.queue("test.record", {"n": 1})
    assert enqueued == []
    db.session.commit()
    assert enqueued == [message.id]


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(app: Flask,
                                                               enqueued: list[int]) -> None:
    outbox.queue("test.record", {"n": 1})
    db.session.rollback()
    db.session.commit()
    assert count_messages() == 0
    assert enqueued == []


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="no outbox handler"):
        outbox.queue("nobody.handles.this", {})


def test_delivery_performs_once_and_marks_the_row_sent(app: Flask) -> None:
    message = outbox.queue("test.record", {"n": 7}, scrub_after_send=True)
    db.session.commit()
    assert outbox.deliver(message.id) == "sent"
    assert outbox.deliver(message.id) == "skipped"
    assert calls == [{"n": 7}]
    row = db.session.get(OutboxMessage, message.id)
    assert row is not None and row.sent_at is not None and row.attempts == 1
    assert row.payload == {"scrubbed": True}


def test_a_row_held_by_another_worker_is_not_taken_until_its_lock_expires(app: Flask) -> None:
    message = outbox.queue("test.record", {})
    db.session.commit()
    assert outbox.claim(message.id) is not None  # first worker holds it
    assert outbox.deliver(message.id) == "skipped"
    row = db.session.get(OutboxMessage, message.id)
    assert row is not None
    row.locked_until = utcnow() - timedelta(seconds=1)  # that worker died
    db.session.commit()
    assert outbox.deliver(message.id) == "sent"
    assert len(calls) == 1


def test_a_failure_is_recorded_and_retried_then_given_up(app: Flask) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    message = outbox.queue("test.fail", {})
    db.session.commit()
    assert outbox.deliver(message.id) == "failed"
    row = db.session.get(OutboxMessage, message.id)
    assert row is not None
    assert row.sent_at is None and row.failed_at is None and "smtp said no" in row.last_error
    assert outbox.due_for_sweep() == [message.id]
    assert outbox.deliver(message.id) == "failed"
    db.session.refresh(row)
    assert row.failed_at is not None and row.attempts == 2
    assert outbox.due_for_sweep() == []


def test_the_sweeper_re_enqueues_unsent_rows_past_the_grace_period(app: Flask,
                                                                    enqueued: list[int]) -> None:
    app.config["OUTBOX_GRACE_SECONDS"] = 60
    old = outbox.queue("test.record", {"old": True})
    old.created_at = utcnow() - timedelta(minutes=5)
    fresh = outbox.queue("test.record", {"old": False})
    done = outbox.queue("test.record", {"done": True})
    done.created_at = utcnow() - timedelta(minutes=5)
    done.sent_at = utcnow()
    db.session.commit()
    enqueued.clear()
    assert outbox.sweep() == {"due": 1, "enqueued": 1, "not_enqueued": 0}
    assert enqueued == [old.id]
    assert fresh.id not in enqueued


def test_an_unreachable_broker_does_not_break_the_commit(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), OUTBOX_ENQUEUE="celery",
                     CELERY_BROKER_URL="redis://127.0.0.1:9/0")  # nothing listens there
    with app.app_context():
        db.create_all()
        with caplog.at_level(logging.WARNING):
            message = outbox.queue("test.record", {})
            db.session.commit()
        assert count_messages() == 1
        assert "the sweeper will retry" in caplog.text
        assert outbox.due_for_sweep() == [message.id]
        db.session.remove()


def test_without_mail_server_an_email_is_written_to_the_log(app: Flask,
                                                            caplog: pytest.LogCaptureFixture
                                                            ) -> None:
    message = queue_email(to="a@example.org", language="en", template="password_reset",
                          user=type("U", (), {"display_name": "Ann"})(), token="tok", hours=2)
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        assert outbox.deliver(message.id) == "sent"
    assert "To: a@example.org" in caplog.text
    assert "/password/reset/tok" in caplog.text


def test_in_language_works_outside_a_request(app: Flask) -> None:
    """Flask-Babel's force_locale ignores an empty ``g``, as at the start of a task."""
    from flask_babel import get_locale

    with app.app_context(), in_language("nl"):
        locale = get_locale()
        assert locale is not None and locale.language == "nl"


@pytest.mark.parametrize(("language", "subject"), [
    ("fr", "Choisissez un nouveau mot de passe"),
    ("nl", "Kies een nieuw wachtwoord"),
    ("en", "Choose a new password"),
])
def test_emails_are_rendered_in_the_recipient_language(app: Flask, language: str,
                                                       subject: str) -> None:
    message = queue_email(to="a@example.org", language=language, template="password_reset",
                          user=type("U", (), {"display_name": "Ann"})(), token="t", hours=2)
    assert message.payload["subject"] == subject
    assert message.payload["language"] == language


def test_the_email_handler_is_registered_by_create_app_not_on_import(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.common import mail

    assert outbox.HANDLERS["email"] is mail.send_email
    monkeypatch.setattr(outbox, "HANDLERS", {})
    with pytest.raises(ValueError, match="no outbox handler"):
        outbox.queue("email", {"to": "a@example.org", "subject": "s", "body": "b"})
    mail.register(app)
    assert outbox.HANDLERS == {"email": mail.send_email}
