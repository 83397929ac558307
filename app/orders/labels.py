"""The orders' words: statuses, sort orders, levels of citizen involvement, and the helpers
the order templates call (the vendor portal shows orders with the same ones)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.catalogue.labels import UNITS
from app.catalogue.models import Lot
from app.common import money
from app.common.communes import REGION_WIDE, commune_name
from app.common.i18n import reader_language
from app.common.labels import Labels

STATUSES = Labels({
    "draft": _l("Draft"),
    "submitted": _l("Waiting for approval"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "awaiting_vendor": _l("Waiting for a vendor"),
    "assigned": _l("Assigned to a vendor"),
    "escalated": _l("No vendor found: followed up by staff"),
    "delivered": _l("Delivered"),
    "completed": _l("Completed"),
    "closed": _l("Closed"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
})

SORTS = Labels({
    "oldest": _l("Oldest submission first"),
    "newest": _l("Newest first"),
    "amount_desc": _l("Highest amount first"),
    "amount_asc": _l("Lowest amount first"),
})


def participation_levels() -> list[tuple[str, Any, Any]]:
    """``(value, name, plain-words explanation)`` for each level of citizen involvement."""
    return [
        ("inform", _l("Inform"),
         _l("You tell people about decisions and how they were made.")),
        ("consult", _l("Consult"),
         _l("You ask people their opinion; you take the decision.")),
        ("involve", _l("Involve"),
         _l("People take part throughout the project and their input shapes the options.")),
        ("collaborate", _l("Collaborate"),
         _l("You decide together with the people, as partners.")),
        ("empower", _l("Empower"),
         _l("People decide; you carry out what they decide.")),
    ]


def commune_label(code: str) -> str:
    if code == REGION_WIDE[0]:
        return _("The whole Region")
    return commune_name(code, reader_language())


def template_helpers() -> dict[str, Any]:
    """What the templates showing an order call, in the reader's language."""
    language = reader_language()
    levels = {value: (name, explanation) for value, name, explanation in participation_levels()}

    def lot_label(lot: Lot) -> str:
        return _("Lot %(number)s: %(title)s", number=lot.number, title=lot.title(language))

    def long_date(day: date | None) -> str:
        return str(format_date(day, "long")) if day else ""

    return {
        "lang": language,
        "eur": lambda cents: money.format_eur(cents, language),
        "vat_rate": lambda bp_: money.format_vat_rate(bp_, language),
        "status_label": STATUSES.word,
        "unit_label": UNITS.word,
        "level_label": lambda value: str(levels[str(value)][0]) if str(value) in levels else "",
        "level_explanation": lambda value: str(levels[value][1]) if value in levels else "",
        "lot_label": lot_label,
        "commune_label": commune_label,
        "long_date": long_date,
    }
