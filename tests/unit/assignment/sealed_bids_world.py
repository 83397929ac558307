"""Orders whose vendors answered in every way (DESIGN §1, bids are sealed), and what each
reader must and must not find about them, written out by hand per scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from app.assignment import cli as sweeper
from app.assignment.models import VendorAttempt
from app.assignment.quote_documents import QuoteUpload
from app.assignment.services import answers, rounds
from app.assignment.services import dispatch as dispatching
from app.auth.models import Role, User
from app.catalogue.models import LotMembership
from app.catalogue.services import browse
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.common.money import format_eur
from app.common.time import utcnow
from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderStatus

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


@dataclass
class Bid:
    """One vendor attempt and everything secret about it."""

    attempt_id: int
    vendor_id: int
    vendor: str
    user: User
    reason: str = ""
    note: str = ""
    price_cents: int | None = None
    pdf: str = ""
    sha256: str = ""

    @property
    def euros(self) -> str:
        assert self.price_cents is not None
        return format_eur(self.price_cents, "en")


@dataclass
class World:
    """An order, its bids, and per reader ("staff", "buyer", "vendor" — the assigned vendor):
    what the order page and the API's events must show, what neither may show (names,
    reasons, notes, prices, files), and the vendor ids the API may or may not name."""

    order: Order
    bids: list[Bid]
    assigned: Bid | None = None  # the vendor the order went to
    loser: Bid | None = None     # a vendor that answered and did not get it
    page_shown: dict[str, list[str]] = field(default_factory=dict)
    api_shown: dict[str, list[str]] = field(default_factory=dict)
    hidden: dict[str, list[str]] = field(default_factory=dict)
    shown_ids: dict[str, list[int]] = field(default_factory=dict)
    hidden_ids: dict[str, list[int]] = field(default_factory=dict)


def _user_of(vendor_id: int) -> User:
    return db.session.execute(select(User).where(
        User.vendor_id == vendor_id, User.role == Role.VENDOR)
        .order_by(User.id)).scalars().first()  # type: ignore[return-value]


def _dispatched(people: dict[str, User], lot_number: int, code: str) -> Order:
    buyer, staff = people["buyer1"], people["staff1"]
    lot = next(lot for lot in lot_services.list_lots() if lot.number == lot_number)
    order = services.create_order(buyer, services.OrderInput(
        lot_id=lot.id, title="Marche exploratoire", objectives="Entendre le quartier",
        participation_level="consult", commune="forest",
        lines=[services.LineInput(browse.get_current_item(code).id, 2)]))
    db.session.commit()
    services.submit(buyer, order.id)
    services.approve(staff, order.id)
    db.session.commit()
    assert dispatching.dispatch(order.id) in ("offered", "invited")
    db.session.commit()
    return order


def _open(order: Order) -> Bid:
    attempt = db.session.execute(select(VendorAttempt).where(
        VendorAttempt.order_id == order.id, VendorAttempt.state.in_(("offered", "invited")))
        .order_by(VendorAttempt.attempt_no.desc())
        .execution_options(populate_existing=True)).scalars().first()
    assert attempt is not None
    return Bid(attempt.id, attempt.vendor_id, attempt.vendor.name, _user_of(attempt.vendor_id))


def _invited(order: Order) -> list[Bid]:
    return [Bid(a.id, a.vendor_id, a.vendor.name, _user_of(a.vendor_id))
            for a in rounds.attempts_of(order)]


def _decline(bid: Bid, reason: str) -> Bid:
    answers.decline(bid.user, bid.attempt_id, reason)
    db.session.commit()
    bid.reason = reason
    return bid


def _expire(bid: Bid) -> Bid:
    db.session.execute(update(VendorAttempt).where(VendorAttempt.id == bid.attempt_id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert sweeper.expire_overdue_now() == 1
    return bid


def _quote(bid: Bid, price: int, note: str, pdf: str) -> Bid:
    import hashlib

    content = PDF + pdf.encode()
    answers.quote(bid.user, bid.attempt_id, price, note, QuoteUpload(pdf, content),
                     conflict_of_interest=False)
    db.session.commit()
    bid.price_cents, bid.note, bid.pdf = price, note, pdf
    bid.sha256 = hashlib.sha256(content).hexdigest()
    return bid


def secrets_of(*bids: Bid) -> list[str]:
    """Everything about these bids, as a page or an API answer could spell it."""
    found: list[str] = []
    for bid in bids:
        found.append(bid.vendor)
        found += [text for text in (bid.reason, bid.note, bid.pdf, bid.sha256) if text]
        if bid.price_cents is not None:
            found += [bid.euros, str(bid.price_cents)]
    return found


def _on_page(*bids: Bid) -> list[str]:
    """What the staff's order page shows of these bids."""
    return [text for bid in bids for text in (
        bid.vendor, bid.reason, bid.note, bid.euros if bid.price_cents else "") if text]


