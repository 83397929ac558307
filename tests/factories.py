"""Test data, built as the application builds it, in any tier (SQLite or PostgreSQL).

Reference data (organisations, vendors, users, frameworks, lots, items) is made directly
from the models: it has no history to respect. Orders are taken to the state asked for
through the services and the move table, as people would move them (buyer, staff,
vendors), so an order in a state has the events, approvals, attempts and outbox rows a
real one has. Every factory commits, as a request would, and returns the object.

Each call makes new, uniquely named rows: tests that need several worlds side by side
(two buyers' organisations, two lots) call the factories twice and do not depend on the
demo data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import count
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select

from app.assignment.models import AttemptState, VendorAttempt
from app.assignment.services import answers
from app.auth.models import AdhesionStatus, Language, Organisation, OrganisationType, Role, User
from app.catalogue.models import (
    AwardMethod,
    CatalogueItem,
    Framework,
    FrameworkStatus,
    Lot,
    LotMembership,
    MembershipStatus,
    Unit,
)
from app.common import outbox
from app.execution import services as execution
from app.extensions import db
from app.orders import services as orders
from app.orders import workflow
from app.orders.models import Order, OrderStatus
from app.orders.signals import DISPATCH
from app.vendors.models import Vendor

PASSWORD = "correct horse battery"
# The testing configuration's cheap argon2id (see PASSWORD_HASH_CHEAP).
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)

S = OrderStatus
_seq = count(1)


def _next() -> int:
    return next(_seq)


def _save(row: Any) -> Any:
    db.session.add(row)
    db.session.commit()
    return row


# --- People --------------------------------------------------------------------------------

def organisation(status: AdhesionStatus = AdhesionStatus.APPROVED, **kw: Any) -> Organisation:
    return _save(Organisation(name=kw.pop("name", f"Commune {_next()}"),
                              type=kw.pop("type", OrganisationType.COMMUNE), status=status,
                              **kw))


def vendor(**kw: Any) -> Vendor:
    return _save(Vendor(name=kw.pop("name", f"Vendor {_next()}"), **kw))


def user(role: Role = Role.BUYER, **kw: Any) -> User:
    """An account (password ``PASSWORD``); a buyer gets a new organisation and a vendor user
    a new vendor unless given one."""
    if role is Role.BUYER and "organisation" not in kw and "organisation_id" not in kw:
        kw["organisation"] = organisation()
    if role is Role.VENDOR and "vendor" not in kw and "vendor_id" not in kw:
        kw["vendor"] = vendor()
    language = kw.pop("language", Language.FR)
    return _save(User(email=kw.pop("email", f"user{_next()}@example.org"), role=role,
                      password_hash=kw.pop("password_hash", PASSWORD_HASH),
                      language=Language(language), **kw))


def vendor_user(of: Vendor | int) -> User:
    """The first account of a vendor, made if it has none."""
    vendor_id = of if isinstance(of, int) else of.id
    found = db.session.execute(select(User).where(User.vendor_id == vendor_id)
                               .order_by(User.id)).scalars().first()
    return found or user(Role.VENDOR, vendor_id=vendor_id)


def staff(n: int = 1) -> list[User]:
    return [user(Role.STAFF) for _ in range(n)]


# --- The catalogue -------------------------------------------------------------------------

def framework(**kw: Any) -> Framework:
    n = _next()
    values: dict[str, Any] = {
        "reference": f"FW-{n}", "title_fr": f"Accord-cadre {n}",
        "title_nl": f"Raamovereenkomst {n}", "title_en": f"Framework {n}",
        "start_date": date(2025, 1, 1),
        "end_date": date(2029, 12, 31), "max_value_cents": 1_000_000_000,
        "status": FrameworkStatus.ACTIVE}
    return _save(Framework(**{**values, **kw}))


def lot(framework_: Framework | None = None, *, vendors: int | Sequence[Vendor] = 3,
        award_method: AwardMethod = AwardMethod.CASCADE, **kw: Any) -> Lot:
    """A lot with ``vendors`` active members ranked 1, 2, 3… (new vendors when a number),
    each with one vendor account."""
    framework_ = framework_ or framework()
    number = kw.pop("number", None) or 1 + len(framework_.lots)
    values: dict[str, Any] = {
        "title_fr": f"Lot {number}", "title_nl": f"Perceel {number}", "title_en": f"Lot {number}",
        "ceiling_cents": None, "response_working_days": 5}
    made = _save(Lot(framework=framework_, number=number, award_method=award_method,
                     **{**values, **kw}))
    members = [vendor() for _ in range(vendors)] if isinstance(vendors, int) else vendors
    for rank, member in enumerate(members, start=1):
        vendor_user(member)
        db.session.add(LotMembership(lot=made, vendor_id=member.id, rank=rank,
                                     status=MembershipStatus.ACTIVE))
    db.session.commit()
    return made


def item(lot_: Lot | None = None, **kw: Any) -> CatalogueItem:
    n = _next()
    values: dict[str, Any] = {
        "code": f"ITEM-{n}", "title_fr": f"Atelier {n}", "title_nl": f"Workshop {n}",
        "title_en": f"Workshop {n}", "unit": Unit.DAY, "unit_price_cents": 100_000,
        "vat_rate_bp": 2100, "valid_from": date(2025, 1, 1)}
    return _save(CatalogueItem(lot=lot_ or lot(), **{**values, **kw}))


# --- Orders --------------------------------------------------------------------------------

def order_input(lines: Sequence[tuple[CatalogueItem, int]], **changes: Any) -> orders.OrderInput:
    """What a buyer fills in, for ``lines`` of one lot."""
    values: dict[str, Any] = {
        "title": "Atelier de quartier", "objectives": "Recueillir des avis",
        "participation_level": "consult", "commune": "forest", "description": "Deux ateliers"}
    return orders.OrderInput(lot_id=lines[0][0].lot_id, **{**values, **changes},
                             lines=[orders.LineInput(i.id, quantity) for i, quantity in lines])


# How each state is reached: the state before it and the move that leaves it.
_PATH: dict[OrderStatus, tuple[OrderStatus, str]] = {
    S.SUBMITTED: (S.DRAFT, "submit"),
    S.CHANGES_REQUESTED: (S.SUBMITTED, "request_changes"),
    S.REJECTED: (S.SUBMITTED, "reject"),
    S.CANCELLED: (S.DRAFT, "withdraw"),
    S.APPROVED: (S.SUBMITTED, "approve"),
    S.AWAITING_VENDOR: (S.APPROVED, "dispatch"),
    S.ASSIGNED: (S.AWAITING_VENDOR, "assign"),
    S.ESCALATED: (S.AWAITING_VENDOR, "escalate"),
    S.DELIVERED: (S.ASSIGNED, "deliver"),
    S.COMPLETED: (S.DELIVERED, "confirm_receipt"),
    S.CLOSED: (S.COMPLETED, "close"),
}


def order(state: OrderStatus = S.DRAFT, *, buyer: User | None = None,
          lines: Sequence[tuple[CatalogueItem, int]] | None = None,
          approvers: Sequence[User] | None = None, **changes: Any) -> Order:
    """An order of ``buyer`` (a new buyer if none) for ``lines`` (two units of a new item
    in a new cascade lot if none), taken to ``state``.

    Assignment happens as in production: the dispatch message is delivered; in a cascade
    the first vendor accepts, in a mini-competition every invited vendor quotes (the first
    ranked lowest) and the lowest wins; escalation is every vendor declining.
    """
    buyer = buyer or user()
    lines = lines or [(item(), 2)]
    made = orders.create_order(buyer, order_input(lines, **changes))
    db.session.commit()
    for step in _steps_to(state):
        _take(made, step, buyer, approvers)
        db.session.commit()
        db.session.refresh(made)
    assert made.status is state, (made.status, state)
    return made


def _steps_to(state: OrderStatus) -> list[str]:
    steps: list[str] = []
    while state is not S.DRAFT:
        state, step = _PATH[state]
        steps.insert(0, step)
    return steps


def _take(made: Order, step: str, buyer: User, approvers: Sequence[User] | None) -> None:
    if step in ("submit", "withdraw"):
        getattr(orders, step)(buyer, made.id)
    elif step in ("request_changes", "reject"):
        getattr(orders, step)(staff()[0], made.id, "Précisez le public visé.")
    elif step == "approve":
        for approver in approvers or staff(made.approvals_required):
            orders.approve(approver, made.id)
    elif step == "dispatch":
        deliver_dispatch(made)
    elif step == "assign":
        _assign(made)
    elif step == "escalate":  # in a cascade, each refusal brings the next offer
        while waiting := open_attempts(made):
            for attempt in waiting:
                answers.decline(vendor_user(attempt.vendor_id), attempt.id, "Pas disponible.")
            db.session.flush()
    elif step == "deliver":
        execution.deliver(vendor_user(made.vendor_id or 0), made.id, "Ateliers tenus.")
    elif step == "confirm_receipt":
        execution.confirm_receipt(buyer, made.id)
    else:
        workflow.transition(made, step, staff()[0])


def _assign(made: Order) -> None:
    invited = open_attempts(made)
    if invited and invited[0].state is AttemptState.OFFERED:
        answers.accept(vendor_user(invited[0].vendor_id), invited[0].id,
                       conflict_of_interest=False)
        return
    for n, attempt in enumerate(invited):
        answers.quote(vendor_user(attempt.vendor_id), attempt.id,
                      max(made.total_excl_vat_cents - 100 * (len(invited) - n), 1),
                      "Offre", conflict_of_interest=False)


def deliver_dispatch(made: Order) -> str:
    """Perform the order's pending dispatch message as the worker would (``sent``), or say
    that there is none left (``skipped``: a worker already did it)."""
    pending = [m for m in db.session.execute(select(outbox.OutboxMessage).where(
        outbox.OutboxMessage.kind == DISPATCH, outbox.OutboxMessage.sent_at.is_(None)))
        .scalars() if m.payload.get("order_id") == made.id]
    return outbox.deliver(pending[0].id) if pending else "skipped"


def attempts(made: Order) -> list[VendorAttempt]:
    """The order's vendor attempts, fresh from the database, in order."""
    return list(db.session.execute(
        select(VendorAttempt).where(VendorAttempt.order_id == made.id)
        .order_by(VendorAttempt.attempt_no)
        .execution_options(populate_existing=True)).scalars())


def open_attempts(made: Order) -> list[VendorAttempt]:
    return [a for a in attempts(made) if a.state in (AttemptState.OFFERED, AttemptState.INVITED)]
