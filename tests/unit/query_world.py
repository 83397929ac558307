"""A world that grows: every kind of row a page or an API answer lists, added ``k`` at a time,
so a route's queries can be counted at 10 and at 200 rows. Not a test module.

``grow(k)`` adds k orders spread over every state (cascade and mini-competition, delivered,
invoiced, paid, closed, escalated, refused…), k catalogue items, k member vendors of a third
lot, k buyer organisations with a user each, k admin-log entries, and one *rich* order whose
lines, quotes, deliveries and invoices grow with k: the detail pages are read on it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.quote_documents import QuoteUpload
from app.assignment.services import answers
from app.auth.models import Language, Organisation, Role, User
from app.catalogue.models import AwardMethod, CatalogueItem, Lot, LotMembership, MembershipStatus
from app.common import admin_log
from app.execution import services as execution
from app.execution.documents import Upload
from app.extensions import db
from app.invoicing import services as invoicing
from app.invoicing.models import Invoice, InvoiceSource, InvoiceState
from app.legal import erasure
from app.notifications.models import Notification
from app.orders.models import Order, OrderStatus
from app.orders.validation import MAX_LINES
from tests import factories
from tests.unit.execution.support import PDF
from tests.unit.invoicing.invoice_support import ubl_for

S = OrderStatus
# The states the k orders cycle through (with the award method of their lot).
CYCLE: list[tuple[S, AwardMethod]] = [
    (S.DRAFT, AwardMethod.CASCADE), (S.SUBMITTED, AwardMethod.CASCADE),
    (S.ASSIGNED, AwardMethod.CASCADE), (S.DELIVERED, AwardMethod.CASCADE),
    (S.COMPLETED, AwardMethod.CASCADE), (S.ASSIGNED, AwardMethod.MINI_COMPETITION),
    (S.AWAITING_VENDOR, AwardMethod.CASCADE), (S.ESCALATED, AwardMethod.CASCADE),
    (S.CLOSED, AwardMethod.CASCADE), (S.CHANGES_REQUESTED, AwardMethod.CASCADE),
    (S.REJECTED, AwardMethod.CASCADE), (S.CANCELLED, AwardMethod.CASCADE),
    (S.AWAITING_VENDOR, AwardMethod.MINI_COMPETITION),
]


@dataclass
class QueryWorld:
    buyer: User
    colleague: User
    staff: User
    admin: User
    vendor: User            # rank 1 of both lots: it is offered, invited and assigned
    cascade: Lot
    competition: Lot
    directory_lot: Lot
    items: dict[int, CatalogueItem]
    rich: Order | None = None
    invoice: Invoice | None = None
    orders: list[Order] = field(default_factory=list)
    grown: int = 0
    ubl_invoice_id: int = 0

    def people(self) -> dict[str, User]:
        return {"buyer": self.buyer, "staff": self.staff, "admin": self.admin,
                "vendor": self.vendor}

    def latest(self, state: S) -> Order:
        """The newest order of the buyer (not its colleague) now in ``state``."""
        for made in reversed(self.orders):
            db.session.refresh(made)
            if made.status is state and made.created_by_id == self.buyer.id:
                return made
        raise LookupError(state)

    @property
    def draft(self) -> Order:
        return self.latest(S.DRAFT)

    @property
    def submitted(self) -> Order:
        return self.latest(S.SUBMITTED)

    @property
    def assigned(self) -> Order:
        return self.latest(S.ASSIGNED)

    @property
    def delivered(self) -> Order:
        return self.latest(S.DELIVERED)

    def invoice_in(self, state: InvoiceState) -> Invoice:
        return db.session.execute(select(Invoice).where(Invoice.state == state)
                                  .order_by(Invoice.id.desc()).limit(1)).scalar_one()

    @property
    def rich_attempt(self) -> VendorAttempt:
        assert self.rich is not None
        return db.session.execute(select(VendorAttempt).where(
            VendorAttempt.order_id == self.rich.id,
            VendorAttempt.vendor_id == self.vendor.vendor_id)).scalar_one()


def build() -> QueryWorld:
    framework = factories.framework()
    cascade = factories.lot(framework, vendors=3, ceiling_cents=None)
    competition = factories.lot(framework, vendors=cascade_vendors(cascade),
                                award_method=AwardMethod.MINI_COMPETITION)
    directory_lot = factories.lot(framework, vendors=1)
    buyer = factories.user()
    world = QueryWorld(
        buyer=buyer, colleague=factories.user(organisation_id=buyer.organisation_id),
        staff=factories.user(Role.STAFF), admin=factories.user(Role.ADMIN),
        vendor=factories.vendor_user(cascade.memberships[0].vendor_id),
        cascade=cascade, competition=competition, directory_lot=directory_lot,
        items={cascade.id: factories.item(cascade), competition.id: factories.item(competition)})
    # The Peppol order form needs both parties' enterprise numbers (frozen at assignment).
    world.buyer.organisation.enterprise_number = "0207.373.429"
    world.vendor.vendor.enterprise_number = "0456.789.034"
    english(world.buyer, world.colleague, world.staff, world.admin, world.vendor)
    return world


def cascade_vendors(lot: Lot) -> list[int]:
    from app.vendors.models import Vendor

    return [db.session.get(Vendor, m.vendor_id) for m in lot.memberships]  # type: ignore[misc]


def english(*people: User) -> None:
    for person in people:
        person.language = Language.EN
    db.session.commit()


def grow(world: QueryWorld, k: int) -> QueryWorld:
    for n in range(k):
        index = (world.grown + n) % len(CYCLE)
        state, method = CYCLE[index]
        lot = world.cascade if method is AwardMethod.CASCADE else world.competition
        made = factories.order(state, buyer=world.colleague if index in (9, 12) else world.buyer,
                               lines=[(world.items[lot.id], 1 + n % 3)])
        world.orders.append(made)
        if state is S.COMPLETED:
            invoice_for(world, made, f"Q-{made.id}")
        factories.item(world.cascade if n % 2 else world.competition)
        member = factories.vendor()
        factories.vendor_user(member)
        db.session.add(LotMembership(lot=world.directory_lot, vendor_id=member.id,
                                     rank=len(world.directory_lot.memberships) + 1,
                                     status=MembershipStatus.ACTIVE))
        organisation = factories.organisation()
        erasure.request_erasure(factories.user(organisation_id=organisation.id))
        admin_log.record(world.admin, organisation, "update", {"name": "before"})
        db.session.commit()
    world.grown += k
    world.rich = rich_order(world, k)
    return world


def rich_order(world: QueryWorld, k: int) -> Order:
    """An order on the mini-competition lot with min(k, MAX_LINES) lines, quoted with a PDF by
    every vendor, delivered (with a document) and contested k//40 + 1 times before its
    receipt, with k//20 + 2 invoices: the first disputed, the last paid."""
    lines = [(factories.item(world.competition), 1 + n % 4) for n in range(min(k, MAX_LINES))]
    made = factories.order(S.AWAITING_VENDOR, buyer=world.buyer, lines=lines)
    invited = factories.open_attempts(made)
    for n, attempt in enumerate(invited):
        answers.quote(factories.vendor_user(attempt.vendor_id), attempt.id,
                      made.total_excl_vat_cents - 100 * (len(invited) - n), "Offre",
                      QuoteUpload("offre.pdf", PDF), conflict_of_interest=False)
        db.session.commit()
    db.session.refresh(made)
    assert made.vendor_id == world.vendor.vendor_id, made.status
    for n in range(k // 40 + 1):
        execution.deliver(world.vendor, made.id, "Ateliers tenus.",
                          [Upload(f"rapport-{n}.pdf", PDF)])
        db.session.commit()
        if n < k // 40:
            execution.contest_delivery(world.buyer, made.id, "Rapport incomplet.")
            db.session.commit()
    execution.confirm_receipt(world.buyer, made.id)
    db.session.commit()
    for n in range(k // 20 + 2):
        world.invoice = invoice_for(world, made, f"R-{made.id}-{n}", cents=100)
        if n == 0:
            invoicing.dispute(world.buyer, world.invoice.id, "Montant à revoir.")
    typed = dataclasses.replace(invoicing.from_ubl(ubl_for(made.reference)), number=f"U-{made.id}")
    ubl = invoicing.register(world.vendor, made.id, typed)
    db.session.commit()
    world.ubl_invoice_id = ubl.id
    invoicing.accept(world.buyer, world.invoice.id)
    invoicing.mark_paid(world.staff, world.invoice.id, date(2026, 12, 1))
    db.session.commit()
    db.session.refresh(made)
    return made


def invoice_for(world: QueryWorld, made: Order, number: str, cents: int = 10_000) -> Invoice:
    vendor = factories.vendor_user(made.vendor_id or 0)
    invoice = invoicing.register(vendor, made.id, invoicing.InvoiceInput(
        number=number, issue_date=date(2026, 11, 30), due_date=date(2026, 12, 30),
        amount_excl_vat_cents=cents, vat_cents=cents * 21 // 100,
        order_reference=made.reference, source=InvoiceSource.JSON))
    db.session.commit()
    return invoice


def unread(user: User) -> int:
    return sum(1 for n in db.session.query(Notification).filter_by(user_id=user.id)
               if n.read_at is None)


__all__ = ["AttemptState", "Organisation", "QueryWorld", "build", "grow"]
