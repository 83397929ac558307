"""Approval rules: four eyes above the threshold, lot and framework ceilings, suspension."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.auth.models import AdhesionStatus, User
from app.catalogue.services import lots as lot_services
from app.common.errors import Conflict
from app.extensions import db
from app.orders import ceilings, services
from app.orders.models import OrderStatus
from tests.unit.orders.rules_support import big_order, lot, submitted

S = OrderStatus


# --- Approval rules -------------------------------------------------------------------------

def test_above_the_threshold_two_different_staff_must_approve(world: dict[str, User]) -> None:
    order = big_order(world["buyer"])
    assert order.approvals_required == 2
    services.approve(world["staff"], order.id)
    db.session.commit()
    assert order.status is S.SUBMITTED and order.approvals_count == 1
    with pytest.raises(Conflict):
        services.approve(world["staff"], order.id)
    db.session.rollback()
    services.approve(world["staff2"], order.id)
    db.session.commit()
    assert order.status is S.APPROVED and order.approvals_count == 2


def test_below_the_threshold_one_approval_is_enough(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    assert order.approvals_required == 1
    services.approve(world["staff"], order.id)
    assert order.status is S.APPROVED


def test_the_threshold_is_configurable(app: Flask, world: dict[str, User]) -> None:
    app.config["FOUR_EYES_THRESHOLD_CENTS"] = 100_000
    assert submitted(world["buyer"]).approvals_required == 2


def test_an_order_must_fit_in_what_remains_of_the_lot_ceiling(world: dict[str, User]) -> None:
    the_lot = lot(3)
    the_lot.ceiling_cents = 200_000
    db.session.commit()
    first = submitted(world["buyer"])  # 130,000
    second = submitted(world["colleague"])  # 130,000
    services.approve(world["staff"], first.id)
    db.session.commit()
    assert ceilings.headroom(the_lot).lot_left_cents == 70_000
    with pytest.raises(Conflict, match="lot"):
        services.approve(world["staff"], second.id)
    db.session.rollback()
    assert second.status is S.SUBMITTED and second.approvals_count == 0
    services.cancel(world["staff"], first.id, "Project stopped")
    db.session.commit()
    services.approve(world["staff"], second.id)  # the cancelled order released the ceiling
    assert second.status is S.APPROVED


def test_an_order_must_fit_in_what_remains_of_the_framework_ceiling(world: dict[str, User]
                                                                    ) -> None:
    framework = lot(3).framework
    framework.max_value_cents = 100_000
    db.session.commit()
    order = submitted(world["buyer"])
    with pytest.raises(Conflict, match="framework"):
        services.approve(world["staff"], order.id)


def test_an_inactive_framework_or_dates_outside_it_block_approval(world: dict[str, User]
                                                                  ) -> None:
    order = submitted(world["buyer"], planned_start=lot(3).framework.end_date +
                      timedelta(days=1))
    with pytest.raises(Conflict, match="planned dates"):
        services.approve(world["staff"], order.id)
    db.session.rollback()
    other = submitted(world["colleague"])
    framework = lot(3).framework
    framework.status = framework.status.__class__("expired")
    db.session.commit()
    with pytest.raises(Conflict, match="not active"):
        services.approve(world["staff"], other.id)


def test_a_suspended_organisation_cannot_be_approved(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    world["buyer"].organisation.status = AdhesionStatus.SUSPENDED  # type: ignore[union-attr]
    db.session.commit()
    with pytest.raises(Conflict):
        services.approve(world["staff"], order.id)


def test_committed_amounts_per_lot(world: dict[str, User]) -> None:
    order = submitted(world["buyer"])
    assert lot_services.committed_cents_by_lot() == {}
    services.approve(world["staff"], order.id)
    db.session.commit()
    assert lot_services.committed_cents_by_lot() == {lot(3).id: 130000}
