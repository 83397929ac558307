"""Admin pages of lots and their cascades: create, edit, add a vendor, rank, move, suspend,
reactivate and terminate a membership."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.decorators import admin_required
from app.auth.forms import ConfirmForm
from app.catalogue.admin.blueprint import bp, show_errors
from app.catalogue.forms import (
    AddMemberForm,
    LotForm,
    MembershipReasonForm,
    ranking_form,
)
from app.catalogue.models import Lot, LotMembership, MembershipStatus
from app.catalogue.services import consumption
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import lots as lot_services
from app.catalogue.services import memberships as membership_services
from app.common.errors import Conflict, ValidationFailed
from app.common.numbers import parse_id
from app.common.web import ViewResult
from app.extensions import db
from app.vendors.services import list_vendors

# --- Lots and rankings -----------------------------------------------------------------------

LOT_FIELDS = {"framework_id": "framework", "ceiling_cents": "ceiling"}


def _lot_form(lot: Lot | None = None) -> LotForm:
    if lot is None:
        form = LotForm(framework=parse_id(request.args.get("framework", "")))
    else:
        form = LotForm(data={
            **{name: getattr(lot, name) for name in (
                "number", "title_fr", "title_nl", "title_en", "description_fr",
                "description_nl", "description_en", "response_working_days")},
            "framework": lot.framework_id, "ceiling": lot.ceiling_cents,
            "award_method": lot.award_method.value})
    form.framework.choices = [(f.id, f"{f.reference} — {f.title_fr}")
                              for f in framework_services.list_frameworks(current_user)]
    return form


def _lot_data(form: LotForm) -> lot_services.LotData:
    return lot_services.LotData(
        framework_id=form.framework.data or 0, number=form.number.data or 0,
        title_fr=form.title_fr.data or "", title_nl=form.title_nl.data or "",
        title_en=form.title_en.data or "", description_fr=form.description_fr.data or "",
        description_nl=form.description_nl.data or "",
        description_en=form.description_en.data or "",
        award_method=form.award_method.data or "", ceiling_cents=form.ceiling.data,
        response_working_days=form.response_working_days.data or 0)


@bp.route("/lots/new", methods=["GET", "POST"])
@admin_required
def new_lot() -> ViewResult:
    form = _lot_form()
    if form.validate_on_submit():
        try:
            lot = lot_services.create_lot(current_user, _lot_data(form))
        except ValidationFailed as exc:
            show_errors(form, exc.errors, LOT_FIELDS)
        else:
            db.session.commit()
            flash(_("Lot %(number)s is created.", number=lot.number), "success")
            return redirect(url_for("admin.lot", lot_id=lot.id))
    return render_template("admin/lot_form.html", form=form, lot=None)


@bp.route("/lots/<int:lot_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_lot(lot_id: int) -> ViewResult:
    lot = lot_services.get_lot(lot_id)
    form = _lot_form(lot)
    if form.validate_on_submit():
        try:
            lot_services.update_lot(current_user, lot_id, _lot_data(form))
        except ValidationFailed as exc:
            show_errors(form, exc.errors, LOT_FIELDS)
        else:
            db.session.commit()
            flash(_("Lot %(number)s is saved.", number=lot.number), "success")
            return redirect(url_for("admin.lot", lot_id=lot_id))
    return render_template("admin/lot_form.html", form=form, lot=lot)


def _render_lot(lot: Lot, add_form: AddMemberForm | None = None,
                rank_form: FlaskForm | None = None) -> ViewResult:
    memberships = membership_services.lot_ranking(current_user, lot.id)
    active = [m for m in memberships if m.status is MembershipStatus.ACTIVE]
    if add_form is None:
        add_form = AddMemberForm(formdata=None)
    members = {m.vendor_id for m in memberships}
    add_form.vendor.choices = [(0, _("Choose a vendor…"))] + [
        (v.id, v.name if v.active else _("%(name)s (inactive)", name=v.name))
        for v in list_vendors(current_user) if v.id not in members]
    if rank_form is None:
        rank_form = ranking_form(active)
    rank_fields = [(m, rank_form[f"rank_{m.id}"]) for m in active]
    used = consumption.by_lot().get(lot.id, consumption.Used())
    return render_template("admin/lot.html", lot=lot, memberships=memberships, active=active,
                           add_form=add_form, rank_form=rank_form, rank_fields=rank_fields,
                           used=used)


@bp.route("/lots/<int:lot_id>")
@admin_required
def lot(lot_id: int) -> ViewResult:
    return _render_lot(lot_services.get_lot(lot_id))


@bp.route("/lots/<int:lot_id>/members", methods=["POST"])
@admin_required
def add_member(lot_id: int) -> ViewResult:
    lot = lot_services.get_lot(lot_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            membership = membership_services.add_member(current_user, lot_id, form.vendor.data or 0)
        except ValidationFailed as exc:
            show_errors(form, exc.errors, {"vendor_id": "vendor"})
        else:
            db.session.commit()
            flash(_("%(name)s joins lot %(number)s at rank %(rank)s.",
                    name=membership.vendor.name, number=lot.number, rank=membership.rank),
                  "success")
            return redirect(url_for("admin.lot", lot_id=lot_id, _anchor="ranking"))
    return _render_lot(lot, add_form=form)


@bp.route("/lots/<int:lot_id>/ranking", methods=["POST"])
@admin_required
def rank_members(lot_id: int) -> ViewResult:
    lot = lot_services.get_lot(lot_id)
    active = [m for m in membership_services.lot_ranking(current_user, lot_id)
              if m.status is MembershipStatus.ACTIVE]
    form = ranking_form(active, submitted=True)
    if form.validate_on_submit():
        ranks = {m.id: form[f"rank_{m.id}"].data for m in active}
        taken: dict[int, LotMembership] = {}
        for member in active:
            other = taken.setdefault(ranks[member.id], member)
            if other is not member:
                form[f"rank_{member.id}"].errors = [_(
                    "%(name)s has this rank already: give each vendor a different rank.",
                    name=other.vendor.name)]
        if len(taken) == len(active):
            order = sorted(active, key=lambda m: ranks[m.id])
            membership_services.set_ranking(current_user, lot_id, [m.id for m in order])
            db.session.commit()
            flash(_("The new order of the cascade is saved."), "success")
            return redirect(url_for("admin.lot", lot_id=lot_id, _anchor="ranking"))
    return _render_lot(lot, rank_form=form)


@bp.route("/memberships/<int:membership_id>/move", methods=["POST"])
@admin_required
def move_member(membership_id: int) -> ViewResult:
    membership = membership_services.get_membership(current_user, membership_id)
    direction = request.form.get("direction", "")
    if not ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    membership_services.move_member(current_user, membership_id, direction)
    db.session.commit()
    flash(_("%(name)s is now at rank %(rank)s.", name=membership.vendor.name,
            rank=membership.rank), "success")
    return redirect(url_for("admin.lot", lot_id=membership.lot_id, _anchor="ranking"))


@bp.route("/memberships/<int:membership_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_member(membership_id: int) -> ViewResult:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    membership = membership_services.reactivate_member(current_user, membership_id)
    db.session.commit()
    flash(_("%(name)s is active again, at rank %(rank)s.", name=membership.vendor.name,
            rank=membership.rank), "success")
    return redirect(url_for("admin.lot", lot_id=membership.lot_id, _anchor="ranking"))


@dataclass(frozen=True)
class _ReasonAction:
    allowed: tuple[MembershipStatus, ...]
    run: Callable[..., LotMembership]
    not_allowed: Any
    hint: Any
    done: Callable[[LotMembership], str]


REASON_ACTIONS = {
    "suspend": _ReasonAction(
        (MembershipStatus.ACTIVE,), membership_services.suspend_member,
        _l("Only an active vendor can be suspended."),
        _l("Recorded in the admin log. The vendor leaves the cascade until it is "
           "reactivated; the vendors below move up."),
        lambda m: _("%(name)s is suspended from lot %(number)s.", name=m.vendor.name,
                    number=m.lot.number)),
    "terminate": _ReasonAction(
        (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED), membership_services.terminate_member,
        _l("This membership is already terminated."),
        _l("Recorded in the admin log. Terminating is final: the vendor leaves the lot for "
           "good. Its past offers and orders stay."),
        lambda m: _("%(name)s is terminated from lot %(number)s.", name=m.vendor.name,
                    number=m.lot.number)),
}


def _reason_page(membership_id: int, action: str) -> ViewResult:
    """Suspending and terminating are destructive: a confirmation page with the reason first;
    showing it changes nothing."""
    spec = REASON_ACTIONS[action]
    membership = membership_services.get_membership(current_user, membership_id)
    if membership.status not in spec.allowed:
        raise Conflict(str(spec.not_allowed))
    form = MembershipReasonForm()
    form.reason.description = spec.hint
    if form.validate_on_submit():
        try:
            spec.run(current_user, membership_id, form.reason.data or "")
        except ValidationFailed as exc:
            show_errors(form, exc.errors)
            membership = membership_services.get_membership(current_user, membership_id)
        else:
            db.session.commit()
            flash(spec.done(membership), "success")
            return redirect(url_for("admin.lot", lot_id=membership.lot_id, _anchor="ranking"))
    return render_template("admin/membership_confirm.html", membership=membership, form=form,
                           action=action)


@bp.route("/memberships/<int:membership_id>/suspend", methods=["GET", "POST"])
@admin_required
def suspend_member(membership_id: int) -> ViewResult:
    return _reason_page(membership_id, "suspend")


@bp.route("/memberships/<int:membership_id>/terminate", methods=["GET", "POST"])
@admin_required
def terminate_member(membership_id: int) -> ViewResult:
    return _reason_page(membership_id, "terminate")
