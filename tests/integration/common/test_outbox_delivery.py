"""State change → outbox row → Celery worker process → SMTP, end to end."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.common.outbox import DELIVER_TASK
from tests.integration.conftest import (
    INITIAL_PASSWORD,
    PUBLIC_BASE_URL,
    SmtpSink,
    create_user,
    outbox_rows,
    wait_until_sent,
)
from tests.processes import Process

RESET_LINK = re.compile(re.escape(PUBLIC_BASE_URL) + r"(/password/reset/[A-Za-z0-9_\-]+)")
NEW_PASSWORD = "a-brand-new-password-42"


@pytest.mark.parametrize(("language", "subject"), [
    ("nl", "Kies een nieuw wachtwoord"),
    ("fr", "Choisissez un nouveau mot de passe"),
])
def test_the_password_reset_email_reaches_the_user_through_the_worker_in_their_language(
        app: Flask, worker: Process, smtp_sink: SmtpSink, language: str, subject: str) -> None:
    mark = worker.log_mark()
    address = f"reset-{language}@example.be"
    create_user(app, address, language=language)
    client = app.test_client()

    response = client.post("/password/forgot", data={"email": address})

    assert response.status_code == 200
    rows = outbox_rows(app)
    assert [(r.kind, r.payload.get("to", address)) for r in rows] == [("email", address)], (
        "the reset e-mail is an outbox row committed with the token")
    message_id = rows[0].id

    (mail,) = smtp_sink.wait_for(1, to=address)
    assert mail["To"] == address
    assert mail["Subject"] == subject, (
        f"subject in {language!r} should be {subject!r}: are the catalogues translated and "
        "compiled (make translations)?")
    assert mail["Content-Language"] == language
    # Delivered by the worker process, not in this process.
    worker.wait_for_log(rf"outbox message {message_id}: sent$", timeout=10, since=mark)

    body = mail.get_content()
    link = RESET_LINK.search(body)
    assert link, f"no reset link in the body:\n{body}"
    path = link.group(1)

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD,
                                       "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    login = client.post("/login", data={"email": address, "password": NEW_PASSWORD})
    assert login.status_code == 302, "the new password logs in"
    client.post("/logout")

    again = app.test_client()
    assert again.get(path).status_code in (404, 409), "the link works only once"
    reuse = again.post(path, data={"password": "yet-another-password-7",
                                   "password_confirm": "yet-another-password-7"})
    assert reuse.status_code in (404, 409)
    old = again.post("/login", data={"email": address, "password": INITIAL_PASSWORD})
    assert old.status_code == 200, "the old password no longer logs in"

    row = wait_until_sent(app, message_id)
    assert row.sent_at is not None
    assert row.payload == {"scrubbed": True}, "the one-time link is not kept once sent"
    assert row.attempts == 1
    assert len(smtp_sink.messages(to=address)) == 1


def test_the_same_outbox_message_delivered_twice_sends_one_email(
        app: Flask, record_app: Flask, worker: Process, smtp_sink: SmtpSink) -> None:
    mark = worker.log_mark()
    address = "twice@example.be"
    create_user(app, address, language="fr")
    # Through an app that commits the row without handing it to the broker.
    assert record_app.test_client().post("/password/forgot",
                                         data={"email": address}).status_code == 200
    (row,) = outbox_rows(app)
    assert row.sent_at is None

    celery = app.extensions["celery"]
    celery.send_task(DELIVER_TASK, args=[row.id])
    celery.send_task(DELIVER_TASK, args=[row.id])

    worker.wait_for_log(rf"outbox message {row.id}: sent$", timeout=30, since=mark)
    worker.wait_for_log(rf"outbox message {row.id}: skipped$", timeout=30, since=mark)
    sent = wait_until_sent(app, row.id)
    assert len(smtp_sink.messages(to=address)) == 1
    assert sent.attempts == 1, "only the delivery that claimed the row counts as an attempt"
    assert sent.last_error == ""
