"""Scale data, part two: orders in every state with what their state implies.

Each order's story is played in memory (the moves of DESIGN §3 in a legal order, with the
actors who make them) and written with SQLAlchemy Core multi-row INSERTs in batches: the
order, its lines, its hash-chained audit events (``flask audit verify`` passes), its staff
approvals, vendor attempts, delivery and invoices. Ids of orders, attempts and invoices are
given here (the events' payloads name them), then the PostgreSQL sequences are moved past.
Not one service call per order: 100,000 orders take minutes, not hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from sqlalchemy import func, select, text

from app.assignment.models import AttemptKind, AttemptState, VendorAttempt
from app.catalogue.models import AwardMethod
from app.common.money import vat_cents
from app.common.time import to_brussels
from app.demo.bench_parties import LotFacts, Parties
from app.demo.bench_story import Ids, Rows, Story
from app.execution.models import DeliveryOutcome
from app.extensions import db
from app.invoicing.models import Invoice, InvoiceSource, InvoiceState
from app.orders.models import Order, OrderStatus

S = OrderStatus
# Share of each state, roughly a centre a few years in: most orders are done and closed.
WEIGHTS: dict[OrderStatus, int] = {
    S.DRAFT: 6, S.SUBMITTED: 6, S.CHANGES_REQUESTED: 3, S.REJECTED: 3, S.CANCELLED: 5,
    S.APPROVED: 1, S.AWAITING_VENDOR: 5, S.ESCALATED: 2, S.ASSIGNED: 14, S.DELIVERED: 8,
    S.COMPLETED: 14, S.CLOSED: 33,
}
DISPATCHED = (S.AWAITING_VENDOR, S.ESCALATED, S.ASSIGNED, S.DELIVERED, S.COMPLETED, S.CLOSED)
ASSIGNED_OR_LATER = (S.ASSIGNED, S.DELIVERED, S.COMPLETED, S.CLOSED)
SPAN = timedelta(days=730)
FOUR_EYES_CENTS = 3_000_000
COMMUNES = ["bruxelles", "ixelles", "schaerbeek", "anderlecht", "molenbeek", "etterbeek",
            "forest", "uccle", "jette", "evere", "region"]
LEVELS = ["inform", "consult", "involve", "collaborate", "empower"]


def generate(parties: Parties, count: int, rng: Random, now: datetime, *, first: bool = True,
             batch: int = 2000) -> dict[str, int]:
    """Write ``count`` orders; the ``first`` call's first twelve are one of each state (every
    state is present), the rest drawn by ``WEIGHTS``. Returns orders per state."""
    ids = Ids(order=_next_id(Order), attempt=_next_id(VendorAttempt), invoice=_next_id(Invoice))
    states = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    made: dict[str, int] = {}
    rows = Rows()
    for n in range(count):
        status = states[n] if first and n < len(states) else rng.choices(states, weights)[0]
        rows.extend(_one_order(parties, ids, status, rng, now))
        made[status.value] = made.get(status.value, 0) + 1
        if len(rows.orders) >= batch:
            rows.write()
    rows.write()
    _move_sequences()
    return made


def _next_id(model: Any) -> int:
    return int(db.session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _move_sequences() -> None:
    if db.engine.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY follows max(id) by itself
    for table in ("order", "vendor_attempt", "invoice"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - fixed names
            f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"))


def _one_order(parties: Parties, ids: Ids, status: OrderStatus, rng: Random,
               now: datetime) -> Rows:
    order_id = ids.order
    ids.order += 1
    lot = rng.choice(parties.lots)
    org_id, buyer = rng.choice(parties.buyers)
    # Orders still waiting for a vendor were dispatched days ago, not months: their offers
    # are still open.
    created = now - (timedelta(days=3) if status is S.AWAITING_VENDOR else SPAN) * rng.random()
    story = Story(rng, ids, order_id, created)
    total, vat = _lines(story.rows, order_id, lot, rng)
    order: dict[str, Any] = {
        "id": order_id, "organisation_id": org_id, "lot_id": lot.id, "created_by_id": buyer,
        "title": f"Processus participatif {order_id}", "description": "Généré pour la mesure.",
        "objectives": "Associer les habitants au projet.", "participation_level":
        rng.choice(LEVELS), "target_audiences": "Habitants", "commune": rng.choice(COMMUNES),
        "planned_start": None, "planned_end": None, "inclusion_measures": "",
        "public_consent": rng.random() < 0.6, "total_excl_vat_cents": total,
        "total_vat_cents": vat, "total_incl_vat_cents": total + vat,
        "closed_committed_cents": None,
        "approvals_required": 2 if total > FOUR_EYES_CENTS else 1,
        "submission_round": 0, "vendor_id": None, "last_reason": "", "dispatch_round": 0,
        "created_at": created, "updated_at": created, "submitted_at": None,
        "decided_at": None}
    story.rows.orders.append(order)
    story.event("create", buyer, payload={"total_excl_vat_cents": total})
    _play(story, parties, lot, order, status, buyer)
    order["updated_at"] = story.at
    if story.at > now:  # a recent order's story would end in the future: move it back
        story.shift(story.at - now + timedelta(minutes=1))
    head, count = story.chain()
    order.update(status=story.state, audit_head=head, audit_count=count)
    for invoice in story.rows.invoices:  # the reference's year is the creation's
        invoice["order_reference"] = f"PP-{to_brussels(order['created_at']).year}-{order_id:05d}"
    return story.rows


def _lines(rows: Rows, order_id: int, lot: LotFacts, rng: Random) -> tuple[int, int]:
    total = vat = 0
    for item_id, price, rate in rng.sample(lot.items, min(len(lot.items), rng.randint(1, 4))):
        quantity = rng.randint(1, 5)
        line_total = price * quantity
        line_vat = vat_cents(line_total, rate)
        rows.lines.append({"order_id": order_id, "item_id": item_id, "quantity": quantity,
                           "unit_price_cents": price, "vat_rate_bp": rate,
                           "line_excl_vat_cents": line_total, "line_vat_cents": line_vat})
        total += line_total
        vat += line_vat
    return total, vat


def _play(story: Story, parties: Parties, lot: LotFacts, order: dict[str, Any],
          status: OrderStatus, buyer: int) -> None:
    rng = story.rng
    if status is S.DRAFT:
        return
    if status is S.CANCELLED and rng.random() < 0.5:
        story.later()
        story.event("withdraw", buyer, S.CANCELLED)
        return
    story.later()
    story.event("submit", buyer, S.SUBMITTED)
    order.update(submitted_at=story.at, submission_round=1)
    staff = rng.sample(parties.staff, min(2, len(parties.staff)))
    if status is S.SUBMITTED:
        return
    if status is S.CANCELLED:
        story.later()
        story.event("withdraw", buyer, S.CANCELLED)
        return
    if status in (S.REJECTED, S.CHANGES_REQUESTED):
        story.later()
        action = "reject" if status is S.REJECTED else "request_changes"
        reason = "Hors du champ de l'accord-cadre." if status is S.REJECTED else \
            "Précisez le public visé."
        story.event(action, staff[0], status, reason=reason)
        order.update(decided_at=story.at, last_reason=reason)
        return
    _approve(story, order, staff)
    if status is S.APPROVED:
        return
    story.later(0.01, 0.1)
    story.event("dispatch", None, S.AWAITING_VENDOR)
    order["dispatch_round"] = 1
    if lot.award_method is AwardMethod.MINI_COMPETITION:
        _mini_competition(story, parties, lot, order, status)
    else:
        _cascade(story, parties, lot, order, status)
    if status in (S.AWAITING_VENDOR, S.ESCALATED, S.ASSIGNED):
        return
    _execute(story, parties, order, status, buyer, staff[0])


def _approve(story: Story, order: dict[str, Any], staff: list[int]) -> None:
    required = order["approvals_required"]
    if required > len(staff):  # one staff member cannot be both pairs of eyes
        order["approvals_required"] = required = 1
    for k in range(required):
        story.later()
        story.rows.approvals.append({"order_id": story.order_id, "round": 1,
                                     "staff_id": staff[k], "at": story.at})
        if k + 1 < required:
            story.event("approval_recorded", staff[k], payload={
                "approvals": k + 1, "approvals_required": required})
    story.event("approve", staff[required - 1], S.APPROVED, payload={"approvals": required})
    order["decided_at"] = story.at


def _attempt(story: Story, order: dict[str, Any], vendor_id: int, rank: int,
             kind: AttemptKind, number: int) -> dict[str, Any]:
    attempt_id = story.ids.attempt
    story.ids.attempt += 1
    expires = story.at + timedelta(days=7)
    row: dict[str, Any] = {"id": attempt_id, "order_id": story.order_id, "vendor_id": vendor_id,
           "kind": kind, "round": 1, "attempt_no": number, "rank": rank,
           "state": AttemptState.OFFERED if kind is AttemptKind.OFFER else AttemptState.INVITED,
           "created_at": story.at, "expires_at": expires,
           "responded_at": None, "responded_by_id": None, "reason": "",
           "conflict_of_interest": None, "price_cents": None, "note": ""}
    story.rows.attempts.append(row)
    story.event("vendor_asked", None, payload={
        "attempt_id": attempt_id, "vendor_id": vendor_id, "kind": kind.value, "rank": rank,
        "expires_at": expires.isoformat()})
    return row


def _answer(story: Story, row: dict[str, Any], state: AttemptState, user: int | None,
            **values: Any) -> None:
    row.update(state=state, responded_at=story.at, responded_by_id=user, **values)


def _cascade(story: Story, parties: Parties, lot: LotFacts, order: dict[str, Any],
             status: OrderStatus) -> None:
    members = lot.members
    declines = len(members) if status is S.ESCALATED else \
        min(story.rng.choice([0, 0, 0, 1, 1, 2]), len(members) - 1)
    for number, (vendor_id, rank) in enumerate(members[:declines + 1], start=1):
        if number > len(members):
            break
        row = _attempt(story, order, vendor_id, rank, AttemptKind.OFFER, number)
        user = parties.vendor_user.get(vendor_id)
        story.later(0.5, 48)
        if number <= declines:
            _answer(story, row, AttemptState.DECLINED, user, reason="Pas disponible.",
                    conflict_of_interest=False)
            story.event("vendor_declined", user, reason="Pas disponible.",
                        payload={"attempt_id": row["id"], "vendor_id": vendor_id})
        elif status is S.AWAITING_VENDOR:
            story.at = row["created_at"]  # still open: nobody answered yet
        else:
            _answer(story, row, AttemptState.ACCEPTED, user, conflict_of_interest=False)
            order["vendor_id"] = vendor_id
            story.event("assign", user, S.ASSIGNED,
                        payload={"attempt_id": row["id"], "vendor_id": vendor_id})
    if status is S.ESCALATED:
        story.event("escalate", None, S.ESCALATED, payload={"why": "cascade exhausted"})


def _mini_competition(story: Story, parties: Parties, lot: LotFacts, order: dict[str, Any],
                      status: OrderStatus) -> None:
    invited = [_attempt(story, order, vendor_id, rank, AttemptKind.INVITATION, number)
               for number, (vendor_id, rank) in enumerate(lot.members, start=1)]
    if status is S.AWAITING_VENDOR:
        return
    for row in invited:
        story.later(0.5, 24)
        user = parties.vendor_user.get(row["vendor_id"])
        if status is S.ESCALATED:
            _answer(story, row, AttemptState.DECLINED, user, reason="Pas disponible.",
                    conflict_of_interest=False)
            story.event("vendor_declined", user, reason="Pas disponible.",
                        payload={"attempt_id": row["id"], "vendor_id": row["vendor_id"]})
        else:
            price = int(order["total_excl_vat_cents"] * story.rng.uniform(0.8, 1.0))
            _answer(story, row, AttemptState.QUOTED, user, price_cents=price,
                    note="Offre de prix.", conflict_of_interest=False)
            story.event("vendor_quoted", user,
                        payload={"attempt_id": row["id"], "price_cents": price})
    if status is S.ESCALATED:
        story.event("escalate", None, S.ESCALATED, payload={"why": "no compliant quote"})
        return
    winner = min(invited, key=lambda r: (r["price_cents"], r["rank"]))
    for row in invited:
        row["state"] = AttemptState.AWARDED if row is winner else AttemptState.NOT_AWARDED
    order["vendor_id"] = winner["vendor_id"]
    story.event("assign", None, S.ASSIGNED, payload={
        "attempt_id": winner["id"], "vendor_id": winner["vendor_id"],
        "price_cents": winner["price_cents"]})


def _execute(story: Story, parties: Parties, order: dict[str, Any], status: OrderStatus,
             buyer: int, staff: int) -> None:
    """From assigned: delivery, receipt, invoices and the closing."""
    vendor_id = order["vendor_id"]
    vendor_user = parties.vendor_user.get(vendor_id)
    story.later(24, 24 * 30)
    story.event("deliver", vendor_user, S.DELIVERED, payload={"delivery": 1, "documents": []})
    delivery = {"order_id": story.order_id, "number": 1, "note": "Livré.",
                "delivered_at": story.at, "delivered_by_id": vendor_user or buyer,
                "outcome": DeliveryOutcome.PENDING, "answered_at": None,
                "answered_by_id": None, "reason": ""}
    story.rows.deliveries.append(delivery)
    invoice_now = status is not S.DELIVERED or story.rng.random() < 0.3
    if status is not S.DELIVERED:
        story.later()
        story.event("confirm_receipt", buyer, S.COMPLETED)
        delivery.update(outcome=DeliveryOutcome.CONFIRMED, answered_at=story.at,
                        answered_by_id=buyer)
    if not invoice_now or vendor_user is None:
        return
    invoice = _invoice(story, order, vendor_id, vendor_user)
    final = {S.DELIVERED: InvoiceState.REGISTERED, S.CLOSED: InvoiceState.PAID}.get(
        status, story.rng.choice([InvoiceState.REGISTERED, InvoiceState.ACCEPTED]))
    for action, target in (("invoice_accepted", InvoiceState.ACCEPTED),
                           ("invoice_paid", InvoiceState.PAID)):
        if invoice["state"] is final:
            break
        story.later(24, 24 * 20)
        extra: dict[str, Any] = {}
        if target is InvoiceState.PAID:
            invoice["paid_on"] = to_brussels(story.at).date()
            extra["paid_on"] = invoice["paid_on"].isoformat()
        story.event(action, buyer, payload={**_invoice_payload(invoice, target),
                                            "previous": invoice["state"].value, **extra})
        invoice.update(state=target, updated_at=story.at)
    if status is S.CLOSED:
        story.later()
        invoiced = invoice["amount_excl_vat_cents"]
        order["closed_committed_cents"] = invoiced
        story.event("close", staff, S.CLOSED, payload={
            "invoiced_excl_vat_cents": invoiced,
            "released_cents": max(order["total_excl_vat_cents"] - invoiced, 0)})


def _invoice(story: Story, order: dict[str, Any], vendor_id: int,
             vendor_user: int) -> dict[str, Any]:
    invoice_id = story.ids.invoice
    story.ids.invoice += 1
    story.later(1, 24 * 10)
    issued = to_brussels(story.at).date()
    invoice = {"id": invoice_id, "order_id": story.order_id, "vendor_id": vendor_id,
               "number": f"F-{story.order_id}", "issue_date": issued,
               "due_date": issued + timedelta(days=30),
               "amount_excl_vat_cents": order["total_excl_vat_cents"],
               "vat_cents": order["total_vat_cents"], "order_reference": "",
               "state": InvoiceState.REGISTERED, "source": InvoiceSource.JSON, "reason": "",
               "paid_on": None, "ubl_filename": "", "ubl_sha256": "",
               "registered_by_id": vendor_user, "created_at": story.at,
               "updated_at": story.at}
    story.rows.invoices.append(invoice)
    story.event("invoice_registered", vendor_user, payload={
        **_invoice_payload(invoice, InvoiceState.REGISTERED), "source": "json",
        "ubl_sha256": None})
    return invoice


def _invoice_payload(invoice: dict[str, Any], state: InvoiceState) -> dict[str, Any]:
    return {"invoice_id": invoice["id"], "number": invoice["number"],
            "amount_excl_vat_cents": invoice["amount_excl_vat_cents"],
            "vat_cents": invoice["vat_cents"], "state": state.value}
