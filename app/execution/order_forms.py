"""The order form's life (DESIGN §9): frozen when the order becomes ``assigned``, rendered
and stored by the worker, attached to the assignment e-mails, downloaded by the buyer, the
assigned vendor and staff.

- :func:`freeze` runs in the assignment's transaction (the orders' ``order_assigned`` hook):
  it keeps the form's data as JSON and queues ``order_form.issue`` in the outbox.
- :func:`issue` (that message's handler, idempotent) renders the PDF in French, Dutch and
  English, stores each with its sha256 and writes the digests in the audit trail, once.
- The e-mail attachment ``order_form`` (registered with :mod:`app.common.mail`) is the stored
  PDF in the recipient's language, issued first if the worker has not done it yet.
- :func:`pdf_for` answers a download: the stored PDF, or (before the worker has issued it)
  the same bytes rendered from the frozen data — a GET never writes.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.common import outbox
from app.common.errors import NotFound
from app.common.i18n import LANGUAGE_NAMES
from app.common.time import utcnow
from app.execution import order_form
from app.execution.models import OrderForm, OrderFormFile
from app.execution.order_form import Approval, FormLine, OrderFormData, Party
from app.extensions import db
from app.orders import audit
from app.orders import services as orders
from app.orders.models import Order

ISSUE = "order_form.issue"
ATTACHMENT = "order_form"


def _titles(row: Any) -> dict[str, str]:
    return {lang: getattr(row, f"title_{lang}", "") or "" for lang in LANGUAGE_NAMES}


def _buyer(order: Order) -> Party:
    organisation = order.organisation
    requester = db.session.get(User, order.created_by_id)
    # The invoicing address when the organisation has one; the invoicing contact, else the
    # person who made the order. Copied now: the form keeps them as they are at assignment.
    address = organisation.invoicing_address or organisation.address
    name = organisation.invoicing_contact_name or (requester.display_name if requester else "")
    email = organisation.invoicing_contact_email or (requester.email if requester else "")
    return Party(name=organisation.name, enterprise_number=organisation.enterprise_number,
                 address=address or None, contact_name=name or None,
                 contact_email=email or None)


def build(order: Order) -> OrderFormData:
    """The form's data from the order as it is now (the caller holds the order locked)."""
    assert order.vendor is not None
    framework = order.lot.framework
    approvals = sorted((a for a in order.approvals if a.round == order.submission_round),
                       key=lambda a: a.at)
    return OrderFormData(
        reference=order.reference, issued_at=utcnow(),
        framework_reference=framework.reference, framework_title=_titles(framework),
        lot_number=order.lot.number, lot_title=_titles(order.lot),
        buyer=_buyer(order),
        vendor=Party(name=order.vendor.name, enterprise_number=order.vendor.enterprise_number,
                     contact_email=order.vendor.contact_email or None),
        title=order.title, planned_start=order.planned_start, planned_end=order.planned_end,
        lines=tuple(FormLine(code=line.item.code, title=_titles(line.item),
                             unit=line.item.unit.value, quantity=line.quantity,
                             unit_price_cents=line.unit_price_cents,
                             vat_rate_bp=line.vat_rate_bp,
                             line_excl_vat_cents=line.line_excl_vat_cents,
                             line_vat_cents=line.line_vat_cents) for line in order.lines),
        total_excl_vat_cents=order.total_excl_vat_cents,
        total_vat_cents=order.total_vat_cents, total_incl_vat_cents=order.total_incl_vat_cents,
        payment_term_days=order_form.configured_payment_term_days(),
        approvals=tuple(Approval(name=a.staff.display_name, at=a.at) for a in approvals))


# --- JSON, both ways ------------------------------------------------------------------------

def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return value


def to_json(data: OrderFormData) -> dict[str, Any]:
    return dict(_json(asdict(data)))


def from_json(raw: dict[str, Any]) -> OrderFormData:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return OrderFormData(**{
        **raw, "issued_at": datetime.fromisoformat(raw["issued_at"]),
        "buyer": Party(**raw["buyer"]), "vendor": Party(**raw["vendor"]),
        "planned_start": day(raw["planned_start"]), "planned_end": day(raw["planned_end"]),
        "lines": tuple(FormLine(**line) for line in raw["lines"]),
        "approvals": tuple(Approval(name=a["name"], at=datetime.fromisoformat(a["at"]))
                           for a in raw["approvals"])})


# --- Freezing, issuing ----------------------------------------------------------------------

def freeze(order: Order) -> list[dict[str, Any]]:
    """At assignment (the orders' ``order_assigned`` hook): keep the form's data and have the
    worker render it. Answers the attachment the assignment e-mails carry. A second
    assignment of the same order (none today) keeps the first form."""
    found = db.session.execute(select(OrderForm).where(OrderForm.order_id == order.id)
                               ).scalar_one_or_none()
    if found is None:
        db.session.add(OrderForm(order_id=order.id, data=to_json(build(order))))
        db.session.flush()
        outbox.queue(ISSUE, {"order_id": order.id})
    return [{"kind": ATTACHMENT, "order_id": order.id}]


