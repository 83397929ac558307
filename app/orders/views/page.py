"""The order page and the moves made from it (submit, withdraw, approve, request changes,
reject, cancel). What the assignment shows on it (history, vendors asked) comes from
``hooks.order_page_sections``, answered by that package (and the execution's: delivery,
receipt, contacts)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.models import Role
from app.common.errors import ValidationFailed
from app.common.web import ViewResult
from app.extensions import db
from app.orders import ceilings, hooks, services, workflow
from app.orders.forms import ConfirmForm, ReasonForm
from app.orders.models import Order, OrderEvent, OrderStatus
from app.orders.next_steps import next_steps
from app.orders.views import bp
from app.orders.views.helpers import EDITABLE, check_form, may_submit, require_move


def _reason_form(action: str, form: ReasonForm | None = None) -> ReasonForm:
    """The reason field, with a hint saying who reads it and what follows."""
    form = form or ReasonForm()
    form.reason.description = {
        "request_changes": _("The buyer reads this text, can change the order and submit it "
                             "again."),
        "reject": _("For example what is missing, or why the order does not fit the "
                    "framework agreement."),
        "cancel": _("For example: the project is postponed, or the vendor cannot deliver."),
    }[action]
    return form


# The moves these pages offer (the others are made by the vendors' pages or the workers).
PAGE_ACTIONS = {"submit", "withdraw", "approve", "request_changes", "reject", "cancel",
                "redispatch"}


def _status_reason(order: Order) -> str:
    """The reason of the move that put the order in its current state, if it had one."""
    last_move = db.session.execute(
        select(OrderEvent).where(OrderEvent.order_id == order.id,
                                 OrderEvent.action.not_in(workflow.NOTES))
        .order_by(OrderEvent.seq.desc()).limit(1)).scalar_one_or_none()
    return (last_move.reason if last_move is not None
            and last_move.to_state == order.status.value else "")


def _render_show(order: Order, reason_form: ReasonForm | None = None) -> ViewResult:
    role = current_user.role.value
    already_approved = any(a.staff_id == current_user.id and a.round == order.submission_round
                           for a in order.approvals)
    sections = hooks.page_sections(current_user, order)
    return render_template(
        "orders/show.html", sections=sections.templates, **sections.context,
        order=order, status_reason=_status_reason(order),
        next_steps=next_steps(order, current_user, sections.facts),
        actions=set(workflow.allowed_actions(order, role)) & PAGE_ACTIONS,
        editable=role == Role.BUYER.value and order.status in EDITABLE,
        may_submit=may_submit() if role == Role.BUYER.value else False,
        already_approved=already_approved,
        room=ceilings.headroom(order.lot) if current_user.is_staff else None,
        reason_form=_reason_form("request_changes", reason_form))


@bp.route("/<int:order_id>")
@login_required
def show(order_id: int) -> ViewResult:
    return _render_show(services.get_order(current_user, order_id))


@bp.route("/<int:order_id>/submit", methods=["POST"])
@login_required
def submit(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    check_form(ConfirmForm())
    require_move(order, "submit")
    try:
        services.submit(current_user, order_id)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(_("The order cannot be submitted yet: edit it first."), "error")
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("orders.show", order_id=order_id))
    db.session.commit()
    flash(_("The order is submitted: the participation service will review it."), "success")
    return redirect(url_for("orders.show", order_id=order_id))


@bp.route("/<int:order_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(order_id: int) -> ViewResult:
    """Withdrawing cannot be undone: a confirmation page comes first."""
    order = services.get_order(current_user, order_id)
    require_move(order, "withdraw")
    form = ConfirmForm()
    if request.method == "POST":
        check_form(form)
        services.withdraw(current_user, order_id)
        db.session.commit()
        flash(_("The order is withdrawn."), "success")
        return redirect(url_for("orders.show", order_id=order_id))
    return render_template("orders/confirm.html", order=order, action="withdraw", form=form)


@bp.route("/<int:order_id>/approve", methods=["POST"])
@login_required
def approve(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    check_form(ConfirmForm())
    require_move(order, "approve")
    order = services.approve(current_user, order_id)
    db.session.commit()
    if order.status is OrderStatus.APPROVED:
        flash(_("The order is approved."), "success")
    else:
        flash(_("Your approval is recorded (%(count)s of %(required)s): another staff member "
                "must approve it too.", count=order.approvals_count,
                required=order.approvals_required), "success")
    return redirect(url_for("orders.show", order_id=order_id))


@bp.route("/<int:order_id>/request-changes", methods=["POST"])
@login_required
def request_changes(order_id: int) -> ViewResult:
    order = services.get_order(current_user, order_id)
    form = ReasonForm()
    check_form(form)
    require_move(order, "request_changes")
    try:
        services.request_changes(current_user, order_id, form.reason.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, *exc.errors.get("reason", [])]
        return _render_show(services.get_order(current_user, order_id), reason_form=form)
    db.session.commit()
    flash(_("Changes are requested: the buyer is told."), "success")
    return redirect(url_for("orders.show", order_id=order_id))


def _decide(order_id: int, action: str) -> ViewResult:
    """Reject or cancel: a confirmation page with the reason the buyer will read."""
    order = services.get_order(current_user, order_id)
    require_move(order, action)
    form = _reason_form(action)
    if request.method == "POST":
        check_form(form)
        decide = services.reject if action == "reject" else services.cancel
        try:
            decide(current_user, order_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, *exc.errors.get("reason", [])]
            order = services.get_order(current_user, order_id)
        else:
            db.session.commit()
            flash(_("The order is rejected: the buyer is told.") if action == "reject"
                  else _("The order is cancelled: the buyer is told."), "success")
            return redirect(url_for("orders.show", order_id=order_id))
    return render_template("orders/confirm.html", order=order, action=action, form=form)


@bp.route("/<int:order_id>/reject", methods=["GET", "POST"])
@login_required
def reject(order_id: int) -> ViewResult:
    return _decide(order_id, "reject")


@bp.route("/<int:order_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(order_id: int) -> ViewResult:
    return _decide(order_id, "cancel")
