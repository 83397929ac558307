"""The notification pages. Their URLs and endpoint names are the orders' (``/orders/notifi
cations``, ``orders.notifications``…): :func:`add_rules` puts these views on the blueprint the
orders package passes in, and this package owns its template (:data:`bp`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import Blueprint as AnyBlueprint
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.common.pagination import page_arg
from app.common.web import ViewResult
from app.extensions import db
from app.notifications import services
from app.notifications.labels import notification_text

# No routes of its own: it only brings this package's templates folder.
bp = Blueprint("notifications", __name__, template_folder="templates")


def _check_form() -> None:
    """A one-button form: a missing or stale CSRF token is a bad request."""
    if not FlaskForm().validate():
        abort(400)


@login_required
def notifications() -> ViewResult:
    page = page_arg()
    result = services.list_notifications(current_user, page)
    if page > result.pages:
        return redirect(url_for("orders.notifications", page=result.pages))
    return render_template("notifications/list.html", result=result, form=FlaskForm(),
                           notification_text=notification_text)


def _back_to_notifications() -> ViewResult:
    return redirect(url_for("orders.notifications", page=page_arg(request.form)))


@login_required
def mark_read(notification_id: int) -> ViewResult:
    _check_form()
    services.mark_read(current_user, notification_id)
    db.session.commit()
    flash(_("The notification is marked as read."), "success")
    return _back_to_notifications()


@login_required
def mark_all_read() -> ViewResult:
    _check_form()
    count = services.mark_read(current_user)
    db.session.commit()
    flash(_("All notifications are marked as read.") if count
          else _("There was no unread notification."), "success")
    return _back_to_notifications()


def add_rules(blueprint: AnyBlueprint) -> None:
    """The pages' rules on ``blueprint`` (the orders', under ``/orders``)."""
    blueprint.add_url_rule("/notifications", view_func=notifications)
    blueprint.add_url_rule("/notifications/<int:notification_id>/read",
                           view_func=mark_read, methods=["POST"])
    blueprint.add_url_rule("/notifications/read", view_func=mark_all_read, methods=["POST"])