def _in_api(*bids: Bid) -> list[str]:
    """What the staff's events answer holds of these bids (the notes are not in the trail)."""
    return [text for bid in bids for text in (
        bid.reason, bid.pdf, bid.sha256, str(bid.price_cents) if bid.price_cents else "")
        if text]


def cascade(people: dict[str, User]) -> World:
    """Rank 1 declines with a reason, rank 2 lets the deadline pass, rank 3 declares a
    conflict of interest, rank 4 accepts."""
    order = _dispatched(people, 3, "L3-WS-HALF")
    first = _decline(_open(order), "Notre équipe part en mission à Gand")
    second = _expire(_open(order))
    third = _open(order)
    answers.accept(third.user, third.attempt_id, conflict_of_interest=True)
    db.session.commit()
    third.reason = "Conflict of interest declared."
    fourth = _open(order)
    answers.accept(fourth.user, fourth.attempt_id, conflict_of_interest=False)
    db.session.commit()
    world = World(order, [first, second, third, fourth], assigned=fourth, loser=first)
    everyone = [first, second, third, fourth]
    others = [*secrets_of(first, second, third), "conflict of interest"]
    world.page_shown = {
        "staff": [*_on_page(*everyone), "Declined: conflict of interest"],
        "buyer": [f"The order was assigned to {fourth.vendor}.",
                  "A vendor declined the assignment.",
                  "A vendor did not answer before the deadline."],
        "vendor": [f"The order was assigned to {fourth.vendor}."]}
    world.api_shown = {"staff": _in_api(*everyone), "buyer": [], "vendor": []}
    world.hidden = {"staff": [], "buyer": others, "vendor": others}
    world.shown_ids = {"staff": [b.vendor_id for b in everyone],
                       "buyer": [fourth.vendor_id], "vendor": [fourth.vendor_id]}
    ids = [first.vendor_id, second.vendor_id, third.vendor_id]
    world.hidden_ids = {"staff": [], "buyer": ids, "vendor": ids}
    return world


def redispatched(people: dict[str, User]) -> World:
    """Every rank declines, the order escalates ("cascade exhausted"), staff redispatch and
    rank 1 accepts in the second round."""
    order = _dispatched(people, 3, "L3-WS-HALF")
    first = _decline(_open(order), "Pas avant septembre")
    others = [_decline(_open(order), f"Indisponible {n} fois")
              for n in ("deux", "trois", "quatre")]
    db.session.refresh(order)
    assert order.status is OrderStatus.ESCALATED
    dispatching.redispatch(people["staff1"], order.id)
    db.session.commit()
    again = _open(order)
    assert again.vendor_id == first.vendor_id
    answers.accept(again.user, again.attempt_id, conflict_of_interest=False)
    db.session.commit()
    world = World(order, [first, *others, again], assigned=again, loser=others[0])
    world.page_shown = {
        "staff": [*_on_page(first, *others), "offered the assignment to the vendors again."],
        "buyer": [f"The order was assigned to {first.vendor}.",
                  "A vendor declined the assignment.",
                  "offered the assignment to the vendors again."],
        "vendor": [f"The order was assigned to {first.vendor}.",
                   "offered the assignment to the vendors again.",
                   "No vendor could be assigned"]}
    world.api_shown = {"staff": [*_in_api(first, *others), "cascade exhausted"],
                       "buyer": ["cascade exhausted"], "vendor": [first.reason]}
    world.hidden = {"staff": [], "buyer": [*secrets_of(*others), first.reason],
                    "vendor": [*secrets_of(*others), "cascade exhausted"]}
    ids = [o.vendor_id for o in others]
    world.shown_ids = {"staff": [first.vendor_id, *ids], "buyer": [first.vendor_id],
                       "vendor": [first.vendor_id]}
    world.hidden_ids = {"staff": [], "buyer": ids, "vendor": ids}
    return world


