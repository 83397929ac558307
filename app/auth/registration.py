"""A public body asks to join, without the answer telling who is registered already.

The page answers the same in every case ("check your e-mail") and the e-mail, which only the
owner of the address reads, says what happened. Every path hashes the password and queues
e-mail, so the response time does not tell either. Field errors (a malformed address, a short
password) are still shown on the form: they say nothing about anyone else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth import passwords, services
from app.auth.models import (
    AdhesionStatus,
    Language,
    Organisation,
    OrganisationType,
    Role,
    User,
)
from app.common import enterprise_number
from app.common.errors import ValidationFailed
from app.common.mail import queue_email
from app.common.single_line import single_line_problem
from app.extensions import db


@dataclass
class Registration:
    organisation_name: str
    organisation_type: str
    enterprise_number: str
    address: str
    full_name: str
    email: str
    password: str
    language: str


class RegistrationOutcome(enum.StrEnum):
    CREATED = "created"
    EMAIL_TAKEN = "email_taken"
    ORGANISATION_TAKEN = "organisation_taken"


def _field_errors(data: Registration) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in ("organisation_name", "full_name", "address", "enterprise_number"):
        problem = single_line_problem(getattr(data, field))
        if problem:
            errors[field] = [problem]
    number_problem = enterprise_number.problem(data.enterprise_number)
    if number_problem and "enterprise_number" not in errors:
        errors["enterprise_number"] = [number_problem]
    if not data.organisation_name.strip() and "organisation_name" not in errors:
        errors["organisation_name"] = [str(_l("This field is required."))]
    if data.organisation_type not in {t.value for t in OrganisationType}:
        errors["organisation_type"] = [str(_l("Choose a type of organisation."))]
    if data.language not in {lang.value for lang in Language}:
        errors["language"] = [str(_l("Choose a language."))]
    if not services.valid_email_syntax(data.email):
        errors["email"] = [str(_l("Enter a valid e-mail address."))]
    problems = passwords.password_problems(data.password)
    if problems:
        errors["password"] = problems
    return errors


def _organisation_named(name: str) -> Organisation | None:
    return db.session.execute(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    ).scalar_one_or_none()


def register_organisation(data: Registration) -> RegistrationOutcome:
    """Create a pending organisation and its first buyer, or tell by e-mail why not.

    Raises ``ValidationFailed`` for malformed fields only; never for an address or an
    organisation that exists (the caller answers the same in every other case).
    """
    errors = _field_errors(data)
    if errors:
        raise ValidationFailed(errors)
    email = services.normalise_email(data.email)
    name = data.organisation_name.strip()
    password_hash = passwords.hash_password(data.password)  # on every path: same timing

    if services.user_by_email(email) is None and _organisation_named(name) is None:
        organisation = Organisation(
            name=name, type=OrganisationType(data.organisation_type),
            enterprise_number=enterprise_number.normalise_optional(data.enterprise_number),
            address=data.address.strip(), status=AdhesionStatus.PENDING)
        user = User(email=email, full_name=data.full_name.strip(), role=Role.BUYER,
                    organisation=organisation, language=Language(data.language),
                    password_hash=password_hash)
        try:
            # A savepoint: a concurrent registration of the same address or name that
            # commits first makes this flush fail; the transaction goes on without the rows.
            with db.session.begin_nested():
                db.session.add_all([organisation, user])
                db.session.flush()
        except IntegrityError:
            pass
        else:
            _tell_created(organisation, user)
            return RegistrationOutcome.CREATED

    existing = services.user_by_email(email)
    if existing is not None:
        queue_email(to=existing.email, language=existing.language.value,
                    template="registration_email_taken", user=existing)
        return RegistrationOutcome.EMAIL_TAKEN
    organisation_found = _organisation_named(name)
    if organisation_found is None:  # neither exists: the IntegrityError was something else
        raise RuntimeError("registration failed on a constraint other than e-mail or name")
    _tell_organisation_taken(organisation_found, data, email)
    return RegistrationOutcome.ORGANISATION_TAKEN


def _tell_created(organisation: Organisation, user: User) -> None:
    queue_email(to=user.email, language=user.language.value, template="registration_received",
                organisation=organisation, user=user)
    for staff in services.staff_recipients():
        queue_email(to=staff.email, language=staff.language.value,
                    template="adhesion_requested", organisation=organisation, requester=user)


def _tell_organisation_taken(organisation: Organisation, data: Registration,
                             email: str) -> None:
    """The registrant learns (by e-mail, at their own address) that the organisation is
    registered and that its account comes from the service; the service is told who asks.

    The existing members are never named: an address is enough to register, so naming them
    would hand anyone the e-mail addresses of the body's staff."""
    queue_email(to=email, language=data.language, template="registration_organisation_taken",
                organisation_name=organisation.name, full_name=data.full_name.strip())
    for staff in services.staff_recipients():
        queue_email(to=staff.email, language=staff.language.value,
                    template="account_requested", organisation=organisation,
                    full_name=data.full_name.strip(), email=email)
