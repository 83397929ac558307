"""Two registrations of the same address (or organisation) at the same moment, on PostgreSQL:
one account, and every request answered normally, never a 500.

The service's "does it exist?" check cannot see a row another transaction has not committed
yet; only the unique indexes on lower(email) and lower(name) can decide."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth import registration, services
from app.auth.models import Organisation, User
from app.common.errors import ValidationFailed
from app.extensions import db


def _data(email: str, organisation: str) -> registration.Registration:
    return registration.Registration(
        organisation_name=organisation, organisation_type="commune", enterprise_number="",
        address="", full_name="Anne Peeters", email=email, password="a long enough password",
        language="fr")


def _count(app: Flask, model: type, column: Any, value: str) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(
            func.lower(column) == value.lower())).scalar_one()


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(target())
        except BaseException as exc:  # reported by the test, not lost in the thread
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def _blocked_on_a_lock(app: Flask) -> bool:
    """Some other session of this database waits for a lock (the second insert)."""
    with app.app_context():
        waiting = db.session.execute(db.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar_one()
        db.session.rollback()
        return bool(waiting)


def _first_holds_its_transaction_while_second_runs(
        app: Flask, first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """``first`` flushes and keeps its transaction open until ``second`` waits on the row
    lock; then ``first`` commits. Returns what ``second`` returned (or raised)."""
    flushed, release = threading.Event(), threading.Event()

    def hold() -> Any:
        with app.app_context():
            outcome = first()
            flushed.set()
            release.wait(20)
            db.session.commit()
            return outcome

    def run_second() -> Any:
        flushed.wait(20)
        with app.app_context():
            try:
                outcome = second()
                db.session.commit()
                return outcome
            finally:
                db.session.rollback()

    holder, held = _in_thread(hold)
    runner, ran = _in_thread(run_second)
    for _ in range(200):
        if _blocked_on_a_lock(app) or not runner.is_alive():
            break
        threading.Event().wait(0.05)
    release.set()
    holder.join(30)
    runner.join(30)
    assert held and held[0] is registration.RegistrationOutcome.CREATED, held
    assert ran, "the second registration did not finish"
    return ran


@pytest.mark.parametrize("second_email", ["anne@forest.example", "ANNE@Forest.example"])
def test_a_registration_racing_another_for_the_same_address_is_answered_as_taken(
        record_app: Flask, second_email: str) -> None:
    ran = _first_holds_its_transaction_while_second_runs(
        record_app,
        lambda: registration.register_organisation(_data("anne@forest.example", "Forest")),
        lambda: registration.register_organisation(_data(second_email, "Forest bis")))
    assert ran == [registration.RegistrationOutcome.EMAIL_TAKEN]
    assert _count(record_app, User, User.email, "anne@forest.example") == 1
    assert _count(record_app, Organisation, Organisation.name, "Forest bis") == 0


def test_a_registration_racing_another_for_the_same_organisation_in_another_case(
        record_app: Flask) -> None:
    ran = _first_holds_its_transaction_while_second_runs(
        record_app,
        lambda: registration.register_organisation(_data("a@ixelles.example", "CPAS d'Ixelles")),
        lambda: registration.register_organisation(_data("b@ixelles.example", "cpas D'IXELLES")))
    assert ran == [registration.RegistrationOutcome.ORGANISATION_TAKEN]
    assert _count(record_app, Organisation, Organisation.name, "CPAS d'Ixelles") == 1
    assert _count(record_app, User, User.email, "b@ixelles.example") == 0


def test_an_admin_creating_an_account_that_a_registration_takes_first_gets_a_field_error(
        record_app: Flask) -> None:
    ran = _first_holds_its_transaction_while_second_runs(
        record_app,
        lambda: registration.register_organisation(_data("c@uccle.example", "Uccle")),
        lambda: services.create_user(None, email="C@Uccle.example", role="staff",
                                     password="a long enough password"))
    assert len(ran) == 1 and isinstance(ran[0], ValidationFailed)
    assert set(ran[0].errors) == {"email"}
    assert _count(record_app, User, User.email, "c@uccle.example") == 1


def test_many_browsers_registering_the_same_address_at_once_get_the_same_page(
        record_app: Flask) -> None:
    """Through the web layer: every answer is the redirect to "check your e-mail"."""
    barrier = threading.Barrier(6)

    def post(index: int) -> int:
        client = record_app.test_client()
        barrier.wait(10)
        return client.post("/register", data={
            "organisation_name": f"Commune {index}", "organisation_type": "commune",
            "full_name": "Anne", "email": "Same@Forest.example" if index % 2 else
            "same@forest.example", "password": "a long enough password",
            "password_confirm": "a long enough password", "language": "fr",
        }, environ_base={"REMOTE_ADDR": f"192.0.2.{index + 1}"}).status_code

    threads = [_in_thread(lambda i=i: post(i)) for i in range(6)]
    for thread, _result in threads:
        thread.join(60)
    codes = [result[0] for _thread, result in threads]
    assert codes == [302] * 6
    assert _count(record_app, User, User.email, "same@forest.example") == 1
