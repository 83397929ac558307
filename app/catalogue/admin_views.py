"""Admin pages: frameworks, lots, rankings, items, prices, catalogue import and export.

Views are thin: they read the form, call one service, commit, and show a service's
``ValidationFailed`` errors next to the fields. Every route is for admins only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.utils import secure_filename

from app.auth.decorators import admin_required
from app.auth.forms import ConfirmForm
from app.catalogue import csv_io, services
from app.catalogue.forms import (
    AddMemberForm,
    FrameworkForm,
    ImportForm,
    ItemForm,
    ItemTextsForm,
    LotForm,
    MembershipReasonForm,
    PriceForm,
    ranking_form,
)
from app.catalogue.models import Framework, Lot, LotMembership, MembershipStatus
from app.common.admin_log import AdminLogEntry
from app.common.errors import Conflict, ValidationFailed
from app.common.i18n import reader_language
from app.common.money import format_eur, format_vat_rate
from app.common.numbers import parse_id
from app.common.pagination import page_arg
from app.common.web import ViewResult, apply_errors
from app.extensions import db
from app.vendors.services import list_vendors

bp = Blueprint("admin", __name__, url_prefix="/admin")

ITEMS_PER_PAGE = 25
LOG_PER_PAGE = 50
RECENT_LOG_ENTRIES = 10


# --- Template helpers (also used by the vendor admin pages) ----------------------------------

def template_helpers() -> dict[str, Any]:
    """Money and label helpers for the admin templates, in the reader's language."""
    language = reader_language()
    labels = {
        "unit": {"day": _("Day"), "half_day": _("Half-day"), "workshop": _("Workshop"),
                 "item": _("Item"), "lump_sum": _("Lump sum")},
        "framework": {"draft": _("Draft"), "active": _("Active"), "expired": _("Expired")},
        "award": {"cascade": _("Cascade"), "mini_competition": _("Mini-competition")},
        "membership": {"active": _("Active"), "suspended": _("Suspended"),
                       "terminated": _("Terminated")},
    }

    def label(kind: str, value: Any) -> str:
        key = getattr(value, "value", value)
        return str(labels[kind].get(key, key))

    def title(obj: Any) -> str:
        """A framework's, lot's or item's title in the reader's language."""
        return str(getattr(obj, f"title_{language}", None) or obj.title_fr)

    return {
        "eur": lambda cents: format_eur(cents, language) if cents is not None else "—",
        "vat_rate": lambda bp: format_vat_rate(bp, language),
        "label": label,
        "title_of": title,
        "day": lambda value: format_date(value, "medium") if value else "—",
    }


bp.context_processor(template_helpers)



def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name, ""))


def _show_errors(form: FlaskForm, errors: dict[str, list[str]],
                 fields: dict[str, str] | None = None) -> None:
    """A service's errors next to the form's fields (service names mapped to form names)."""
    db.session.rollback()
    renamed: dict[str, list[str]] = {}
    for name, messages in errors.items():
        renamed.setdefault((fields or {}).get(name, name), []).extend(messages)
    apply_errors(form, renamed)


def _lot_label(lot: Lot) -> str:
    return _("%(framework)s · lot %(number)s: %(title)s", framework=lot.framework.reference,
             number=lot.number, title=lot.title(reader_language()))


def _lot_choices() -> list[tuple[int, str]]:
    return [(lot.id, _lot_label(lot)) for lot in services.list_lots()]


# --- Overview and admin log ------------------------------------------------------------------

ENTITY_LABELS = {"framework": _l("Framework"), "lot": _l("Lot"),
                 "lot_membership": _l("Vendor in a lot"), "catalogue_item": _l("Item"),
                 "vendor": _l("Vendor"), "user": _l("User"), "organisation": _l("Organisation")}
ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted"),
                 "close_price": _l("price ended"), "revise_price": _l("new price"),
                 "rank": _l("rank changed"), "suspend": _l("suspended"),
                 "reactivate": _l("reactivated"), "terminate": _l("terminated")}
# Columns a reader does not need in the list of changes.
HIDDEN_FIELDS = {"id", "search_text", "created_at", "password_hash"}
MAX_VALUE_LENGTH = 120


@dataclass
class LogRow:
    entry: AdminLogEntry
    entity: str
    link: str | None
    action: str
    changes: list[tuple[str, str | None, str]]


def _shown(name: str, value: Any) -> str:
    language = reader_language()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int) and name.endswith("_cents"):
        return format_eur(value, language)
    if isinstance(value, int) and name == "vat_rate_bp":
        return format_vat_rate(value, language)
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[:MAX_VALUE_LENGTH - 1] + "…"


