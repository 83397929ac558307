"""After a commit, the workflow's next step reaches the broker before the e-mails that tell
about it, each message a task of its own (its time limit and redelivery are its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.common import outbox
from app.common.i18n import in_language
from app.common.mail import queue_email
from app.extensions import db


@outbox.handler("test.step")
def _step(payload: dict[str, Any]) -> None:
    pass


@pytest.fixture
def broker_app(tmp_path: Path) -> Iterator[Flask]:
    """Enqueueing for real, on kombu's in-memory transport (the same code path as Redis)."""
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), OUTBOX_ENQUEUE="celery",
                     CELERY_BROKER_URL="memory://order")
    with app.app_context(), in_language("en"):
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def published(app: Flask) -> list[tuple[str, list[Any]]]:
    found = []
    with app.extensions["celery"].connection_for_read() as connection:
        queue = connection.SimpleQueue("procure")
        while True:
            try:
                message = queue.get(timeout=0.2)
            except queue.Empty:
                break
            found.append((message.headers["task"], message.payload[0]))
            message.ack()
        queue.close()
    return found


def test_the_step_goes_first_and_every_message_alone(broker_app: Flask) -> None:
    person = type("Person", (), {"display_name": "A"})()
    mail = queue_email(to="a@example.org", language="fr", template="password_reset",
                       user=person, token="t", hours=2)
    step = outbox.queue("test.step", {})
    other = queue_email(to="b@example.org", language="nl", template="password_reset",
                        user=person, token="t", hours=2)
    db.session.commit()
    assert published(broker_app) == [(outbox.DELIVER_TASK, [step.id]),
                                     (outbox.DELIVER_TASK, [mail.id]),
                                     (outbox.DELIVER_TASK, [other.id])]
