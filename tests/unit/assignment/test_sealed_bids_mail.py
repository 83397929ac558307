"""Bids are sealed in the e-mails too (DESIGN §1): a vendor's mail never names another
vendor, its price, note, reason or file; the buyer's names only what the buyer may see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.money import format_eur
from app.common.outbox import OutboxMessage
from app.extensions import db
from tests.unit.assignment.sealed_bids_world import SCENARIOS, Bid, World, secrets_of


def mails_to(user: User) -> list[dict[str, str]]:
    return [m.payload for m in db.session.execute(
        select(OutboxMessage).where(OutboxMessage.kind == "email")
        .order_by(OutboxMessage.id)).scalars() if m.payload["to"] == user.email]


def spelt_out(*bids: Bid) -> list[str]:
    """The bids' secrets, with prices as every language writes them."""
    found = secrets_of(*bids)
    for bid in bids:
        if bid.price_cents is not None:
            found += [format_eur(bid.price_cents, lang) for lang in ("fr", "nl")]
    return found


def text_of(mails: list[dict[str, str]]) -> str:
    return "\n".join(f"{m['subject']}\n{m['body']}" for m in mails)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_vendor_is_mailed_anything_about_another_vendor(
        demo_world: dict[str, User], name: str) -> None:
    world: World = SCENARIOS[name](demo_world)
    for bid in world.bids:
        mails = mails_to(bid.user)
        assert mails, bid.vendor  # every vendor asked was told
        text = text_of(mails)
        assert world.order.reference in text
        for secret in spelt_out(*[b for b in world.bids if b.vendor_id != bid.vendor_id]):
            assert secret not in text, (bid.vendor, secret)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_buyer_is_mailed_only_what_it_may_see(demo_world: dict[str, User],
                                                  name: str) -> None:
    world: World = SCENARIOS[name](demo_world)
    text = text_of(mails_to(demo_world["buyer1"]))
    assigned = world.assigned
    assigned_id = assigned.vendor_id if assigned is not None else None
    for secret in spelt_out(*[b for b in world.bids if b.vendor_id != assigned_id]):
        if secret.isdigit():
            continue  # cents never appear in a mail; the formatted prices are checked
        assert secret not in text, secret
    for bid in world.bids:
        assert bid.reason == "" or bid.reason not in text
    if assigned is not None:
        assert f"is assigned to {assigned.vendor}." in text


def test_the_losing_quote_is_told_without_the_winner_or_its_price(
        demo_world: dict[str, User]) -> None:
    world = SCENARIOS["awarded_competition"](demo_world)
    assert world.assigned is not None and world.loser is not None
    (not_awarded,) = [m for m in mails_to(world.loser.user)
                      if m["template"] == "quote_not_awarded"]
    body = text_of([not_awarded])
    assert "was awarded to another vendor of the lot" in body
    assert world.order.reference in body
    for secret in spelt_out(world.assigned):
        assert secret not in body, secret
    winner_mail = text_of([m for m in mails_to(world.assigned.user)
                           if m["template"] == "order_assigned_vendor"])
    assert "is assigned to your company" in winner_mail
    for secret in spelt_out(world.loser):
        assert secret not in winner_mail, secret
