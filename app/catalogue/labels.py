"""Words and formats for the public pages: units, award methods, languages, prices."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.common import money
from app.common.i18n import reader_language


def unit_labels() -> dict[str, Any]:
    return {
        "day": _l("Day"),
        "half_day": _l("Half-day"),
        "workshop": _l("Workshop"),
        "item": _l("Item"),
        "lump_sum": _l("Lump sum"),
    }


def award_method_labels() -> dict[str, Any]:
    return {
        "cascade": _l("Cascade (by rank)"),
        "mini_competition": _l("Mini-competition"),
    }


def award_method_explanations() -> dict[str, Any]:
    return {
        "cascade": _l("The assignment is offered to the vendors one by one, in the order of "
                      "their rank, until one accepts."),
        "mini_competition": _l("Every vendor of the lot is invited to quote; the lowest "
                               "compliant quote wins, and the rank breaks ties."),
    }


def language_labels() -> dict[str, Any]:
    return {"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English")}


def service_languages(codes: str) -> str:
    labels = language_labels()
    return ", ".join(str(labels[code]) for code in codes.split(",") if code in labels)


def template_helpers() -> dict[str, Any]:
    """Functions the catalogue and directory templates call, in the reader's language."""
    language = reader_language()
    units = unit_labels()
    methods = award_method_labels()

    def eur(cents: int) -> str:
        return money.format_eur(cents, language)

    def vat_rate(basis_points: int) -> str:
        return money.format_vat_rate(basis_points, language)

    def unit_label(unit: str) -> str:
        return str(units.get(str(unit), unit))

    def award_method(method: str) -> str:
        return str(methods.get(str(method), method))

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
        "award_explanation": lambda m: str(award_method_explanations().get(str(m), "")),
        "service_languages": service_languages,
        "long_date": long_date,
    }
