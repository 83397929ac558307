"""The legal and trust pages, one template per language (the texts are long legal prose,
clearer to translate and review as whole pages than as hundreds of msgids)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.common.i18n import reader_language
from app.common.web import ViewResult

bp = Blueprint("legal", __name__, template_folder="templates")

# slug -> (template name, title): the footer lists them in this order.
PAGES = {
    "accessibility": ("accessibility", _l("Accessibility statement")),
    "privacy": ("privacy", _l("Privacy notice")),
    "legal-notice": ("notice", _l("Legal notice")),
    "contact": ("contact", _l("Contact us")),
}


def statement_date() -> date | None:
    raw = current_app.config.get("ACCESSIBILITY_STATEMENT_DATE") or ""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.route("/<any(accessibility, privacy, 'legal-notice', contact):slug>")
def page(slug: str) -> ViewResult:
    if slug not in PAGES:  # pragma: no cover - the route's converter already refuses it
        abort(404)
    template, title = PAGES[slug]
    config = current_app.config
    return render_template(
        f"legal/{reader_language()}/{template}.html", title=title,
        dpo_email=config["DPO_EMAIL"], contact_email=config["CONTACT_EMAIL"],
        enterprise_number=config["PUBLISHER_ENTERPRISE_NUMBER"],
        publisher_address=config["PUBLISHER_ADDRESS"], statement_date=statement_date(),
        my_data_url=url_for("legal.my_data") if current_user.is_authenticated else None)


from app.legal import rights_views as _rights  # noqa: E402,F401  (its routes, on bp)
