"""The catalogue's CSV import and export pages (format: app.catalogue.csv_io)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.auth.decorators import admin_required
from app.catalogue import csv_io
from app.catalogue.admin.blueprint import bp
from app.catalogue.forms import (
    ImportForm,
)
from app.catalogue.models import Framework
from app.catalogue.services import frameworks as framework_services
from app.common.numbers import parse_id
from app.common.time import today
from app.common.web import ViewResult
from app.extensions import db

# --- Catalogue CSV import and export ---------------------------------------------------------

def _framework_choices(frameworks: list[Framework]) -> list[tuple[int, str]]:
    return [(f.id, f"{f.reference} — {f.title_fr}") for f in frameworks]


@bp.route("/catalogue/import", methods=["GET", "POST"])
@admin_required
def import_catalogue() -> ViewResult:
    frameworks = framework_services.list_frameworks(current_user)
    default = framework_services.default_framework()
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
    framework_id = parse_id(request.args.get("framework", ""))
    if framework_id is not None:
        framework: Framework | None = framework_services.get_framework(current_user, framework_id)
    else:
        framework = framework_services.default_framework()
    if framework is None:
        flash(_("Choose the framework to export."), "error")
        return redirect(url_for("admin.import_catalogue"))
    name = secure_filename(f"catalogue-{framework.reference}-{today().isoformat()}.csv")
    # A byte-order mark, so spreadsheet programs read the accents right; the import accepts it.
    body = "\ufeff" + csv_io.export_catalogue(framework)
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
