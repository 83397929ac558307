"""The invoice pages: the vendor registers (or corrects) an invoice, typed or as a UBL file;
the buyer — or staff for the buyer — accepts, disputes, rejects or records the payment; staff
close the order; everyone sees the invoices waiting for them and the overdue ones.

Views are thin: they read the form, call the services (404 for what is not the reader's, 409
for a move not possible now, per-field errors otherwise), commit, and redirect. Every change
is a POST behind a page that shows what will happen.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalogue.amounts import parse_amount, typed_amount
from app.common.downloads import private_attachment
from app.common.errors import ValidationFailed
from app.common.i18n import reader_language
from app.common.money import format_eur
from app.common.pagination import page_arg
from app.common.web import ViewResult, apply_errors
from app.extensions import db
from app.invoicing import closure, reads, services
from app.invoicing.forms import InvoiceForm, InvoiceReasonForm, PaidForm
from app.invoicing.labels import INVOICE_STATES, MOVE_URLS, MOVE_WORDS
from app.invoicing.models import Invoice, InvoiceSource
from app.orders import services as orders
from app.orders.forms import ConfirmForm
from app.orders.labels import STATUSES
from app.orders.views.helpers import check_form

bp = Blueprint("invoicing", __name__, template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    language = reader_language()
    return {"eur": lambda cents: format_eur(cents, language) if cents is not None else "—",
            "invoice_state": INVOICE_STATES.word, "is_overdue": reads.is_overdue,
            "moves_of": lambda invoice: reads.moves_for(current_user, invoice),
            "move_button": MOVE_WORDS.button, "move_urls": MOVE_URLS,
            "status_word": STATUSES.word}


def _amount(errors: dict[str, list[str]], field: str, text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        errors[field] = [_("Enter an amount in euros, for example 1 250,00.")]
        return None


def _typed(form: InvoiceForm) -> services.InvoiceInput:
    upload = request.files.get("ubl")
    if upload is not None and upload.filename:
        return services.from_ubl(upload.read(services.ubl_max_bytes() + 1),
                                 upload.filename)
    errors: dict[str, list[str]] = {}
    for name in ("issue_date", "due_date"):
        if getattr(form, name).errors:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
    excl = _amount(errors, "amount_excl_vat_cents", form.amount_excl_vat.data)
    vat = _amount(errors, "vat_cents", form.vat.data)
    if errors:
        raise ValidationFailed(errors)
    return services.InvoiceInput(
        number=form.number.data or "", issue_date=form.issue_date.data,
        due_date=form.due_date.data, amount_excl_vat_cents=excl, vat_cents=vat,
        order_reference=form.order_reference.data or "", source=InvoiceSource.FORM)


# The service's field names on the form's fields (a UBL file's problems go to the file).
_FORM_FIELDS = {"amount_excl_vat_cents": "amount_excl_vat", "vat_cents": "vat"}


def _show_errors(form: InvoiceForm, errors: dict[str, list[str]]) -> None:
    on_form = {name for name in form._fields}
    mapped: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = _FORM_FIELDS.get(name, name)
        if target not in on_form:
            messages = [f"{name}: {m}" if name not in ("file", "xsd") else m
                        for m in messages]
            target = "ubl"
        mapped.setdefault(target, []).extend(messages)
    apply_errors(form, mapped)


def _invoice_page(form: InvoiceForm, order: Any, invoice: Invoice | None) -> ViewResult:
    return render_template("invoicing/register.html", form=form, order=order,
                           invoice=invoice,
                           left=services.invoiced_incl_vat(order, excluding=invoice))


@bp.route("/orders/<int:order_id>/invoices/new", methods=["GET", "POST"])
@login_required
def register(order_id: int) -> ViewResult:
    """The assigned vendor registers an invoice of a delivered order."""
    order = orders.get_order(current_user, order_id)
    if current_user.vendor_id is None or order.vendor_id != current_user.vendor_id:
        abort(404)
    form = InvoiceForm()
    if request.method == "GET":
        form.order_reference.data = order.reference
    else:
        check_form(ConfirmForm())
        form.validate()
        try:
            services.register(current_user, order_id, _typed(form))
        except ValidationFailed as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
            order = orders.get_order(current_user, order_id)
        else:
            db.session.commit()
            flash(_("The invoice is registered: the buyer is asked to handle it."), "success")
            return redirect(url_for("orders.show", order_id=order_id, _anchor="invoices-title"))
    return _invoice_page(form, order, None)


@bp.route("/invoices/<int:invoice_id>/correct", methods=["GET", "POST"])
@login_required
def correct(invoice_id: int) -> ViewResult:
    """The vendor corrects a disputed invoice."""
    invoice = reads.get_invoice(current_user, invoice_id)
    if "correct" not in reads.moves_for(current_user, invoice):
        abort(404 if current_user.vendor_id is None else 409)
    form = InvoiceForm()
    language = reader_language()
    if request.method == "GET":
        form.number.data = invoice.number
        form.issue_date.data = invoice.issue_date
        form.due_date.data = invoice.due_date
        form.amount_excl_vat.data = typed_amount(invoice.amount_excl_vat_cents, language)
        form.vat.data = typed_amount(invoice.vat_cents, language)
        form.order_reference.data = invoice.order_reference
    else:
        check_form(ConfirmForm())
        form.validate()
        try:
            services.correct(current_user, invoice_id, _typed(form))
        except ValidationFailed as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
            invoice = reads.get_invoice(current_user, invoice_id)
        else:
            db.session.commit()
            flash(_("The invoice is corrected: the buyer is asked to check it again."),
                  "success")
            return redirect(url_for("orders.show", order_id=invoice.order_id,
                                    _anchor="invoices-title"))
    return _invoice_page(form, invoice.order, invoice)


_MOVES = {"accept": "accept", "dispute": "dispute", "reject": "reject",
          "mark-paid": "mark_paid"}


@bp.route("/invoices/<int:invoice_id>/<any(accept, dispute, reject, 'mark-paid'):move>",
          methods=["GET", "POST"])
@login_required
def decide(invoice_id: int, move: str) -> ViewResult:
    """The buyer's (or staff's) answer to an invoice, asked first on its own page."""
    action = _MOVES[move]
    invoice = reads.get_invoice(current_user, invoice_id)
    if current_user.vendor_id is not None:
        abort(404)
    form: Any = (InvoiceReasonForm() if action in ("dispute", "reject")
                 else PaidForm() if action == "mark_paid" else ConfirmForm())
    if request.method == "POST":
        check_form(ConfirmForm())
        form.validate()
        try:
            if action == "accept":
                services.accept(current_user, invoice_id)
            elif action == "mark_paid":
                if form.paid_on.errors:
                    raise ValidationFailed({"paid_on": [_("Enter a date as YYYY-MM-DD.")]})
                services.mark_paid(current_user, invoice_id, form.paid_on.data)
            else:
                getattr(services, action)(current_user, invoice_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
            invoice = reads.get_invoice(current_user, invoice_id)
        else:
            db.session.commit()
            flash(str(MOVE_WORDS.done(action)), "success")
            return redirect(url_for("orders.show", order_id=invoice.order_id,
                                    _anchor="invoices-title"))
    elif action not in reads.moves_for(current_user, invoice):
        flash(_("This invoice is %(state)s: this action is not possible now.",
                state=INVOICE_STATES.word(invoice.state.value)), "error")
        return redirect(url_for("orders.show", order_id=invoice.order_id,
                                _anchor="invoices-title"))
    return render_template("invoicing/decide.html", invoice=invoice, order=invoice.order,
                           form=form, action=action, move=move)


@bp.route("/invoices/<int:invoice_id>/ubl")
@login_required
def ubl(invoice_id: int) -> ViewResult:
    """The UBL file as the vendor sent it."""
    invoice = reads.ubl_file(current_user, invoice_id)
    return private_attachment(invoice.ubl or b"", f"{invoice.number}.xml", "application/xml")


@bp.route("/orders/<int:order_id>/close", methods=["GET", "POST"])
@login_required
def close(order_id: int) -> ViewResult:
    """Staff close a completed order whose invoices are all paid or rejected."""
    if not current_user.is_staff:
        abort(403)
    order = orders.get_order(current_user, order_id)
    form = ConfirmForm()
    if request.method == "POST":
        check_form(form)
        closure.close_order(current_user, order_id)
        db.session.commit()
        flash(_("The order is closed: the rest of its commitment is released."), "success")
        return redirect(url_for("orders.show", order_id=order_id))
    invoices = reads.of_order(current_user, order)
    return render_template("invoicing/close.html", order=order, form=form,
                           money=reads.order_money(order, invoices),
                           waiting=closure.open_invoices(order))


@bp.route("/invoices")
@login_required
def to_handle() -> ViewResult:
    """The invoices waiting for the reader (``?overdue=1``: the overdue ones)."""
    overdue = request.args.get("overdue") == "1"
    found = reads.to_handle(current_user, page_arg(), overdue_only=overdue)
    if found.page > found.pages:
        args: dict[str, Any] = {"overdue": "1"} if overdue else {}
        return redirect(url_for("invoicing.to_handle", page=found.pages, **args))
    return render_template("invoicing/list.html", page=found, overdue=overdue,
                           overdue_count=reads.overdue_count(current_user))


@bp.route("/follow-up")
@login_required
def follow_up() -> ViewResult:
    """After assignment, what the reader has to do: deliver, invoice, confirm, pay, close."""
    from app.invoicing.follow_up import follow_up as reading

    return render_template("invoicing/follow_up.html", found=reading(current_user))
