"""Events of the catalogue package that higher packages react to (DESIGN §7: a lower package
never imports a higher one). Receivers run in the sender's transaction: whatever they change
commits, or rolls back, with the change that sent the signal."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent once a lot membership leaves ``active`` (suspended or terminated; flushed, not
# committed), with ``lot_id``, ``vendor_id`` and ``actor``: the vendor may no longer be
# offered, nor take, an order of that lot.
membership_withdrawn = _signals.signal("membership-withdrawn")
