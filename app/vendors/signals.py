"""Events of the vendors package that higher packages react to (DESIGN §7: a lower package
never imports a higher one). Receivers run in the sender's transaction: whatever they change
commits, or rolls back, with the change that sent the signal."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent once a vendor company is deactivated (flushed, not committed), with
# ``vendor_id`` and ``actor``: nothing may still offer it an order.
vendor_deactivated = _signals.signal("vendor-deactivated")
