"""A commit's e-mails reach the broker in one round trip, after the workflow steps (each a
task of its own), and a task of several messages performs each one whatever happens to
another."""

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

done: list[int] = []


@outbox.handler("test.batch")
def _perform(payload: dict[str, Any]) -> None:
    if payload.get("explode"):
        raise RuntimeError("this one fails")
    done.append(payload["n"])


@pytest.fixture
def broker_app(tmp_path: Path) -> Iterator[Flask]:
    """Enqueueing for real, on kombu's in-memory transport (the same code path as Redis)."""
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), OUTBOX_ENQUEUE="celery",
                     CELERY_BROKER_URL="memory://batches")
    with app.app_context(), in_language("en"):
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def published(app: Flask) -> list[tuple[str, list[Any]]]:
    """The task messages waiting on the broker: (task name, args)."""
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


def _mail(to: str) -> outbox.OutboxMessage:
    return queue_email(to=to, language="fr", template="password_reset",
                       user=type("U", (), {"display_name": "A"})(), token="t", hours=2)


def test_a_commit_s_e_mails_go_in_one_task_after_its_steps_each_in_its_own(
        broker_app: Flask) -> None:
    first_mail = _mail("a@example.org")
    step = outbox.queue("test.batch", {"n": 1})
    second_mail = _mail("b@example.org")
    other_step = outbox.queue("test.batch", {"n": 2})
    db.session.commit()
    assert published(broker_app) == [
        (outbox.DELIVER_TASK, [step.id]), (outbox.DELIVER_TASK, [other_step.id]),
        (outbox.DELIVER_MANY_TASK, [[first_mail.id, second_mail.id]])]


def test_a_single_message_goes_alone_and_a_large_sweep_of_e_mails_is_cut_in_batches(
        broker_app: Flask) -> None:
    only = _mail("a@example.org")
    db.session.commit()
    assert published(broker_app) == [(outbox.DELIVER_TASK, [only.id])]
    assert outbox.enqueue(list(range(1, 46)), emails=set(range(1, 46))) == []
    batches = published(broker_app)
    assert [len(args[0]) for _name, args in batches] == [20, 20, 5]
    assert [i for _name, args in batches for i in args[0]] == list(range(1, 46))


def test_the_sweeper_sends_steps_alone_and_e_mails_together(broker_app: Flask) -> None:
    from datetime import timedelta

    from app.common.outbox import OutboxMessage
    from app.common.time import utcnow

    made = [_mail("a@example.org"), outbox.queue("test.batch", {"n": 1}), _mail("b@example.org")]
    db.session.commit()
    published(broker_app)  # what the commit sent: lost, as if Redis had restarted
    for message in made:
        db.session.get(OutboxMessage, message.id).created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert outbox.sweep()["enqueued"] == 3
    assert published(broker_app) == [(outbox.DELIVER_TASK, [made[1].id]),
                                     (outbox.DELIVER_MANY_TASK, [[made[0].id, made[2].id]])]


def test_a_task_of_several_messages_performs_each_even_when_one_fails(app: Flask) -> None:
    done.clear()
    ids = [outbox.queue("test.batch", {"n": 1}).id,
           outbox.queue("test.batch", {"explode": True}).id,
           outbox.queue("test.batch", {"n": 3}).id]
    db.session.commit()
    assert outbox.deliver_many(ids) == {"sent": 2, "failed": 1}
    assert done == [1, 3]
    # Again (a redelivered task): what was sent is skipped, the failed one is retried.
    assert outbox.deliver_many(ids) == {"skipped": 2, "failed": 1}
    assert done == [1, 3]
