"""A vendor attempt's moves (DESIGN §4), in the style of ``app.orders.workflow``: one table
of the states each move starts from and the state it ends in, one function that makes a
move.

``move`` is a conditional ``UPDATE … WHERE state IN (:sources)``: it returns False when the
attempt was no longer in one of them (a duplicate message, two sweepers, a vendor answering
as its offer expires), so exactly one of two racing moves wins. The order row is locked by
the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from app.assignment.models import OPEN_ATTEMPT_STATES, AttemptState, VendorAttempt
from app.extensions import db

A = AttemptState


@dataclass(frozen=True)
class Move:
    sources: tuple[AttemptState, ...]
    target: AttemptState


MOVES: dict[str, Move] = {
    "accept": Move((A.OFFERED,), A.ACCEPTED),
    "quote": Move((A.INVITED,), A.QUOTED),
    # Declining, a conflict of interest included, closes an offer or an invitation.
    "decline": Move(OPEN_ATTEMPT_STATES, A.DECLINED),
    "expire": Move(OPEN_ATTEMPT_STATES, A.EXPIRED),
    # The order was cancelled, or the vendor may no longer take it.
    "withdraw": Move(OPEN_ATTEMPT_STATES, A.WITHDRAWN),
    "award": Move((A.QUOTED,), A.AWARDED),
    "not_award": Move((A.QUOTED,), A.NOT_AWARDED),
}


def move(attempt_id: int, name: str, **values: Any) -> bool:
    """Make move ``name`` on the attempt, setting ``values`` too; True only if the attempt
    was still in one of the move's sources."""
    step = MOVES[name]
    result = db.session.execute(
        update(VendorAttempt)
        .where(VendorAttempt.id == attempt_id, VendorAttempt.state.in_(step.sources))
        .values(state=step.target, **values)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
