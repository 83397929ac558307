"""``PATCH /api/v1/orders/{id}``: a buyer edits a draft or a changes-requested order.

Any field of the POST body, the same rules (``services.update_order``): fields not sent keep
their value, ``lines`` if sent replaces the lines. 409 once the order can no longer be
edited, 404 for an order the caller may not see, 422 naming each refused field. An
``Idempotency-Key`` replays the first answer to the same key and body, as for POST.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.common.api import PROBLEM_JSON, ProblemSchema
from app.orders import idempotency, services
from app.orders.api import blp
from app.orders.api.orders import serialised
from app.orders.api.schemas import BEARER, ID, OrderInSchema, OrderOutSchema


class OrderPatchSchema(OrderInSchema):
    """The POST body's fields, each optional; a field sent is checked as in the POST."""


def _merged(order_id: int, body: dict[str, Any]) -> services.OrderInput:
    """The order as stored, with the fields sent replacing theirs."""
    current = services._input_of(services.get_order(current_user, order_id))
    if "lines" in body:
        body["lines"] = [services.LineInput(line["item_id"], line["quantity"])
                         for line in body["lines"]]
    return replace(current, **body)


@blp.patch(f"/orders/{ID}")
@blp.arguments(OrderPatchSchema(partial=True))
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM_JSON)
@blp.alt_response(403, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not a buyer")
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Not an order of the caller's organisation")
@blp.alt_response(409, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="The order is no longer a draft or sent back for changes")
@blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM_JSON,
                  description="Invalid field (`errors` names each), or an Idempotency-Key "
                              "reused with another request")
@blp.doc(security=BEARER, parameters=[idempotency.PARAMETER])
def edit_order(body: dict[str, Any], order_id: int) -> ResponseReturnValue:
    """Edit a draft or changes-requested order (buyers): fields not sent keep their value;
    `lines`, if sent, replaces the lines."""
    return idempotency.write_once(200, lambda: serialised(
        services.update_order(current_user, order_id, _merged(order_id, body))))
