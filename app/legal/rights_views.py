"""The personal data rights pages: a person's own data (download, erasure request) and the
staff's list of erasure requests. Routes on the legal blueprint."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.decorators import staff_required
from app.auth.forms import ConfirmForm
from app.common.errors import ValidationFailed
from app.common.pagination import page_arg
from app.common.web import ViewResult, apply_errors
from app.extensions import db
from app.legal import erasure
from app.legal.export import personal_data
from app.legal.forms import ErasureRequestForm, RefuseErasureForm
from app.legal.models import ErasureRequest
from app.legal.views import bp


@bp.route("/account/my-data")
@login_required
def my_data() -> ViewResult:
    return render_template("legal/my_data.html", form=ErasureRequestForm(),
                           latest=erasure.latest_request(current_user))


@bp.route("/account/my-data.json")
@login_required
def my_data_json() -> ViewResult:
    """The download: only reads."""
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="my-data-{current_user.id}.json"',
        "Cache-Control": "no-store"})


@bp.route("/account/erasure-request", methods=["POST"])
@login_required
def request_erasure() -> ViewResult:
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        return render_template("legal/my_data.html", form=form,
                               latest=erasure.latest_request(current_user)), 422
    erasure.request_erasure(current_user)
    db.session.commit()
    flash(_("Your erasure request was sent: the staff will handle it within one month."),
          "success")
    return redirect(url_for("legal.my_data"))


@bp.route("/staff/erasure-requests")
@staff_required
def erasure_requests() -> ViewResult:
    page = page_arg()
    found = erasure.requests(page)
    if page > found.pages:
        return redirect(url_for("legal.erasure_requests", page=found.pages))
    return render_template("legal/erasure_requests.html", requests=found)


def _request_or_404(request_id: int) -> ErasureRequest:
    request = db.session.get(ErasureRequest, request_id)
    if request is None:
        abort(404)
    return request


@bp.route("/staff/erasure-requests/<int:request_id>/approve", methods=["GET", "POST"])
@staff_required
def approve_erasure(request_id: int) -> ViewResult:
    """Erasing cannot be undone: a confirmation page comes first."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("legal/approve_erasure.html",
                               request=_request_or_404(request_id), form=form)
    erasure.approve(current_user, request_id)
    db.session.commit()
    flash(_("The person's data was erased."), "success")
    return redirect(url_for("legal.erasure_requests"))


@bp.route("/staff/erasure-requests/<int:request_id>/refuse", methods=["GET", "POST"])
@staff_required
def refuse_erasure(request_id: int) -> ViewResult:
    request = _request_or_404(request_id)
    form = RefuseErasureForm()
    if form.validate_on_submit():
        try:
            erasure.refuse(current_user, request_id, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The request was refused; the person is told why."), "success")
            return redirect(url_for("legal.erasure_requests"))
    status = 422 if form.errors else 200
    return render_template("legal/refuse_erasure.html", request=request, form=form), status
