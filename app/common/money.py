"""Money is integer cents; VAT rates are integer basis points (2100 = 21 %)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_percent


def vat_cents(amount_cents: int, vat_rate_bp: int) -> int:
    """VAT on an amount, rounded half up to the cent."""
    value = Decimal(amount_cents) * Decimal(vat_rate_bp) / Decimal(10000)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def incl_vat_cents(amount_cents: int, vat_rate_bp: int) -> int:
    return amount_cents + vat_cents(amount_cents, vat_rate_bp)


@lru_cache(maxsize=8192)
def format_eur(cents: int, locale: str) -> str:
    """``12 500,50 €`` in French, ``€ 12.500,50`` in Dutch. Remembered: a page shows the same
    prices on many rows, and Babel takes about 0.1 ms for each."""
    return format_currency(Decimal(cents) / 100, "EUR", locale=_locale(locale))


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    return Locale.parse(f"{language}_BE")


def format_vat_rate(vat_rate_bp: int, locale: str) -> str:
    return format_percent(Decimal(vat_rate_bp) / 10000, locale=f"{locale}_BE",
                          format="#,##0.##%")


def parse_eur(text: str) -> int:
    """A euro amount typed by a person (``1 234,50``, ``1234.5``, ``€ 12``) as cents.

    Raises ``ValueError`` for anything else, including fractions of a cent and negatives.
    """
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace("\u00a0", "")
    cleaned = cleaned.replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        # The last separator is the decimal one: "1.234,50" or "1,234.50".
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    # ASCII digits only (Decimal() also reads "٣٣"); at most 13 of them before the point, so
    # the cents fit any amount column.
    if not re.fullmatch(r"[0-9]{1,13}(\.[0-9]{1,20})?", cleaned):
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
        cents = value * 100
        if not cents.is_finite() or cents != cents.to_integral_value():
            raise ValueError(text)
        return int(cents)
    except ArithmeticError as exc:  # decimal.InvalidOperation for "abc"
        raise ValueError(text) from exc
