"""The vendor portal: a vendor company's offers and invitations, its answers and its orders.

Vendor users only. Views are thin: they read the form, call ``app.orders.assignment`` (which
checks the attempt belongs to the user's company — 404 otherwise — and that it is still open
— 409 otherwise), commit, and redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from app.auth.models import Role
from app.auth.views import ViewResult
from app.common import money
from app.common.downloads import private_attachment
from app.common.errors import Forbidden, ValidationFailed
from app.common.single_line import MultiLine, SingleLine
from app.common.time import utcnow
from app.extensions import db, login_manager
from app.orders import assignment, quote_documents, services
from app.orders import views as order_views
from app.orders.forms import Needed
from app.orders.models import OPEN_ATTEMPT_STATES, AttemptKind, VendorAttempt

bp = Blueprint("vendor_portal", __name__, url_prefix="/vendor")

NO_CONFLICT = "no"
CONFLICT = "yes"


class AcceptForm(FlaskForm):
    conflict = RadioField(
        _l("Conflict of interest"), validators=[Needed()], validate_choice=False,
        choices=[SelectChoice(NO_CONFLICT,
                              _l("I declare I have no conflict of interest for this assignment")),
                 SelectChoice(CONFLICT, _l("I have a conflict of interest"))])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Needed(), MultiLine()],
                           description=_l("The participation service reads it. For example: "
                                          "no one available on these dates."))


class QuoteForm(FlaskForm):
    price = StringField(_l("Price excl. VAT (€)"), validators=[Needed(), SingleLine()],
                        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    note = TextAreaField(_l("Note (optional)"), validators=[MultiLine()],
                         description=_l("What the price includes, your approach, who would "
                                        "facilitate."))
    # Checked by the service (type, size, name), like a file sent through the API.
    document = FileField(_l("Written quote (optional)"),
                         render_kw={"accept": "application/pdf,.pdf"})


@bp.before_request
def _vendors_only() -> ViewResult | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role is not Role.VENDOR or current_user.vendor_id is None:
        raise Forbidden()
    return None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    kinds = order_views.attempt_kind_labels()
    helpers = order_views._helpers()
    helpers.update({
        "kind_label": lambda kind: str(kinds.get(str(kind), kind)),
        "attempt_state": order_views.attempt_state_label,
        "is_open": lambda attempt: attempt.state in OPEN_ATTEMPT_STATES,
        "is_past": lambda attempt: attempt.expires_at <= utcnow(),
    })
    return helpers


def _page_arg() -> int:
    try:
        return max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return 1


@bp.route("/")
@login_required
def index() -> ViewResult:
    attempts = assignment.vendor_attempts(current_user)
    page = _page_arg()
    orders = services.list_orders(current_user, services.OrderFilters(sort="newest"), page)
    if page > orders.pages:
        return redirect(url_for("vendor_portal.index", page=orders.pages))
    return render_template(
        "vendor/inbox.html",
        open_attempts=[a for a in attempts if a.state in OPEN_ATTEMPT_STATES],
        past_attempts=[a for a in attempts if a.state not in OPEN_ATTEMPT_STATES],
        orders=orders)


def _render_attempt(attempt: VendorAttempt, accept_form: AcceptForm | None = None,
                    decline_form: DeclineForm | None = None,
                    quote_form: QuoteForm | None = None) -> ViewResult:
    quote_form = quote_form or QuoteForm(formdata=None)
    quote_form.document.description = _("PDF, at most %(size)s MB.",
                                        size=quote_documents.max_megabytes())
    quote_form.price.description = _(
        "The price for the whole order, in euros, for example 1 250,50. A quote above the "
        "order's total excl. VAT (%(total)s) cannot be awarded.",
        total=money.format_eur(attempt.order.total_excl_vat_cents,
                               order_views.reader_language()))
    return render_template(
        "vendor/attempt.html", attempt=attempt, order=attempt.order,
        accept_form=accept_form or AcceptForm(formdata=None),
        decline_form=decline_form or DeclineForm(formdata=None), quote_form=quote_form,
        document=quote_documents.documents_for([attempt.id]).get(attempt.id))


@bp.route("/offers/<int:attempt_id>")
@login_required
def show(attempt_id: int) -> ViewResult:
    return _render_attempt(assignment.get_attempt(current_user, attempt_id))


def _add_errors(form: FlaskForm, errors: dict[str, list[str]],
                names: dict[str, str] | None = None) -> None:
    for name, messages in errors.items():
        field = getattr(form, (names or {}).get(name, name), None)
        if field is None:
            field = next(f for f in form if f.type != "CSRFTokenField")
        field.errors = [*field.errors, *messages]


def _csrf_failed(form: FlaskForm) -> bool:
    form.validate()
    return "csrf_token" in form.errors


@bp.route("/offers/<int:attempt_id>/accept", methods=["POST"])
@login_required
def accept(attempt_id: int) -> ViewResult:
    attempt = assignment.get_attempt(current_user, attempt_id)
    form = AcceptForm()
    if _csrf_failed(form):
        return _render_attempt(attempt, accept_form=form)
    choice = (form.conflict.data or "").strip()
    if choice not in (NO_CONFLICT, CONFLICT):
        form.conflict.errors = [_("Choose one of the two declarations.")]
        return _render_attempt(attempt, accept_form=form)
    order = assignment.accept(current_user, attempt_id, conflict_of_interest=choice == CONFLICT)
    db.session.commit()
    if choice == CONFLICT:
        flash(_("Your conflict of interest is recorded: the offer counts as declined and goes "
                "to the next vendor."), "success")
        return redirect(url_for("vendor_portal.index"))
    flash(_("You accepted the offer: the order %(reference)s is assigned to your company.",
            reference=order.reference), "success")
    return redirect(url_for("vendor_portal.show", attempt_id=attempt_id))


@bp.route("/offers/<int:attempt_id>/decline", methods=["POST"])
@login_required
def decline(attempt_id: int) -> ViewResult:
    attempt = assignment.get_attempt(current_user, attempt_id)
    form = DeclineForm()
    if _csrf_failed(form):
        return _render_attempt(attempt, decline_form=form)
    try:
        assignment.decline(current_user, attempt_id, form.reason.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        _add_errors(form, exc.errors)
        return _render_attempt(assignment.get_attempt(current_user, attempt_id),
                               decline_form=form)
    db.session.commit()
    flash(_("You declined: the participation service is told.")
          if attempt.kind is AttemptKind.INVITATION
          else _("You declined the offer: it goes to the next vendor."), "success")
    return redirect(url_for("vendor_portal.index"))


@bp.route("/offers/<int:attempt_id>/quote", methods=["POST"])
@login_required
def quote(attempt_id: int) -> ViewResult:
    attempt = assignment.get_attempt(current_user, attempt_id)
    form = QuoteForm()
    if _csrf_failed(form):
        return _render_attempt(attempt, quote_form=form)
    try:
        price_cents = money.parse_eur(form.price.data or "")
    except ValueError:
        form.price.errors = [_("Enter a price in euros, for example 1 250,50.")]
        return _render_attempt(attempt, quote_form=form)
    try:
        assignment.quote(current_user, attempt_id, price_cents, form.note.data or "",
                         quote_documents.from_file(form.document.data))
    except ValidationFailed as exc:
        db.session.rollback()
        _add_errors(form, exc.errors, {"price_cents": "price"})
        return _render_attempt(assignment.get_attempt(current_user, attempt_id),
                               quote_form=form)
    db.session.commit()
    flash(_("Your quote is sent. You will be told the result once the competition closes."),
          "success")
    return redirect(url_for("vendor_portal.show", attempt_id=attempt_id))


@bp.route("/offers/<int:attempt_id>/quote.pdf")
@login_required
def quote_document(attempt_id: int) -> ViewResult:
    """The PDF the user's company sent with its quote."""
    document = quote_documents.for_vendor(current_user, attempt_id)
    return private_attachment(document.content, document.filename, "application/pdf")
