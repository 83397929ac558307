"""Belgian enterprise numbers (*numéro d'entreprise* / *ondernemingsnummer*, BCE/KBO).

Checked with ``python-stdnum``'s Belgian module: ten digits starting with 0 or 1 (an old
nine-digit number gets its leading 0), the last two being 97 minus the first eight modulo 97.
People type it as ``0207.373.429``, ``0207 373 429`` or ``BE0207373429``; it is stored and
shown in the dotted form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from stdnum.be import vat
from stdnum.exceptions import InvalidChecksum, ValidationError

EXAMPLE = "0207.373.429"


def digits(value: str | None) -> str | None:
    """The number's ten digits, or None when it is missing or is not a valid number."""
    if not value or not value.strip():
        return None
    try:
        return str(vat.validate(value))
    except ValidationError:
        return None


def dotted(ten_digits: str) -> str:
    return f"{ten_digits[:4]}.{ten_digits[4:7]}.{ten_digits[7:]}"


def problem(value: str | None) -> str | None:
    """What is wrong with a number someone typed, naming the field in the reader's language;
    None when it is valid or left empty (the number is optional)."""
    if not value or not value.strip():
        return None
    try:
        vat.validate(value)
    except InvalidChecksum:
        return str(_l("The enterprise number is not valid: its last two digits do not match "
                      "the others. Check the number."))
    except ValidationError:
        return str(_l("The enterprise number must have ten digits starting with 0 or 1, for "
                      "example %(example)s.", example=EXAMPLE))
    return None


def normalise(value: str) -> str:
    """The dotted form (``0207.373.429``) of a valid number; ValueError otherwise."""
    found = digits(value)
    if found is None:
        raise ValueError(f"not a valid Belgian enterprise number: {value!r}")
    return dotted(found)


def normalise_optional(value: str | None) -> str | None:
    """The dotted form, or None for an empty value; ValueError for an invalid one."""
    if not value or not value.strip():
        return None
    return normalise(value)