def issue(order_id: int) -> OrderForm | None:
    """Render and store the missing languages, then record the digests once. Idempotent:
    the order's row is locked, so two workers cannot both record it. None when the order
    has no form."""
    order = db.session.execute(select(Order).where(Order.id == order_id).with_for_update()
                               ).scalar_one_or_none()
    form = db.session.execute(select(OrderForm).where(OrderForm.order_id == order_id)
                              ).scalar_one_or_none()
    if order is None or form is None:
        return None
    if form.issued_at is not None:
        return form
    have = {file.language for file in form.files}
    data = from_json(form.data)
    for language in LANGUAGE_NAMES:
        if language not in have:
            pdf = order_form.render_pdf(data, language)
            db.session.add(OrderFormFile(form=form, language=language, pdf=pdf,
                                         sha256=order_form.sha256_of(pdf)))
    db.session.flush()
    db.session.refresh(form)
    form.issued_at = utcnow()
    audit.append(order, actor=None, action="order_form_issued", from_state=None,
                 to_state=None, payload={"sha256": {f.language: f.sha256 for f in form.files}})
    return form


def issue_message(payload: dict[str, Any]) -> None:
    issue(int(payload["order_id"]))


# --- Reading --------------------------------------------------------------------------------

def _form_of(order: Order) -> OrderForm:
    form = db.session.execute(select(OrderForm).where(OrderForm.order_id == order.id)
                              ).scalar_one_or_none()
    if form is None:
        raise NotFound()
    return form


def stored_pdf(form: OrderForm, language: str) -> bytes:
    """The stored PDF in ``language``, else the same bytes rendered from the frozen data."""
    stored = db.session.execute(
        select(OrderFormFile.pdf).where(OrderFormFile.order_form_id == form.id,
                                        OrderFormFile.language == language)).scalar_one_or_none()
    return stored if stored is not None else order_form.render_pdf(from_json(form.data),
                                                                   language)


def pdf_for(actor: User, order_id: int, language: str) -> tuple[OrderFormData, bytes]:
    """The order form for the order's buyer organisation, its assigned vendor and staff
    (404 for anyone else, and before assignment)."""
    order = orders.get_order(actor, order_id)
    form = _form_of(order)
    return from_json(form.data), stored_pdf(form, language)


def frozen_data(actor: User, order_id: int) -> OrderFormData:
    return from_json(_form_of(orders.get_order(actor, order_id)).data)


def has_form(order: Order) -> bool:
    return db.session.execute(select(OrderForm.id).where(OrderForm.order_id == order.id)
                              ).first() is not None


def attachment(reference: dict[str, Any], language: str) -> tuple[str, str, bytes]:
    """The e-mail attachment: the order form in the recipient's language."""
    order_id = int(reference["order_id"])
    form = issue(order_id)
    if form is None:
        raise LookupError(f"order {order_id} has no order form")
    data = from_json(form.data)
    return (f"{data.reference}-{language}.pdf", "application/pdf",
            stored_pdf(form, language))


def language_arg(value: str | None) -> str:
    """The ``lang`` query argument: fr, nl or en; the reader's language when absent."""
    from flask_babel import lazy_gettext as _l

    from app.common.errors import ValidationFailed
    from app.common.i18n import reader_language

    if value is None or value == "":
        return reader_language()
    if value not in LANGUAGE_NAMES:
        raise ValidationFailed({"lang": [str(_l("Choose fr, nl or en."))]})
    return value


def ubl_for(actor: User, order_id: int, language: str) -> tuple[OrderFormData, bytes]:
    """The order as a Peppol BIS Ordering 3 UBL Order (``order_only``), from the same frozen
    data; 409 when the form lacks what Peppol requires (a valid enterprise number on each
    side)."""
    from flask_babel import lazy_gettext as _l

    from app.common.errors import Conflict
    from app.execution.ubl_order import UblOrderError, enterprise_digits, render_ubl_order

    data = frozen_data(actor, order_id)
    for party, missing in ((data.buyer, _l("the buyer has no valid Belgian enterprise "
                                           "number")),
                           (data.vendor, _l("the vendor has no valid Belgian enterprise "
                                            "number"))):
        if enterprise_digits(party.enterprise_number) is None:
            raise Conflict(str(_l("This order cannot be sent as a Peppol order: %(problem)s.",
                                  problem=missing)))
    try:
        return data, render_ubl_order(data, language=language)
    except UblOrderError as exc:  # checked above; kept for any later rule
        raise Conflict(str(exc)) from exc
