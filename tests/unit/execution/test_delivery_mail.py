"""The delivery e-mails: each party is told in its own language, with the order's reference
and link, and the vendor reads the buyer's reason for a contest."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app.auth.models import Language, User
from app.common.outbox import OutboxMessage
from app.execution import services
from app.extensions import db
from tests.unit.execution.support import assigned_world


def mails_to(user: User) -> list[dict[str, str]]:
    return [m.payload for m in db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == "email")
        .order_by(OutboxMessage.id)).scalars() if m.payload["to"] == user.email]


@pytest.mark.parametrize(("language", "delivered", "contested", "confirmed"), [
    ("fr", "est livrée", "la livraison est contestée", "réception confirmée"),
    ("nl", "is geleverd", "de levering is betwist", "ontvangst bevestigd"),
])
def test_each_party_is_mailed_in_its_language(app: Flask, language: str, delivered: str,
                                              contested: str, confirmed: str) -> None:
    world = assigned_world()
    world.buyer.language = world.vendor.language = Language(language)
    db.session.commit()
    order = world.order
    services.deliver(world.vendor, order.id, "Livré")
    services.contest_delivery(world.buyer, order.id, "Il manque le rapport.")
    services.deliver(world.vendor, order.id, "Rapport ajouté")
    services.confirm_receipt(world.buyer, order.id)
    db.session.commit()

    to_buyer = [m for m in mails_to(world.buyer) if delivered in m["subject"]]
    assert len(to_buyer) == 2  # once per delivery
    assert all(order.reference in m["subject"] and f"/orders/{order.id}" in m["body"]
               for m in to_buyer)
    to_vendor = [m for m in mails_to(world.vendor) if order.reference in m["subject"]]
    subjects = [m["subject"] for m in to_vendor][-2:]
    assert contested in subjects[0] and confirmed in subjects[1]
    assert "Il manque le rapport." in to_vendor[-2]["body"]
