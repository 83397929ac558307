"""The vendor attempt's move table (app.assignment.workflow), and how the assignment package
plugs into the orders: the hooks it answers, the signal it receives, the outbox handler it
registers (DESIGN §7)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.assignment import workflow
from app.assignment.models import OPEN_ATTEMPT_STATES, AttemptState
from app.auth.models import User
from app.common import outbox
from app.extensions import db
from app.orders import hooks, services
from app.orders.signals import DISPATCH, order_cancelled
from tests.unit.assignment.support import (
    approved,
    attempts,
    open_attempt,
    run_dispatch,
)

A = AttemptState


def test_the_move_table_says_where_each_move_starts_and_ends() -> None:
    table = {name: (set(move.sources), move.target) for name, move in workflow.MOVES.items()}
    assert table == {
        "accept": ({A.OFFERED}, A.ACCEPTED),
        "quote": ({A.INVITED}, A.QUOTED),
        "decline": ({A.OFFERED, A.INVITED}, A.DECLINED),
        "expire": ({A.OFFERED, A.INVITED}, A.EXPIRED),
        "withdraw": ({A.OFFERED, A.INVITED}, A.WITHDRAWN),
        "award": ({A.QUOTED}, A.AWARDED),
        "not_award": ({A.QUOTED}, A.NOT_AWARDED),
    }
    assert set(OPEN_ATTEMPT_STATES) == {A.OFFERED, A.INVITED}


def test_only_open_attempts_and_quotes_move_on() -> None:
    starts = {state for move in workflow.MOVES.values() for state in move.sources}
    assert starts == {A.OFFERED, A.INVITED, A.QUOTED}
    final = set(A) - starts
    assert final == {A.ACCEPTED, A.AWARDED, A.NOT_AWARDED, A.DECLINED, A.EXPIRED, A.WITHDRAWN}


def test_a_move_happens_only_from_its_sources(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    offer = open_attempt(order)
    assert workflow.move(offer.id, "quote") is False  # an offer is not quoted
    assert workflow.move(offer.id, "accept") is True
    assert workflow.move(offer.id, "withdraw") is False  # no longer open
    assert workflow.move(offer.id, "accept") is False  # a second time: nothing happens
    (attempt,) = attempts(order)
    assert attempt.state is A.ACCEPTED


def test_the_assignment_answers_the_orders_hooks(people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    sections = hooks.page_sections(people["staff"], order)
    assert "assignment/order_sections.html" in sections.templates
    assert [row.attempt_id for row in sections.context["attempts"]] == [
        a.id for a in attempts(order)]
    assert [e["action"] for e in hooks.order_events(people["staff"], order.id)][-2:] == [
        "dispatch", "vendor_asked"]


def test_unanswered_hooks_show_nothing() -> None:
    from app.common.hooks import Contributions, Hook

    fresh: Hook[..., Any] = Hook(hooks.order_events.name, hooks.order_events._default)
    assert fresh(None, None) == []
    nobody: Contributions[..., Any] = Contributions(hooks.order_page_sections.name)
    assert nobody(None, None) == []


def test_cancelling_signals_the_assignment_in_the_same_transaction(
        app: Flask, people: dict[str, User]) -> None:
    order = approved(people)
    run_dispatch(order)
    heard: list[tuple[int, str, str]] = []

    def listen(sender: Any, *, order: Any, reason: str, **_extra: Any) -> None:
        heard.append((order.id, reason, order.status.value))

    with order_cancelled.connected_to(listen, sender=app):
        services.cancel(people["staff"], order.id, "Projet reporte")
    # Sent once the order is cancelled, before the commit: the assignment's receiver
    # withdrew the offer in the same transaction.
    assert heard == [(order.id, "Projet reporte", "cancelled")]
    assert {a.state for a in attempts(order)} == {A.WITHDRAWN}
    db.session.rollback()
    assert {a.state for a in attempts(order)} == {A.OFFERED}  # rolled back together
    services.cancel(people["staff"], order.id, "Projet reporte")
    db.session.commit()
    assert {a.state for a in attempts(order)} == {A.WITHDRAWN}


def test_the_dispatch_handler_is_registered_by_create_app(app: Flask) -> None:
    assert DISPATCH in outbox.HANDLERS and DISPATCH in outbox.FAILURE_HANDLERS