def _changes(entry: AdminLogEntry) -> list[tuple[str, str | None, str]]:
    """(field, before or None for a new record, after): only what changed."""
    before, after = entry.before or {}, entry.after or {}
    rows: list[tuple[str, str | None, str]] = []
    for name in list(dict.fromkeys([*before, *after])):
        if name in HIDDEN_FIELDS:
            continue
        if entry.before is None:
            if after.get(name) not in (None, ""):
                rows.append((name, None, _shown(name, after.get(name))))
        elif before.get(name) != after.get(name):
            rows.append((name, _shown(name, before.get(name)), _shown(name, after.get(name))))
    return rows


def _entity_link(entry: AdminLogEntry) -> str | None:
    data = entry.after or entry.before or {}
    kind = entry.entity_type
    if kind == "framework":
        return url_for("admin.edit_framework", framework_id=entry.entity_id)
    if kind == "lot":
        return url_for("admin.lot", lot_id=entry.entity_id)
    if kind == "lot_membership" and data.get("lot_id"):
        return url_for("admin.lot", lot_id=data["lot_id"])
    if kind == "catalogue_item" and data.get("code"):
        return url_for("admin.item", code=data["code"])
    if kind == "vendor":
        return url_for("vendor_admin.edit", vendor_id=entry.entity_id)
    return None


def log_rows(entries: list[AdminLogEntry]) -> list[LogRow]:
    return [LogRow(entry=entry,
                   entity=f"{ENTITY_LABELS.get(entry.entity_type, entry.entity_type)} "
                          f"#{entry.entity_id}",
                   link=_entity_link(entry),
                   action=str(ACTION_LABELS.get(entry.action, entry.action)),
                   changes=_changes(entry)) for entry in entries]


@bp.route("/")
@admin_required
def index() -> ViewResult:
    frameworks = services.list_frameworks(current_user)
    recent = services.admin_log_page(current_user, 1, RECENT_LOG_ENTRIES)
    return render_template("admin/index.html", frameworks=frameworks,
                           log=log_rows(recent.items))


@bp.route("/log")
@admin_required
def log() -> ViewResult:
    page = services.admin_log_page(current_user, page_arg(), LOG_PER_PAGE)
    return render_template("admin/log.html", page=page, rows=log_rows(page.items))


# --- Frameworks ------------------------------------------------------------------------------

def _framework_data(form: FrameworkForm) -> services.FrameworkData:
    return services.FrameworkData(
        reference=form.reference.data or "", title_fr=form.title_fr.data or "",
        title_nl=form.title_nl.data or "", title_en=form.title_en.data or "",
        start_date=form.start_date.data, end_date=form.end_date.data,
        max_value_cents=form.max_value.data or 0, status=form.status.data or "")


FRAMEWORK_FIELDS = {"max_value_cents": "max_value"}


@bp.route("/frameworks")
@admin_required
def frameworks() -> ViewResult:
    return render_template("admin/frameworks.html",
                           frameworks=services.list_frameworks(current_user))


@bp.route("/frameworks/new", methods=["GET", "POST"])
@admin_required
def new_framework() -> ViewResult:
    form = FrameworkForm()
    if form.validate_on_submit():
        try:
            framework = services.create_framework(current_user, _framework_data(form))
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, FRAMEWORK_FIELDS)
        else:
            db.session.commit()
            flash(_("Framework %(reference)s is created.", reference=framework.reference),
                  "success")
            return redirect(url_for("admin.frameworks"))
    return render_template("admin/framework_form.html", form=form, framework=None)


@bp.route("/frameworks/<int:framework_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_framework(framework_id: int) -> ViewResult:
    framework = services.get_framework(current_user, framework_id)
    form = FrameworkForm(obj=framework, max_value=framework.max_value_cents,
                         status=framework.status.value)
    if form.validate_on_submit():
        try:
            services.update_framework(current_user, framework_id, _framework_data(form))
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, FRAMEWORK_FIELDS)
        else:
            db.session.commit()
            flash(_("Framework %(reference)s is saved.", reference=framework.reference),
                  "success")
            return redirect(url_for("admin.frameworks"))
    return render_template("admin/framework_form.html", form=form, framework=framework)


# --- Lots and rankings -----------------------------------------------------------------------

LOT_FIELDS = {"framework_id": "framework", "ceiling_cents": "ceiling"}


def _lot_form(lot: Lot | None = None) -> LotForm:
    if lot is None:
        form = LotForm(framework=_int_arg("framework"))
    else:
        form = LotForm(data={
            **{name: getattr(lot, name) for name in (
                "number", "title_fr", "title_nl", "title_en", "description_fr",
                "description_nl", "description_en", "response_working_days")},
            "framework": lot.framework_id, "ceiling": lot.ceiling_cents,
            "award_method": lot.award_method.value})
    form.framework.choices = [(f.id, f"{f.reference} — {f.title_fr}")
                              for f in services.list_frameworks(current_user)]
    return form