def open_competition(people: dict[str, User]) -> World:
    """One quote (price, note, PDF), one decline; the third vendor has not answered yet:
    the buyer sees no quote while the competition is open."""
    order = _dispatched(people, 5, "L5-STREET")
    quoted, declined, waiting = _invited(order)
    _quote(quoted, order.total_excl_vat_cents - 5235, "Deux animatrices bilingues",
           "offre-inclusio.pdf")
    _decline(declined, "Equipe complete en mai")
    world = World(order, [quoted, declined, waiting], loser=declined)
    everyone = [quoted, declined, waiting]
    world.page_shown = {"staff": _on_page(*everyone),
                        "buyer": ["A vendor sent a quote.", "A vendor declined the assignment.",
                                  "A vendor was asked to take the assignment."]}
    world.api_shown = {"staff": _in_api(*everyone), "buyer": []}
    world.hidden = {"staff": [], "buyer": secrets_of(*everyone)}
    world.shown_ids = {"staff": [b.vendor_id for b in everyone], "buyer": []}
    world.hidden_ids = {"staff": [], "buyer": [b.vendor_id for b in everyone]}
    return world


def awarded_competition(people: dict[str, User]) -> World:
    """Two quotes with notes and PDFs, a decline: the competition closes, the lower wins."""
    order = _dispatched(people, 5, "L5-STREET")
    winner, loser, declined = _invited(order)
    total = order.total_excl_vat_cents
    _quote(winner, total - 5235, "Deux animatrices bilingues", "offre-gagnante.pdf")
    _quote(loser, total - 2468, "Une equipe de trois personnes", "offre-perdante.pdf")
    _decline(declined, "Pas de disponibilite en mai")
    world = World(order, [winner, loser, declined], assigned=winner, loser=loser)
    closed = [winner.vendor, winner.euros, winner.note, loser.vendor, loser.euros, loser.note]
    world.page_shown = {"staff": _on_page(winner, loser, declined),
                        "buyer": [*closed, f"The order was assigned to {winner.vendor}."],
                        "vendor": [f"The order was assigned to {winner.vendor}."]}
    world.api_shown = {
        "staff": _in_api(winner, loser, declined),
        "buyer": [str(winner.price_cents), str(loser.price_cents), winner.note, loser.note,
                  winner.pdf],
        "vendor": [str(winner.price_cents), winner.pdf, winner.sha256]}
    world.hidden = {"staff": [], "buyer": [loser.pdf, loser.sha256, *secrets_of(declined)],
                    "vendor": secrets_of(loser, declined)}
    world.shown_ids = {"staff": [winner.vendor_id, loser.vendor_id, declined.vendor_id],
                       "buyer": [winner.vendor_id, loser.vendor_id],
                       "vendor": [winner.vendor_id]}
    world.hidden_ids = {"staff": [], "buyer": [declined.vendor_id],
                        "vendor": [loser.vendor_id, declined.vendor_id]}
    return world


def escalated_competition(people: dict[str, User]) -> World:
    """Two quotes whose vendors then leave the lot, and a vendor that does not answer: no
    compliant quote, the order escalates and the competition is closed."""
    order = _dispatched(people, 5, "L5-STREET")
    first, second, silent = _invited(order)
    total = order.total_excl_vat_cents
    _quote(first, total - 1357, "Avec captation video", "offre-chere.pdf")
    _quote(second, total - 4680, "Trois permanences", "offre-tres-chere.pdf")
    for bid in (first, second):
        membership = db.session.execute(select(LotMembership).where(
            LotMembership.lot_id == order.lot_id,
            LotMembership.vendor_id == bid.vendor_id)).scalar_one()
        membership_services.suspend_member(people["admin"], membership.id, "Audit")
    db.session.commit()
    _expire(silent)
    db.session.refresh(order)
    assert order.status is OrderStatus.ESCALATED
    world = World(order, [first, second, silent], loser=second)
    closed = [first.vendor, first.euros, first.note, second.vendor, second.euros, second.note]
    world.page_shown = {"staff": _on_page(first, second, silent),
                        "buyer": [*closed, "A vendor did not answer before the deadline."]}
    world.api_shown = {
        "staff": [*_in_api(first, second, silent), "no compliant quote"],
        "buyer": [str(first.price_cents), str(second.price_cents), first.note, second.note]}
    world.hidden = {"staff": [], "buyer": [first.pdf, second.pdf, first.sha256,
                                           second.sha256, silent.vendor]}
    world.shown_ids = {"staff": [first.vendor_id, second.vendor_id, silent.vendor_id],
                       "buyer": [first.vendor_id, second.vendor_id]}
    world.hidden_ids = {"staff": [], "buyer": [silent.vendor_id]}
    return world


SCENARIOS = {"cascade": cascade, "redispatched": redispatched,
             "open_competition": open_competition,
             "awarded_competition": awarded_competition,
             "escalated_competition": escalated_competition}
