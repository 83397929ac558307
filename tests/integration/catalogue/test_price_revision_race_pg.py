"""Price revisions of one item racing on PostgreSQL: never overlapping versions, never a 500."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.auth.services import user_by_email
from app.catalogue.models import CatalogueItem
from app.catalogue.services import browse
from app.catalogue.services import items as item_services
from app.catalogue.services.texts import TEXT_FIELDS
from app.common.errors import DomainError
from app.common.time import today
from app.demo.seed import seed_demo
from app.extensions import db

CODE = "L1-DAY"
THREADS = 8


@pytest.fixture
def seeded(record_app: Flask) -> Flask:
    with record_app.app_context():
        seed_demo()
        db.session.commit()
    return record_app


def _revise_all_at_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """THREADS admins' sessions revise CODE at the same moment, each from another day."""
    real_snapshot = item_services.admin_log.snapshot

    def slow_snapshot(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # widen the window between reading the versions and writing
        return real_snapshot(*args, **kwargs)

    monkeypatch.setattr(item_services.admin_log, "snapshot", slow_snapshot)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def revise(offset: int) -> None:
        with app.app_context():
            admin = user_by_email("admin@demo.example")
            assert admin is not None
            barrier.wait()
            try:
                item_services.revise_price(admin, CODE, 90_000 + offset, 2100,
                                      today() + timedelta(days=offset))
                db.session.commit()
                outcomes.append("revised")
            except DomainError as exc:
                db.session.rollback()
                outcomes.append(type(exc).__name__)
            except Exception as exc:  # a deadlock or anything else fails the test below
                db.session.rollback()
                outcomes.append(f"error: {exc!r}")

    threads = [threading.Thread(target=revise, args=(offset,))
               for offset in range(1, THREADS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_concurrent_revisions_never_overlap_and_lookups_keep_working(
        seeded: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _revise_all_at_once(seeded, monkeypatch)
    assert len(outcomes) == THREADS
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert "revised" in outcomes
    with seeded.app_context():
        versions = list(db.session.execute(
            select(CatalogueItem).where(CatalogueItem.code == CODE)
            .order_by(CatalogueItem.valid_from)).scalars())
        for earlier, later in pairwise(versions):
            assert earlier.valid_to is not None, [(v.valid_from, v.valid_to) for v in versions]
            assert earlier.valid_to < later.valid_from, [(v.valid_from, v.valid_to)
                                                         for v in versions]
        assert versions[-1].valid_to is None
        for offset in range(0, THREADS + 3):
            day = today() + timedelta(days=offset)
            assert browse.price_on(CODE, day).code == CODE
    client = seeded.test_client()
    assert client.get(f"/api/v1/catalogue/items?q={CODE}").status_code == 200


def test_lookups_do_not_fail_on_versions_that_overlap_anyway(seeded: Flask) -> None:
    """Rows written before the lock existed (or by hand) must not turn lookups into 500s."""
    with seeded.app_context():
        current = browse.get_current_item(CODE)
        db.session.add(CatalogueItem(
            lot_id=current.lot_id, code=CODE, unit=current.unit, unit_price_cents=1,
            vat_rate_bp=current.vat_rate_bp, valid_from=current.valid_from + timedelta(days=1),
            **{name: getattr(current, name) for name in TEXT_FIELDS}))
        db.session.commit()
        assert browse.get_current_item(CODE).code == CODE
        assert browse.price_on(CODE, today()).code == CODE
    client = seeded.test_client()
    assert client.get(f"/api/v1/catalogue/items?q={CODE}").status_code == 200
    assert client.get(f"/catalogue/items/{CODE}").status_code == 200
