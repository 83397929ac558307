"""``flask`` commands: seed-demo, users create, tokens create, sweep (db: Flask-Migrate)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth import services
from app.auth.models import Organisation
from app.common import outbox
from app.common.errors import ValidationFailed
from app.extensions import db
from app.vendors.models import Vendor


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(sweep_command)
    app.cli.add_command(bench_data_command)
    from app.catalogue.cli import catalogue_cli
    from app.orders.cli import audit_cli

    app.cli.add_command(catalogue_cli)
    app.cli.add_command(audit_cli)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo framework, lots, items, vendors and accounts (idempotent)."""
    from app.demo.seed import seed_demo

    report = seed_demo()
    db.session.commit()
    click.echo("Demo data ready. Accounts:")
    for email, role in report.accounts:
        click.echo(f"  {email:28} {role}")
    if report.password_is_default:
        click.echo(f"Password for every demo account (set DEMO_PASSWORD to change it): "
                   f"{report.password}")
    else:
        click.echo("Password for every demo account: the value of DEMO_PASSWORD")


@click.command("bench-data")
@click.option("--orders", default=100_000, show_default=True, type=click.IntRange(0))
@click.option("--items", default=2000, show_default=True, type=click.IntRange(0),
              help="Catalogue items in all (the demo's count too).")
@click.option("--organisations", default=200, show_default=True, type=click.IntRange(0),
              help="Organisations in all, one buyer each.")
@click.option("--seed", default=13, show_default=True, help="Random seed (same data each run).")
def bench_data_command(orders: int, items: int, organisations: int, seed: int) -> None:
    """Fill an empty database with scale data for measurements (never a real one)."""
    from app.demo.bench_data import AlreadyHasOrders, bench_data

    try:
        report = bench_data(orders=orders, items=items, organisations=organisations,
                            seed=seed, progress=click.echo)
    except AlreadyHasOrders as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{report.orders} orders in {report.seconds:.1f} s: "
               + ", ".join(f"{state} {n}" for state, n in sorted(report.per_state.items())))


users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["buyer", "vendor", "staff", "admin"]))
@click.option("--org", "org", help="Organisation id or exact name (buyers).")
@click.option("--vendor", "vendor", help="Vendor id or exact name (vendor users).")
@click.option("--name", "full_name", default="")
@click.option("--language", default="fr", type=click.Choice(["fr", "nl", "en"]))
@click.option("--password", default=None,
              help="Omit to e-mail an invitation link instead (or use --prompt-password).")
@click.option("--prompt-password", is_flag=True, help="Ask for the password on the terminal.")
def users_create(email: str, role: str, org: str | None, vendor: str | None, full_name: str,
                 language: str, password: str | None, prompt_password: bool) -> None:
    """Create an account."""
    if prompt_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    organisation_id = _lookup(Organisation, org) if org else None
    vendor_id = _lookup(Vendor, vendor) if vendor else None
    try:
        user = services.create_user(None, email=email, role=role, full_name=full_name,
                                    language=language, organisation_id=organisation_id,
                                    vendor_id=vendor_id, password=password)
    except ValidationFailed as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            click.echo(f"{field}: {' '.join(messages)}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"created user {user.id} {user.email} ({user.role.value})")


def _lookup(model: type[Organisation] | type[Vendor], value: str) -> int:
    """An id, or an exact name."""
    column = model.id if value.isdigit() else model.name
    found = db.session.execute(
        select(model.id).where(column == (int(value) if value.isdigit() else value))
    ).scalar_one_or_none()
    if found is None:
        raise click.BadParameter(f"no {model.__tablename__} {value!r}")
    return int(found)


tokens_cli = AppGroup("tokens", help="Manage API tokens.")


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli")
def tokens_create(email: str, name: str) -> None:
    """Create an API token for a user; the token is printed as the last line."""
    user = services.user_by_email(email)
    if user is None or not user.active:
        click.echo(f"no active user {email!r}", err=True)
        sys.exit(1)
    try:
        _row, plaintext = services.create_api_token(user, name)
    except ValidationFailed as exc:
        click.echo(f"name: {' '.join(exc.errors['name'])}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"API token for {user.email} (shown once):")
    click.echo(plaintext)


@click.command("sweep")
def sweep_command() -> None:
    """Run the sweepers once: expire overdue offers, re-enqueue unsent outbox messages."""
    from app.assignment.cli import expire_overdue_now

    expired = expire_overdue_now()
    click.echo(f"offers and invitations: {expired} expired")
    counts = outbox.sweep()
    click.echo(f"outbox: {counts['due']} due, {counts['enqueued']} enqueued, "
               f"{counts['not_enqueued']} could not be enqueued")
