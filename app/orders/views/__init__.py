"""Order pages: the buyer's orders and order form, the staff queue, the order page with its
moves. Views own the commit; services check who may see what.

Every page about one order starts with ``services.get_order``, so an order the reader may not
see answers 404 before anything else is looked at. The blueprint is here; its views are in
the modules of this folder (``lists``, ``form``, ``page``), imported below so their routes
are on it. The notification pages (``app.notifications.views``) are under this blueprint's
URLs and endpoint names; so are the assignment package's order-page views (its ``views``,
added when that package is imported).
"""

from __future__ import annotations

from flask import Blueprint

from app.notifications.views import add_rules as add_notification_rules
from app.orders.labels import template_helpers

# The package's templates (app/orders/templates), one folder up from this one.
bp = Blueprint("orders", __name__, url_prefix="/orders", template_folder="../templates")
bp.context_processor(template_helpers)
add_notification_rules(bp)

from app.orders.views import form, lists, page  # noqa: E402,F401  (their routes, on bp)
