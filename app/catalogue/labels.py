"""The one wording of the catalogue's enumerations (units, award methods, framework and
membership statuses), used by its pages, forms and exports; and the helpers its public
templates call (languages, prices, dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.common import money
from app.common.i18n import LANGUAGE_LABELS, reader_language
from app.common.labels import Labels

UNITS = Labels({
    "day": _l("Day"),
    "half_day": _l("Half-day"),
    "workshop": _l("Workshop"),
    "item": _l("Item"),
    "lump_sum": _l("Lump sum"),
})

AWARD_METHODS = Labels({
    "cascade": _l("Cascade (by rank)"),
    "mini_competition": _l("Mini-competition"),
})

AWARD_METHOD_EXPLANATIONS = Labels({
    "cascade": _l("The assignment is offered to the vendors one by one, in the order of "
                  "their rank, until one accepts."),
    "mini_competition": _l("Every vendor of the lot is invited to quote; the lowest "
                           "compliant quote wins, and the rank breaks ties."),
})

FRAMEWORK_STATUSES = Labels({
    "draft": _l("Draft"),
    "active": _l("Active"),
    "expired": _l("Expired"),
})

MEMBERSHIP_STATUSES = Labels({
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "terminated": _l("Terminated"),
})


def _value(value: Any) -> Any:
    """An enum member's value (templates pass members or their values)."""
    return getattr(value, "value", value)


def service_languages(codes: str) -> str:
    return ", ".join(LANGUAGE_LABELS.word(code) for code in codes.split(",")
                     if code in LANGUAGE_LABELS)


def template_helpers() -> dict[str, Any]:
    """Functions the catalogue and directory templates call, in the reader's language."""
    language = reader_language()

    def eur(cents: int) -> str:
        return money.format_eur(cents, language)

    def vat_rate(basis_points: int) -> str:
        return money.format_vat_rate(basis_points, language)

    def unit_label(unit: Any) -> str:
        return UNITS.word(_value(unit))

    def award_method(method: Any) -> str:
        return AWARD_METHODS.word(_value(method))

    def long_date(day: date) -> str:
        return str(format_date(day, "long"))

    def localised(obj: Any, name: str) -> str:
        """``obj.<name>_<reader's language>``, or the French text when that one is empty."""
        return str(getattr(obj, f"{name}_{language}", "") or getattr(obj, f"{name}_fr", ""))

    return {
        "lang": language,
        "localised": localised,
        "eur": eur,
        "vat_rate": vat_rate,
        "unit_label": unit_label,
        "award_method": award_method,
        "award_explanation": lambda m: (AWARD_METHOD_EXPLANATIONS.word(_value(m))
                                        if str(_value(m)) in AWARD_METHOD_EXPLANATIONS else ""),
        "service_languages": service_languages,
        "long_date": long_date,
    }