def _lot_data(form: LotForm) -> services.LotData:
    return services.LotData(
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
            lot = services.create_lot(current_user, _lot_data(form))
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, LOT_FIELDS)
        else:
            db.session.commit()
            flash(_("Lot %(number)s is created.", number=lot.number), "success")
            return redirect(url_for("admin.lot", lot_id=lot.id))
    return render_template("admin/lot_form.html", form=form, lot=None)


@bp.route("/lots/<int:lot_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_lot(lot_id: int) -> ViewResult:
    lot = services.get_lot(lot_id)
    form = _lot_form(lot)
    if form.validate_on_submit():
        try:
            services.update_lot(current_user, lot_id, _lot_data(form))
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, LOT_FIELDS)
        else:
            db.session.commit()
            flash(_("Lot %(number)s is saved.", number=lot.number), "success")
            return redirect(url_for("admin.lot", lot_id=lot_id))
    return render_template("admin/lot_form.html", form=form, lot=lot)


def _render_lot(lot: Lot, add_form: AddMemberForm | None = None,
                rank_form: FlaskForm | None = None) -> ViewResult:
    memberships = services.lot_ranking(current_user, lot.id)
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
    return render_template("admin/lot.html", lot=lot, memberships=memberships, active=active,
                           add_form=add_form, rank_form=rank_form, rank_fields=rank_fields)


@bp.route("/lots/<int:lot_id>")
@admin_required
def lot(lot_id: int) -> ViewResult:
    return _render_lot(services.get_lot(lot_id))


@bp.route("/lots/<int:lot_id>/members", methods=["POST"])
@admin_required
def add_member(lot_id: int) -> ViewResult:
    lot = services.get_lot(lot_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            membership = services.add_member(current_user, lot_id, form.vendor.data or 0)
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, {"vendor_id": "vendor"})
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
    lot = services.get_lot(lot_id)
    active = [m for m in services.lot_ranking(current_user, lot_id)
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
            services.set_ranking(current_user, lot_id, [m.id for m in order])
            db.session.commit()
            flash(_("The new order of the cascade is saved."), "success")
            return redirect(url_for("admin.lot", lot_id=lot_id, _anchor="ranking"))
    return _render_lot(lot, rank_form=form)


@bp.route("/memberships/<int:membership_id>/move", methods=["POST"])
@admin_required
def move_member(membership_id: int) -> ViewResult:
    membership = services.get_membership(current_user, membership_id)
    direction = request.form.get("direction", "")
    if not ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    services.move_member(current_user, membership_id, direction)
    db.session.commit()
    flash(_("%(name)s is now at rank %(rank)s.", name=membership.vendor.name,
            rank=membership.rank), "success")
    return redirect(url_for("admin.lot", lot_id=membership.lot_id, _anchor="ranking"))


@bp.route("/memberships/<int:membership_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_member(membership_id: int) -> ViewResult:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    membership = services.reactivate_member(current_user, membership_id)
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
        (MembershipStatus.ACTIVE,), services.suspend_member,
        _l("Only an active vendor can be suspended."),
        _l("Recorded in the admin log. The vendor leaves the cascade until it is "
           "reactivated; the vendors below move up."),
        lambda m: _("%(name)s is suspended from lot %(number)s.", name=m.vendor.name,
                    number=m.lot.number)),
    "terminate": _ReasonAction(
        (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED), services.terminate_member,
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
    membership = services.get_membership(current_user, membership_id)
    if membership.status not in spec.allowed:
        raise Conflict(str(spec.not_allowed))
    form = MembershipReasonForm()
    form.reason.description = spec.hint
    if form.validate_on_submit():
        try:
            spec.run(current_user, membership_id, form.reason.data or "")
        except ValidationFailed as exc:
            _show_errors(form, exc.errors)
            membership = services.get_membership(current_user, membership_id)
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


# --- Items and prices ------------------------------------------------------------------------

ITEM_FIELDS = {"lot_id": "lot", "unit_price_cents": "unit_price", "vat_rate_bp": "vat_rate"}


@bp.route("/items")
@admin_required
def items() -> ViewResult:
    lot_id = _int_arg("lot")
    page = services.admin_items(current_user, lot_id, page_arg(), ITEMS_PER_PAGE)
    return render_template("admin/items.html", page=page, lot_id=lot_id,
                           lot_choices=_lot_choices())


@bp.route("/items/new", methods=["GET", "POST"])
@admin_required
def new_item() -> ViewResult:
    form = ItemForm(lot=_int_arg("lot"), valid_from=services.today())
    form.lot.choices = [(0, _("Choose a lot…")), *_lot_choices()]
    if form.validate_on_submit():
        data = services.ItemData(
            lot_id=form.lot.data or 0, code=form.code.data or "", unit=form.unit.data or "",
            unit_price_cents=form.unit_price.data or 0, vat_rate_bp=form.vat_rate.data or 0,
            valid_from=form.valid_from.data,
            **{name: getattr(form, name).data or "" for name in services.TEXT_FIELDS})
        try:
            item = services.create_item(current_user, data)
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, ITEM_FIELDS)
        else:
            db.session.commit()
            flash(_("Item %(code)s is created.", code=item.code), "success")
            return redirect(url_for("admin.item", code=item.code))
    return render_template("admin/item_new.html", form=form)


def _render_item(code: str, texts_form: ItemTextsForm | None = None,
                 price_form: PriceForm | None = None) -> ViewResult:
    row = services.admin_item(current_user, code)
    latest = row.latest
    if texts_form is None:
        texts_form = ItemTextsForm(formdata=None, obj=latest, unit=latest.unit.value)
    if price_form is None:
        shown = row.current or latest
        price_form = PriceForm(formdata=None, unit_price=shown.unit_price_cents,
                               vat_rate=shown.vat_rate_bp,
                               valid_from=max(services.today(), latest.valid_from))
    return render_template("admin/item.html", row=row, texts_form=texts_form,
                           price_form=price_form, today=services.today())


@bp.route("/items/<code>")
@admin_required
def item(code: str) -> ViewResult:
    return _render_item(code)


@bp.route("/items/<code>", methods=["POST"])
@admin_required
def update_item(code: str) -> ViewResult:
    services.admin_item(current_user, code)  # 404 before reading the form
    form = ItemTextsForm()
    if form.validate_on_submit():
        try:
            services.update_item_texts(
                current_user, code,
                {name: getattr(form, name).data or "" for name in services.TEXT_FIELDS},
                form.unit.data or "")
        except ValidationFailed as exc:
            _show_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The texts of item %(code)s are saved (for every price).", code=code),
                  "success")
            return redirect(url_for("admin.item", code=code))
    return _render_item(code, texts_form=form)


