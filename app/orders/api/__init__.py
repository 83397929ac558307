"""The orders part of the JSON API (bearer tokens only).

Every route is scoped by the services: an order the caller may not see answers 404, a move
that is not allowed now 409, a refused body 422 with an ``errors`` object naming the fields.
``POST /orders`` honours an ``Idempotency-Key`` header, per user: the same key with the same
body answers the first response again; the same key with another body answers 422.
"""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("orders_api", __name__, url_prefix="/api/v1",
                description="Orders: the buyer's requests and the staff's decisions.")

# The endpoints, on blp (the offers are added by the assignment package's api module).
from app.orders.api import edit, orders  # noqa: E402,F401
