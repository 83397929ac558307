"""The orders endpoints: create, list, read, the events, and one POST per state move."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.common.api import PROBLEM_JSON, ProblemSchema
from app.extensions import db
from app.orders import hooks, idempotency, services, workflow
from app.orders.api import blp
from app.orders.api.schemas import (
    BEARER,
    ID,
    EventSchema,
    OrderInSchema,
    OrderOutSchema,
    OrderPageSchema,
    OrderQuerySchema,
    ReasonSchema,
)
from app.orders.models import Order


def serialised(order: Order) -> dict[str, Any]:
    """What the response schema emits, as stored for an idempotent replay."""
    return dict(OrderOutSchema().dump(order))


def _input(body: dict[str, Any]) -> services.OrderInput:
    lines = [services.LineInput(line["item_id"], line["quantity"]) for line in body.pop("lines")]
    return services.OrderInput(lines=lines, **body)


@blp.post("/orders")
@blp.arguments(OrderInSchema)
@blp.response(201, OrderOutSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not a buyer")
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid body (`errors` names each field, e.g. "
                              "`lines.0.quantity`), or an Idempotency-Key reused with "
                              "another body")
@blp.doc(security=BEARER, parameters=[idempotency.PARAMETER])
def create_order(body: dict[str, Any]) -> ResponseReturnValue:
    """Create a draft order for the caller's organisation (buyers)."""
    return idempotency.write_once(
        201, lambda: serialised(services.create_order(current_user, _input(body))))


@blp.get("/orders")
@blp.arguments(OrderQuerySchema, location="query", as_kwargs=True)
@blp.response(200, OrderPageSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER)
def list_orders(page: int, per_page: int, status: str | None = None,
                lot: int | None = None) -> ResponseReturnValue:
    """The orders the caller may see: their organisation's (buyers), the ones assigned to
    their company (vendors), or all (staff)."""
    result = services.list_orders(current_user, services.OrderFilters(
        status=status, lot_id=lot, sort="newest"), page=page, per_page=per_page)
    return {"orders": result.items, "page": result.page,
            "per_page": result.per_page, "total": result.total, "pages": result.pages}


@blp.get(f"/orders/{ID}")
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER)
def get_order(order_id: int) -> Order:
    """One order, if the caller may see it."""
    order = services.get_order(current_user, order_id)
    return order


@blp.get(f"/orders/{ID}/events")
@blp.response(200, EventSchema(many=True))
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.doc(security=BEARER)
def order_events(order_id: int) -> ResponseReturnValue:
    """The order's audit trail, oldest first, as the reader may see it: bids are sealed.

    Staff get every event with its chain hash. The buyer reads the vendors' answers without
    their identity, reason, note, price or document, except the assigned vendor and the
    quotes of a closed mini-competition; a vendor reads only its own company's answers and
    the order's moves. The hash is null for everyone but staff."""
    events = hooks.order_events(current_user, order_id)  # shaped by the assignment
    return events


def _move(name: str, path: str, summary: str, with_reason: bool) -> None:
    """One POST route per state move; each calls the service of the same name."""
    def act(order_id: int, reason: str | None) -> Order:
        call = getattr(services, name)
        order = call(current_user, order_id) if reason is None else call(
            current_user, order_id, reason)
        db.session.commit()
        return order

    def view_with_reason(body: dict[str, Any], order_id: int) -> Order:
        return act(order_id, (body or {}).get("reason", ""))

    def view_without(order_id: int) -> Order:
        return act(order_id, None)

    view = view_with_reason if with_reason else view_without
    view.__name__ = f"{name}_order"
    view.__doc__ = summary
    decorated: Any = view
    decorated = blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(409, schema=ProblemSchema, content_type=PROBLEM_JSON,
                                 description="Not possible in the order's state")(decorated)
    decorated = blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)(decorated)
    decorated = blp.response(200, OrderOutSchema)(decorated)
    if with_reason:
        decorated = blp.arguments(ReasonSchema)(decorated)
    decorated = blp.doc(security=BEARER)(decorated)
    blp.post(f"/orders/{ID}/{path}")(decorated)


_move("submit", "submit", "Submit a draft for approval (buyers).", False)
_move("withdraw", "withdraw", "Withdraw an order not yet approved (buyers).", False)
_move("approve", "approve", "Approve (staff). Above the four-eyes threshold the order stays "
      "submitted until a second staff member approves.", False)
_move("reject", "reject", "Reject with a reason (staff).", True)
_move("request_changes", "request-changes", "Send back to the buyer with a reason (staff).",
      True)
_move("cancel", "cancel", "Cancel an approved or later order with a reason (staff).", True)

assert set(workflow.MOVES) >= {"submit", "withdraw", "approve", "reject", "request_changes",
                               "cancel"}
