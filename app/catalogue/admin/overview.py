"""The admin overview and the admin log, with each change worded for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.decorators import admin_required
from app.catalogue.admin.blueprint import bp
from app.catalogue.services import frameworks as framework_services
from app.catalogue.services import log as log_services
from app.common.admin_log import AdminLogEntry
from app.common.i18n import reader_language
from app.common.money import format_eur, format_vat_rate
from app.common.pagination import page_arg
from app.common.web import ViewResult

LOG_PER_PAGE = 50
RECENT_LOG_ENTRIES = 10
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
    frameworks = framework_services.list_frameworks(current_user)
    recent = log_services.admin_log_page(current_user, 1, RECENT_LOG_ENTRIES)
    return render_template("admin/index.html", frameworks=frameworks,
                           log=log_rows(recent.items))


@bp.route("/log")
@admin_required
def log() -> ViewResult:
    page = log_services.admin_log_page(current_user, page_arg(), LOG_PER_PAGE)
    return render_template("admin/log.html", page=page, rows=log_rows(page.items))
