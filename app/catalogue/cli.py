"""``flask catalogue import|export``: the catalogue CSV for operators (format: csv_io)."""

from __future__ import annotations

import sys
from typing import BinaryIO

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import Role, User
from app.catalogue import csv_io
from app.catalogue.models import Framework
from app.catalogue.services import frameworks as framework_services
from app.common.errors import NotFound
from app.common.i18n import in_language
from app.extensions import db

catalogue_cli = AppGroup("catalogue", help="Import and export the priced catalogue as CSV.")

FRAMEWORK_HELP = "Framework reference; default: the only framework whose status is active."


def operator() -> User:
    """The account the CLI acts as: the first active admin (lowest id)."""
    user = db.session.execute(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        .limit(1)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(
            "no active admin account: create one first (flask users create --role admin "
            "--email ...); catalogue changes are recorded in the admin log under it")
    return user


def _framework(reference: str | None) -> Framework:
    if reference:
        try:
            return framework_services.framework_by_reference(reference)
        except NotFound:
            raise click.ClickException(f"no framework with reference {reference!r}") from None
    framework = framework_services.default_framework()
    if framework is None:
        raise click.ClickException("there is not exactly one active framework: "
                                   "choose one with --framework REF")
    return framework


@catalogue_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--framework", "reference", metavar="REF", help=FRAMEWORK_HELP)
@click.option("--dry-run", is_flag=True, help="Check the file and count what would change; "
                                              "change nothing.")
def import_command(file: BinaryIO, reference: str | None, dry_run: bool) -> None:
    """Import items and prices from the CSV FILE ('-' reads standard input).

    All or nothing: every row is checked first; any problem is listed (row, column, reason,
    the header being row 1) and nothing changes. The changes are recorded in the admin log
    under the first active admin account (lowest id); the command refuses to run when there
    is none. The column format is described in app/catalogue/csv_io.py.
    """
    framework = _framework(reference)
    actor = operator()
    with in_language("en"):
        report = csv_io.import_catalogue(actor, framework, file.read(), dry_run=dry_run)
        if not report.ok:
            db.session.rollback()
            click.echo(f"{len(report.errors)} problem(s); nothing was changed:", err=True)
            for error in report.errors:
                where = f"row {error.row}" if error.row else "file"
                column = f", {error.column}" if error.column else ""
                click.echo(f"  {where}{column}: {error.reason}", err=True)
            sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    prefix = "dry run, nothing changed: would have " if dry_run else ""
    click.echo(f"{framework.reference}: {prefix}created {report.created}, updated "
               f"{report.updated}, revised {report.revised}, unchanged {report.unchanged}")


@catalogue_cli.command("export")
@click.argument("file", type=click.File("wb"), default="-")
@click.option("--framework", "reference", metavar="REF", help=FRAMEWORK_HELP)
def export_command(file: BinaryIO, reference: str | None) -> None:
    """Write the framework's current items as CSV to FILE (default '-': standard output).

    The format is the import's, so importing the export changes nothing.
    """
    framework = _framework(reference)
    file.write(csv_io.export_catalogue(framework).encode("utf-8"))
