"""The buyer organisation's invoicing details (DESIGN §9): its enterprise number, where its
invoices go and who handles them.

Any buyer of the organisation and staff may change them; anyone else sees a 404 for an
organisation that is not theirs (as :func:`app.auth.services.get_organisation`), and a caller
without an organisation of their own is refused (403). Nothing here blocks an order: the
order form takes the details as they are when the order is assigned (frozen there), and the
buyer's settings say what is still missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.auth import services
from app.auth.models import Organisation, Role, User
from app.common import enterprise_number
from app.common.errors import Forbidden, ValidationFailed
from app.common.single_line import text_problems

FIELDS = ("enterprise_number", "invoicing_address", "invoicing_contact_name",
          "invoicing_contact_email")
MAX_LENGTHS = {"enterprise_number": 30, "invoicing_address": 1000,
               "invoicing_contact_name": 200, "invoicing_contact_email": 254}


def own_organisation(actor: User) -> Organisation:
    """The acting buyer's organisation; 403 for anyone who has none (vendors, staff)."""
    if actor.role is not Role.BUYER or actor.organisation is None:
        raise Forbidden(str(_l("Only buyers of a public body have invoicing details.")))
    return actor.organisation


def organisation_for(actor: User, organisation_id: int) -> Organisation:
    """Staff: any organisation; a buyer: their own; otherwise (or missing) 404."""
    return services.get_organisation(actor, organisation_id)


def _errors(changes: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in changes.items():
        if name not in FIELDS:
            errors[name] = [str(_l("Unknown field."))]
        elif value is not None and not isinstance(value, str):
            errors[name] = [str(_l("Enter text."))]
    if errors:
        return errors
    text: dict[str, str] = {name: value or "" for name, value in changes.items()}
    for name, value in text.items():
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = [str(_l("Use at most %(n)s characters.", n=MAX_LENGTHS[name]))]
    number = enterprise_number.problem(text.get("enterprise_number"))
    if number:
        errors["enterprise_number"] = [number]
    email = text.get("invoicing_contact_email", "").strip()
    if email and not services.valid_email_syntax(email):
        errors["invoicing_contact_email"] = [str(_l("Enter a valid e-mail address."))]
    problems = text_problems(
        single={name: value for name, value in text.items() if name != "invoicing_address"},
        multi={name: value for name, value in text.items() if name == "invoicing_address"})
    return {**errors, **problems}


def _clean(name: str, value: str | None) -> str | None:
    if name == "enterprise_number":
        return enterprise_number.normalise_optional(value)
    if name == "invoicing_address":
        lines = [line.strip() for line in (value or "").splitlines()]
        return "\n".join(line for line in lines if line) or None
    if name == "invoicing_contact_email":
        return services.normalise_email(value or "") or None
    return (value or "").strip() or None


def update_invoicing_details(actor: User, organisation_id: int,
                             changes: Mapping[str, Any]) -> Organisation:
    """Change the fields given (an empty value clears one); all or nothing, 422 naming each
    refused field, and 422 when nothing is given."""
    organisation = organisation_for(actor, organisation_id)
    if not changes:
        raise ValidationFailed({"body": [str(_l("Send at least one field to change."))]})
    errors = _errors(changes)
    if errors:
        raise ValidationFailed(errors)
    for name, value in changes.items():
        setattr(organisation, name, _clean(name, value))
    return organisation


def missing_details(organisation: Organisation) -> list[str]:
    """What the organisation's order forms will lack, in the reader's language."""
    missing = []
    if enterprise_number.digits(organisation.enterprise_number) is None:
        missing.append(str(_l("a valid enterprise number")))
    if not organisation.invoicing_contact_name or not organisation.invoicing_contact_email:
        missing.append(str(_l("an invoicing contact (name and e-mail address)")))
    return missing
