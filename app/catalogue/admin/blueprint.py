"""Blueprint ``admin`` (admins only) and what its pages share: the template helpers (also
used by the vendor admin pages), service errors onto a form, the choice of lots."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.catalogue.labels import (
    AWARD_METHODS,
    FRAMEWORK_STATUSES,
    MEMBERSHIP_STATUSES,
    UNITS,
)
from app.catalogue.models import Lot
from app.catalogue.services import lots as lot_services
from app.common.i18n import reader_language
from app.common.money import format_eur, format_vat_rate
from app.common.web import apply_errors
from app.extensions import db

# Templates in app/catalogue/templates/admin/, shared with the catalogue's other blueprints.
bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")


# --- Template helpers (also used by the vendor admin pages) ----------------------------------

def template_helpers() -> dict[str, Any]:
    """Money and label helpers for the admin templates, in the reader's language."""
    language = reader_language()
    labels = {"unit": UNITS, "framework": FRAMEWORK_STATUSES, "award": AWARD_METHODS,
              "membership": MEMBERSHIP_STATUSES}

    def label(kind: str, value: Any) -> str:
        return labels[kind].word(getattr(value, "value", value))

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


def show_errors(form: FlaskForm, errors: dict[str, list[str]],
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


def lot_choices() -> list[tuple[int, str]]:
    return [(lot.id, _lot_label(lot)) for lot in lot_services.list_lots()]
