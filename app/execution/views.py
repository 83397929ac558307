"""The delivery pages: the vendor marks an order delivered (note and documents), the buyer
confirms receipt or contests it; and the download of a delivery document.

Views are thin: they read the form, call :mod:`app.execution.services` (which answers 404 for
an order the user may not see and 409 for a move not possible now), commit, and redirect to
the order page. Every page that changes something is a POST behind a page that asks first.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.assignment.labels import file_size
from app.common.downloads import private_attachment
from app.common.errors import ValidationFailed
from app.common.web import ViewResult, apply_errors
from app.execution import documents, order_forms, services
from app.execution.forms import ContestForm, DeliverForm
from app.extensions import db
from app.orders import services as orders
from app.orders.forms import ConfirmForm
from app.orders.views.helpers import check_form, require_move

bp = Blueprint("execution", __name__, url_prefix="/orders", template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"file_size": file_size}


def _limits() -> dict[str, object]:
    return {"max_files": documents.max_files(),
            "max_megabytes": f"{documents.max_bytes() / (1024 * 1024):g}"}


@bp.route("/<int:order_id>/deliver", methods=["GET", "POST"])
@login_required
def deliver(order_id: int) -> ViewResult:
    """The vendor's delivery: a note and documents, then the buyer is told."""
    order = orders.get_order(current_user, order_id)
    require_move(order, "deliver")
    form = DeliverForm()
    if request.method == "POST":
        check_form(ConfirmForm())
        uploads = documents.from_files(request.files.getlist("documents"))
        try:
            services.deliver(current_user, order_id, form.note.data or "", uploads)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
            order = orders.get_order(current_user, order_id)
        else:
            db.session.commit()
            flash(_("The order is marked delivered: the buyer is asked to confirm receipt."),
                  "success")
            return redirect(url_for("orders.show", order_id=order_id))
    return render_template("execution/deliver.html", order=order, form=form, **_limits())


@bp.route("/<int:order_id>/confirm-receipt", methods=["GET", "POST"])
@login_required
def confirm_receipt(order_id: int) -> ViewResult:
    """The buyer confirms the delivery (a page asks first: it cannot be undone)."""
    order = orders.get_order(current_user, order_id)
    require_move(order, "confirm_receipt")
    form = ConfirmForm()
    if request.method == "POST":
        check_form(form)
        services.confirm_receipt(current_user, order_id)
        db.session.commit()
        flash(_("Receipt is confirmed: the order is completed and the vendor may invoice it."),
              "success")
        return redirect(url_for("orders.show", order_id=order_id))
    return render_template("execution/answer.html", order=order, form=form,
                           action="confirm_receipt",
                           delivery=next(iter(services.deliveries(current_user, order)), None))


@bp.route("/<int:order_id>/contest-delivery", methods=["GET", "POST"])
@login_required
def contest_delivery(order_id: int) -> ViewResult:
    """The buyer contests the delivery with a reason the vendor reads."""
    order = orders.get_order(current_user, order_id)
    require_move(order, "contest_delivery")
    form = ContestForm()
    if request.method == "POST":
        check_form(ConfirmForm())
        try:
            services.contest_delivery(current_user, order_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
            order = orders.get_order(current_user, order_id)
        else:
            db.session.commit()
            flash(_("The delivery is contested: the vendor is told what to complete."),
                  "success")
            return redirect(url_for("orders.show", order_id=order_id))
    return render_template("execution/answer.html", order=order, form=form,
                           action="contest_delivery",
                           delivery=next(iter(services.deliveries(current_user, order)), None))


@bp.route("/<int:order_id>/deliveries/documents/<int:document_id>")
@login_required
def delivery_document(order_id: int, document_id: int) -> ViewResult:
    """A document sent with a delivery, for the buyer, the assigned vendor and staff."""
    document = services.document(current_user, order_id, document_id)
    return private_attachment(document.content, document.filename, document.content_type)


@bp.route("/<int:order_id>/order-form.pdf")
@login_required
def order_form_pdf(order_id: int) -> ViewResult:
    """The order form (PDF/UA), in ``?lang=`` or the reader's language."""
    language = order_forms.language_arg(request.args.get("lang"))
    data, pdf = order_forms.pdf_for(current_user, order_id, language)
    return private_attachment(pdf, f"{data.reference}-{language}.pdf", "application/pdf")


@bp.route("/<int:order_id>/order-form.xml")
@login_required
def order_form_ubl(order_id: int) -> ViewResult:
    """The order as a Peppol BIS Ordering 3 UBL Order, for accounting systems."""
    language = order_forms.language_arg(request.args.get("lang"))
    data, xml = order_forms.ubl_for(current_user, order_id, language)
    return private_attachment(xml, f"{data.reference}.xml", "application/xml")