@bp.route("/items/<code>/price", methods=["POST"])
@admin_required
def revise_price(code: str) -> ViewResult:
    services.admin_item(current_user, code)
    form = PriceForm()
    if form.validate_on_submit():
        try:
            new = services.revise_price(current_user, code, form.unit_price.data or 0,
                                        form.vat_rate.data or 0, form.valid_from.data)
        except ValidationFailed as exc:
            _show_errors(form, exc.errors, ITEM_FIELDS)
        else:
            db.session.commit()
            flash(_("The new price of item %(code)s applies from %(day)s.", code=code,
                    day=new.valid_from.isoformat()), "success")
            return redirect(url_for("admin.item", code=code, _anchor="history"))
    return _render_item(code, price_form=form)


# --- Catalogue CSV import and export ---------------------------------------------------------

def _framework_choices(frameworks: list[Framework]) -> list[tuple[int, str]]:
    return [(f.id, f"{f.reference} — {f.title_fr}") for f in frameworks]


@bp.route("/catalogue/import", methods=["GET", "POST"])
@admin_required
def import_catalogue() -> ViewResult:
    frameworks = services.list_frameworks(current_user)
    default = services.default_framework()
    form = ImportForm(framework=default.id if default else None)
    form.framework.choices = _framework_choices(frameworks)
    report = None
    if form.validate_on_submit():
        framework = next((f for f in frameworks if f.id == form.framework.data), None)
        if framework is None:
            form.framework.errors = [_("Choose a framework from the list.")]
        else:
            content = form.file.data.stream.read(csv_io.MAX_BYTES + 1)
            report = csv_io.import_catalogue(current_user, framework, content,
                                             dry_run=bool(form.dry_run.data))
            if report.applied:
                db.session.commit()
            else:
                db.session.rollback()
    return render_template("admin/import.html", form=form, report=report,
                           columns=csv_io.COLUMNS, header_line=csv_io.HEADER_LINE,
                           frameworks=frameworks, default=default)


@bp.route("/catalogue/export")
@admin_required
def export_catalogue() -> ViewResult:
    framework_id = _int_arg("framework")
    if framework_id is not None:
        framework: Framework | None = services.get_framework(current_user, framework_id)
    else:
        framework = services.default_framework()
    if framework is None:
        flash(_("Choose the framework to export."), "error")
        return redirect(url_for("admin.import_catalogue"))
    name = secure_filename(f"catalogue-{framework.reference}-{services.today().isoformat()}.csv")
    # A byte-order mark, so spreadsheet programs read the accents right; the import accepts it.
    body = "\ufeff" + csv_io.export_catalogue(framework)
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
