"""Catalogue CSV import and export through the admin pages and the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Role, User
from app.catalogue.models import CatalogueItem, Framework, FrameworkStatus
from app.catalogue.services import browse
from app.catalogue.services import frameworks as framework_services
from app.common.admin_log import AdminLogEntry
from app.extensions import db

from .support import (
    HEADER,
    WORLD_REFERENCE,
    World,
    csv_text,
    row,
    snapshot,
)

# --- The admin pages -------------------------------------------------------------------------

def upload(client: FlaskClient, framework: Framework, content: str | bytes,
           dry_run: bool = False) -> str:
    data: dict[str, Any] = {
        "framework": str(framework.id),
        "file": (io.BytesIO(content.encode() if isinstance(content, str) else content),
                 "catalogue.csv")}
    if dry_run:
        data["dry_run"] = "y"
    response = client.post("/admin/catalogue/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_import_page_documents_the_format(admin_client: FlaskClient,
                                              framework: Framework) -> None:
    html = admin_client.get("/admin/catalogue/import").get_data(as_text=True)
    assert HEADER in html
    assert f'<option selected value="{framework.id}">' in html  # the only active framework


def test_the_import_page_shows_the_problems_as_a_table_and_changes_nothing(
        admin_client: FlaskClient, framework: Framework) -> None:
    before = snapshot()
    html = upload(admin_client, framework, csv_text(row("L3-A", lot="42"), row("L3-B",
                                                                               price="x")))
    assert "The file was not imported" in html
    assert "<td>2</td><td><code>lot_number</code></td>" in html
    assert "<td>3</td><td><code>unit_price_eur</code></td>" in html
    assert snapshot() == before


def test_the_import_page_imports_and_shows_the_counts(admin_client: FlaskClient,
                                                      framework: Framework) -> None:
    checked = upload(admin_client, framework, csv_text(row("L3-A")), dry_run=True)
    assert "nothing was changed" in checked
    assert db.session.execute(select(CatalogueItem).where(CatalogueItem.code == "L3-A")).first() \
        is None
    html = upload(admin_client, framework, csv_text(row("L3-A")))
    assert "The file is imported" in html
    assert "<dt>New items</dt><dd>1</dd>" in html
    assert browse.get_current_item("L3-A").lot.number == 3


def test_a_file_is_required(admin_client: FlaskClient, framework: Framework) -> None:
    response = admin_client.post("/admin/catalogue/import", data={"framework": framework.id})
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_the_export_page_downloads_what_the_import_reads(admin_client: FlaskClient,
                                                         admin: User,
                                                         framework: Framework) -> None:
    response = admin_client.get(f"/admin/catalogue/export?framework={framework.id}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert WORLD_REFERENCE in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    before = snapshot()
    html = upload(admin_client, framework, response.data)
    assert "The file is imported" in html and snapshot() == before


# --- The command line ------------------------------------------------------------------------

def test_the_cli_exports_and_imports(app: Flask, admin: User, framework: Framework,
                                     tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["catalogue", "export"])
    assert exported.exit_code == 0, exported.output
    assert exported.output.splitlines()[0] == HEADER
    target = tmp_path / "catalogue.csv"
    assert runner.invoke(args=["catalogue", "export", str(target), "--framework",
                               WORLD_REFERENCE]).exit_code == 0
    assert target.read_text(encoding="utf-8") == exported.output

    source = tmp_path / "new.csv"
    source.write_text(csv_text(row("L3-CLI")), encoding="utf-8")
    dry = runner.invoke(args=["catalogue", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0 and "would have created 1" in dry.output
    assert db.session.execute(select(CatalogueItem.id).where(CatalogueItem.code == "L3-CLI")
                              ).first() is None
    done = runner.invoke(args=["catalogue", "import", str(source)])
    assert done.exit_code == 0, done.output
    assert "created 1, updated 0, revised 0, unchanged 0" in done.output
    again = runner.invoke(args=["catalogue", "import", str(source),
                                "--framework", WORLD_REFERENCE])
    assert "created 0, updated 0, revised 0, unchanged 1" in again.output
    entry = db.session.execute(select(AdminLogEntry).where(
        AdminLogEntry.action == "create", AdminLogEntry.entity_type == "catalogue_item")
    ).scalar_one()
    first_admin = db.session.execute(select(User.id).where(User.role == Role.ADMIN)
                                     .order_by(User.id)).scalars().first()
    assert entry.actor_id == first_admin


def test_the_cli_lists_the_problems_and_fails(app: Flask, admin: User, framework: Framework,
                                              tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(csv_text(row("L3-A", lot="42"), row("L3-B", vat="x")), encoding="utf-8")
    before = snapshot()
    result = app.test_cli_runner().invoke(args=["catalogue", "import", str(source)])
    assert result.exit_code == 1
    assert (f"row 2, lot_number: Framework {WORLD_REFERENCE} has no lot 42."
            in result.output)
    assert "row 3, vat_rate_percent:" in result.output
    assert snapshot() == before


def test_the_cli_refuses_without_an_admin_or_a_framework(
        app: Flask, catalogue: World, make_user: Callable[..., User], tmp_path: Path) -> None:
    make_user(Role.ADMIN)
    for user in db.session.execute(select(User).where(User.role == Role.ADMIN)).scalars():
        user.active = False
    db.session.commit()
    source = tmp_path / "new.csv"
    source.write_text(csv_text(row()), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "import", str(source)])
    assert result.exit_code != 0 and "no active admin account" in result.output
    assert "no framework" in runner.invoke(
        args=["catalogue", "export", "--framework", "NOPE"]).output
    framework = framework_services.framework_by_reference(WORLD_REFERENCE)
    framework.status = FrameworkStatus.EXPIRED
    db.session.commit()
    assert "--framework" in runner.invoke(args=["catalogue", "export"]).output
