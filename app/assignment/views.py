"""The vendor portal: a vendor company's offers and invitations, its answers and its orders;
and the order page's assignment views (``orders.quote_document``, ``orders.redispatch``, on
the orders' blueprint, so their URLs and endpoint names are the order page's).

Portal pages are for vendor users only. Views are thin: they read the form, call the
assignment services (which check the attempt belongs to the user's company — 404 otherwise —
and that it is still open — 409 otherwise), commit, and redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.assignment import quote_documents
from app.assignment.attempt_reads import get_attempt, past_attempts, vendor_attempts
from app.assignment.forms import ACCEPT, CONFLICT, DECLINE, QUOTE, AnswerForm, answer_choices
from app.assignment.labels import ATTEMPT_KINDS, attempt_state_label, file_size
from app.assignment.models import OPEN_ATTEMPT_STATES, AttemptKind, VendorAttempt
from app.assignment.services import answers, dispatch
from app.auth.models import Role
from app.common import money
from app.common.downloads import private_attachment
from app.common.errors import Forbidden, ValidationFailed
from app.common.i18n import reader_language
from app.common.pagination import page_arg
from app.common.time import utcnow
from app.common.web import ViewResult, apply_errors
from app.extensions import db, login_manager
from app.orders import services
from app.orders.forms import ConfirmForm
from app.orders.labels import template_helpers
from app.orders.models import OrderStatus
from app.orders.views import bp as orders_bp
from app.orders.views.helpers import check_form, require_move

bp = Blueprint("vendor_portal", __name__, url_prefix="/vendor", template_folder="templates")

@bp.before_request
def _vendors_only() -> ViewResult | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role is not Role.VENDOR or current_user.vendor_id is None:
        raise Forbidden()
    return None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    helpers = template_helpers()  # the orders' words: the portal shows orders too
    helpers.update({
        "kind_label": ATTEMPT_KINDS.word,
        "attempt_state": attempt_state_label,
        "file_size": file_size,
        "is_open": lambda attempt: attempt.state in OPEN_ATTEMPT_STATES,
        "is_past": lambda attempt: attempt.expires_at <= utcnow(),
    })
    return helpers


@bp.route("/")
@login_required
def index() -> ViewResult:
    page, past_page = page_arg(), page_arg({"page": request.args.get("past", "1")})
    orders = services.list_orders(current_user, services.OrderFilters(sort="newest"), page)
    past = past_attempts(current_user, past_page)
    if page > orders.pages or past_page > past.pages:
        return redirect(url_for("vendor_portal.index", page=min(page, orders.pages),
                                past=min(past_page, past.pages)))
    return render_template(
        "vendor/inbox.html", open_attempts=vendor_attempts(current_user, open_only=True),
        past_attempts=past, orders=orders)


def _render_attempt(attempt: VendorAttempt, form: AnswerForm | None = None) -> ViewResult:
    form = form or AnswerForm(formdata=None)
    form.answer.choices = answer_choices(attempt.kind)
    form.document.description = _("PDF, at most %(size)s MB.",
                                  size=quote_documents.max_megabytes())
    form.price.description = _(
        "The price for the whole order, in euros, for example 1 250,50: at most the order's "
        "total excl. VAT, %(total)s.",
        total=money.format_eur(attempt.order.total_excl_vat_cents,
                               reader_language()))
    return render_template(
        "vendor/attempt.html", attempt=attempt, order=attempt.order, form=form,
        document=quote_documents.documents_for([attempt.id]).get(attempt.id))


@bp.route("/offers/<int:attempt_id>")
@login_required
def show(attempt_id: int) -> ViewResult:
    return _render_attempt(get_attempt(current_user, attempt_id))


@bp.route("/offers/<int:attempt_id>/answer", methods=["POST"])
@login_required
def answer(attempt_id: int) -> ViewResult:
    """The one form of the offer page: its chosen answer goes to the matching service."""
    attempt = get_attempt(current_user, attempt_id)
    form = AnswerForm()
    form.validate()
    if "csrf_token" in form.errors:
        return _render_attempt(attempt, form)
    choice = (form.answer.data or "").strip()
    if choice not in {c.value for c in answer_choices(attempt.kind)}:
        form.answer.errors = [_("Choose one of the three answers.")]
        return _render_attempt(attempt, form)
    try:
        message = _perform(attempt, choice, form)
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc.errors, names={"price_cents": "price"}, fallback="answer")
        return _render_attempt(get_attempt(current_user, attempt_id), form)
    if message is None:  # the price could not be read
        return _render_attempt(attempt, form)
    db.session.commit()
    flash(message, "success")
    if choice in (ACCEPT, QUOTE):
        return redirect(url_for("vendor_portal.show", attempt_id=attempt_id))
    return redirect(url_for("vendor_portal.index"))


def _perform(attempt: VendorAttempt, choice: str, form: AnswerForm) -> str | None:
    """Call the service for ``choice``; the confirmation to show, or None (price unread)."""
    offer = attempt.kind is AttemptKind.OFFER
    if choice == DECLINE:
        answers.decline(current_user, attempt.id, form.reason.data or "")
        return (_("You declined the offer: it goes to the next vendor.") if offer
                else _("You declined: the participation service is told."))
    if choice == CONFLICT:
        if offer:
            answers.accept(current_user, attempt.id, conflict_of_interest=True)
            return _("Your conflict of interest is recorded: the offer counts as declined "
                     "and goes to the next vendor.")
        answers.quote(current_user, attempt.id, 0, "", conflict_of_interest=True)
        return _("Your conflict of interest is recorded: the invitation counts as declined.")
    if choice == ACCEPT:
        order = answers.accept(current_user, attempt.id, conflict_of_interest=False)
        return _("You accepted the offer: the order %(reference)s is assigned to your "
                 "company.", reference=order.reference)
    try:
        price_cents = money.parse_eur(form.price.data or "")
    except ValueError:
        form.price.errors = [_("Enter a price in euros, for example 1 250,50.")]
        return None
    answers.quote(current_user, attempt.id, price_cents, form.note.data or "",
                     quote_documents.from_file(form.document.data),
                     conflict_of_interest=False)
    return _("Your quote is sent. You will be told the result once the competition closes.")


@bp.route("/offers/<int:attempt_id>/quote.pdf")
@login_required
def quote_document(attempt_id: int) -> ViewResult:
    """The PDF the user's company sent with its quote."""
    document = quote_documents.for_vendor(current_user, attempt_id)
    return private_attachment(document.content, document.filename, "application/pdf")


# --- The order page's assignment views (on the orders' blueprint) -------------------------

@orders_bp.route("/<int:order_id>/attempts/<int:attempt_id>/quote.pdf",
                 endpoint="quote_document")
@login_required
def order_quote_document(order_id: int, attempt_id: int) -> ViewResult:
    """A vendor's written quote: staff may download every one, the buyer the awarded one."""
    document = quote_documents.for_order(current_user, order_id, attempt_id)
    return private_attachment(document.content, document.filename, "application/pdf")


@orders_bp.route("/<int:order_id>/redispatch", methods=["POST"])
@login_required
def redispatch(order_id: int) -> ViewResult:
    """Staff start a new round of offers or invitations for an escalated order."""
    order = services.get_order(current_user, order_id)
    check_form(ConfirmForm())
    require_move(order, "redispatch")
    order = dispatch.redispatch(current_user, order_id)
    db.session.commit()
    if order.status is OrderStatus.AWAITING_VENDOR:
        flash(_("The assignment is offered to the lot's vendors again."), "success")
    else:
        flash(_("No active vendor of the lot can take the assignment: the order still needs "
                "a follow-up."), "error")
    return redirect(url_for("orders.show", order_id=order_id))
