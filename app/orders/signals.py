"""Events of the orders package that higher packages react to (DESIGN §7: a lower package
never imports a higher one). Receivers run in the sender's transaction: whatever they change
commits, or rolls back, with the change that sent the signal."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# The outbox message an approval queues, in its transaction: the assignment package
# registers its handler (its ``register(app)``) and dispatches the order.
DISPATCH = "order.dispatch"

# Sent once staff cancelled an order (flushed, not committed, the order row locked), with
# ``order`` and ``reason``: nothing may still offer it to a vendor.
order_cancelled = _signals.signal("order-cancelled")
