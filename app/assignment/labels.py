"""The assignment's words: the states and kinds of a vendor attempt, and a file's size."""

from __future__ import annotations

from typing import Protocol

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.assignment.models import AttemptState
from app.common.labels import Labels

# The state of a vendor attempt (offer or invitation), in words.
ATTEMPT_STATES = Labels({
    "offered": _l("Waiting for an answer"),
    "invited": _l("Waiting for a quote"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired: no answer before the deadline"),
    "withdrawn": _l("Withdrawn"),
    "quoted": _l("Quote sent"),
    "awarded": _l("Quote selected"),
    "not_awarded": _l("Quote not selected"),
})

ATTEMPT_KINDS = Labels({
    "offer": _l("Offer (cascade)"),
    "invitation": _l("Invitation to quote (mini-competition)"),
})


class _StatedAttempt(Protocol):
    @property
    def state(self) -> object: ...

    @property
    def conflict_of_interest(self) -> bool | None: ...


def attempt_state_label(attempt: _StatedAttempt) -> str:
    """An attempt's state in words (a portal's own attempt or a row of the timeline)."""
    state = str(attempt.state)
    if state == AttemptState.DECLINED and attempt.conflict_of_interest:
        return _("Declined: conflict of interest")
    return ATTEMPT_STATES.word(state)


def file_size(size_bytes: int) -> str:
    """A file's size as people read it: "245 kB", "1.2 MB", in the reader's language."""
    if size_bytes < 1024 * 1024:
        return _("%(size)s kB", size=format_decimal(max(1, round(size_bytes / 1024)), "#,##0"))
    return _("%(size)s MB", size=format_decimal(size_bytes / (1024 * 1024), "#,##0.0"))
