"""Failure handling is bounded: an outbox failure handler that raises still leaves its row
failed (never retried forever), and an overdue attempt whose expiry keeps failing is handed
to staff after ``SWEEP_MAX_FAILURES`` sweeps instead of failing every 30 s forever."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.assignment import cli as sweeper
from app.assignment import deadlines
from app.assignment.models import AttemptState
from app.assignment.services import dispatch as dispatching
from app.auth.models import User
from app.common import outbox
from app.common.outbox import OutboxMessage
from app.extensions import db
from app.notifications.models import Notification
from app.orders import audit
from app.orders.models import OrderEvent, OrderStatus
from tests.unit.assignment.support import (
    approved,
    attempts,
    competition,
    dispatch_messages,
    make_people,
    open_attempt,
    overdue,
    run_dispatch,
)

S = OrderStatus
handled: list[dict[str, Any]] = []


@pytest.fixture
def people(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    return make_people(make_user)


@outbox.handler("test.bounds.fail")
def _fail(payload: dict[str, Any]) -> None:
    raise RuntimeError("smtp said no")


def _failure_handler_that_raises(payload: dict[str, Any]) -> None:
    handled.append(payload)
    db.session.add(OutboxMessage(kind="test.bounds.fail", payload={"half": "done"}))
    db.session.flush()
    raise RuntimeError("the failure handler broke too")


@pytest.fixture(autouse=True)
def _failure_handler() -> Any:
    handled.clear()
    outbox.FAILURE_HANDLERS["test.bounds.fail"] = _failure_handler_that_raises
    yield
    outbox.FAILURE_HANDLERS.pop("test.bounds.fail", None)


def test_a_failure_handler_that_raises_still_marks_the_row_failed(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    message = outbox.queue("test.bounds.fail", {"n": 1})
    db.session.commit()
    assert outbox.deliver(message.id) == "failed"
    assert handled == []  # attempts remain: no failure handling yet
    with caplog.at_level(logging.ERROR):
        assert outbox.deliver(message.id) == "failed"
    assert handled == [{"n": 1}]
    row = db.session.get(OutboxMessage, message.id, populate_existing=True)
    assert row is not None and row.failed_at is not None and row.locked_until is None
    assert "smtp said no" in row.last_error
    assert "failure handler: RuntimeError: the failure handler broke too" in row.last_error
    assert "the failure handler of outbox message" in caplog.text
    # Nothing of the broken handler was kept, and nothing sends the row again.
    assert db.session.execute(select(OutboxMessage).where(
        OutboxMessage.id != message.id)).scalars().all() == []
    assert outbox.due_for_sweep() == []
    assert outbox.deliver(message.id) == "skipped"
    assert handled == [{"n": 1}]


def test_a_failure_handler_that_works_commits_with_the_mark(
        app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    order = approved(people)
    (message,) = dispatch_messages(order)

    def broken(order_id: int) -> str:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(dispatching, "dispatch", broken)
    assert outbox.deliver(message.id) == "failed"
    db.session.refresh(order)
    db.session.refresh(message)
    assert order.status is S.ESCALATED and message.failed_at is not None
    assert "failure handler" not in message.last_error


def _break_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("template missing")

    monkeypatch.setattr(deadlines, "after_answer", broken)


def test_an_attempt_that_keeps_failing_to_expire_goes_to_staff_after_a_bound(
        people: dict[str, User], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    overdue(first)
    _break_the_next_step(monkeypatch)
    for sweep in range(1, deadlines.SWEEP_MAX_FAILURES):
        assert sweeper.expire_overdue_now() == 0
        db.session.refresh(first)
        assert first.sweep_failures == sweep and first.state is AttemptState.OFFERED
        db.session.refresh(order)
        assert order.status is S.AWAITING_VENDOR
    with caplog.at_level(logging.ERROR):
        assert sweeper.expire_overdue_now() == 0
    assert "goes to staff" in caplog.text
    db.session.refresh(order)
    assert order.status is S.ESCALATED
    assert [a.state for a in attempts(order)] == [AttemptState.EXPIRED]
    event = db.session.execute(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.action == "escalate")).scalar_one()
    assert event.payload == {"why": "expiry failed"}
    assert db.session.execute(select(Notification).where(
        Notification.kind == "order_dispatch_failed",
        Notification.user_id == people["staff"].id)).scalars().first() is not None
    # The sweeper is quiet from now on: nothing overdue is left to fail.
    caplog.clear()
    assert deadlines.overdue_attempt_ids() == []
    assert sweeper.expire_overdue_now() == 0
    assert "could not expire" not in caplog.text
    assert audit.verify()[1] is None


def test_an_attempt_whose_give_up_fails_too_is_still_left_alone(
        people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    order = approved(people)
    run_dispatch(order)
    first = open_attempt(order)
    overdue(first)
    _break_the_next_step(monkeypatch)

    def give_up_broken(attempt_id: int) -> None:
        raise RuntimeError("still broken")

    monkeypatch.setattr(deadlines, "give_up", give_up_broken)
    for _ in range(deadlines.SWEEP_MAX_FAILURES):
        sweeper.expire_overdue_now()
    db.session.refresh(first)
    assert first.sweep_failures == deadlines.SWEEP_MAX_FAILURES
    assert deadlines.overdue_attempt_ids() == []  # bounded, even so


def test_a_failing_sweep_of_one_attempt_does_not_hold_up_the_others(
        people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    order, invitations = competition(people)
    for invitation in invitations:
        overdue(invitation)
    real = deadlines.after_answer
    failing = invitations[0].id

    def flaky(order: Any, attempt: Any) -> None:
        if attempt.id == failing:
            raise RuntimeError("one bad row")
        real(order, attempt)

    monkeypatch.setattr(deadlines, "after_answer", flaky)
    assert sweeper.expire_overdue_now() == len(invitations) - 1
    states = [a.state for a in attempts(order)]
    assert states[0] is AttemptState.INVITED
    assert all(s is AttemptState.EXPIRED for s in states[1:])
