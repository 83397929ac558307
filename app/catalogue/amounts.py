"""Amounts and VAT rates as people type them (forms, CSV), to and from integer units.

Money is integer cents and VAT integer basis points everywhere else; these helpers are the
only place text becomes a number, so a form and the CSV import accept the same inputs.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

from app.common.money import parse_eur


def parse_amount(text: str) -> int:
    """Euros typed by a person (``1 234,50``, ``1234.5``, ``€ 12``) as cents.

    Raises ``ValueError`` for anything else (``parse_eur`` lets ``decimal`` errors through),
    including exponents such as ``1e5``, which nobody means as an amount.
    """
    if any(ch in "eE" for ch in text.replace("EUR", "")):
        raise ValueError(text)
    compact = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text)
    # "1.250" is 1250 in Dutch and 1.25 to parse_eur: refuse rather than guess.
    if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", compact):
        raise ValueError(text)
    for separator in ".,":
        # "9.000.000" or "9,000,000": several of one separator can only group thousands
        # (parse_eur refuses them).
        if re.fullmatch(rf"[1-9]\d{{0,2}}(\{separator}\d{{3}}){{2,}}", compact):
            text = compact.replace(separator, "")
    try:
        return parse_eur(text)
    except (InvalidOperation, ArithmeticError) as exc:
        raise ValueError(text) from exc


def parse_percent(text: str) -> int:
    """A VAT rate in percent (``21``, ``6 %``, ``12,5``) as basis points (2100, 600, 1250).

    Raises ``ValueError`` for anything else, including negatives and hundredths of a point.
    """
    cleaned = text.strip().replace("%", "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,5}(\.[0-9]{1,20})?", cleaned):  # ASCII digits, no sign
        raise ValueError(text)
    try:
        value = Decimal(cleaned) * 100
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def plain_amount(cents: int) -> str:
    """Cents as ``1234.50``: the CSV format, independent of the reader's language."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def plain_percent(vat_rate_bp: int) -> str:
    """Basis points as ``21`` or ``12.5``: the CSV format."""
    return f"{(Decimal(vat_rate_bp) / 100).normalize():f}"


def typed_amount(cents: int, locale: str) -> str:
    """Cents as a person of ``locale`` types euros, for a form's initial value (no symbol)."""
    return format_decimal(Decimal(cents) / 100, format="#,##0.00", locale=f"{locale}_BE")


def typed_percent(vat_rate_bp: int, locale: str) -> str:
    return format_decimal(Decimal(vat_rate_bp) / 100, format="#,##0.##", locale=f"{locale}_BE")
