"""The `riskapp` command: Flask's own commands (`run`, `shell`, `db`) plus riskapp's."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from .cli_period import period_group
from .cli_support import in_transaction
from .domain.accounts.roles import ROLES
from .domain.errors import InvalidInput, LibraryInvalid, NotFound
from .migration_commands import migration_commands

# The services and what they load (openpyxl, python-docx, SciPy, Alembic) are imported by
# the commands that use them, so that `import riskapp.cli` and `riskapp --help` stay quick.


def _progress(message: str) -> None:
    click.echo(f"  … {message}", err=True)


def _library_path(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.config["RISKAPP_SEED_LIBRARY"])


def _report_problems(problems: list) -> None:
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}:", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)


def upgrade_database() -> None:
    """Create the schema, or bring an older one to the latest migration."""
    from flask_migrate import upgrade  # Alembic only for the commands that migrate

    upgrade(directory=current_app.extensions["migrate"].directory)


def _print_load_report(report: Any) -> None:
    click.echo(f"Library loaded: {report.summary()}.")
    for line in report.retired_lines():
        click.echo(f"  {line}")


def _load(path: Path) -> None:
    from .services import library as library_service

    click.echo(f"Loading library {path}", err=True)
    try:
        report = library_service.load_library(path, _progress)
    except LibraryInvalid as exc:
        _report_problems(exc.problems)
        raise click.exceptions.Exit(1) from exc
    _print_load_report(report)


@click.command("init")
@click.option("--no-library", is_flag=True, help="Only create or upgrade the database.")
@in_transaction
def init_command(no_library: bool) -> None:
    """Create or upgrade the database; load the shipped library unless another is loaded."""
    from .services import library as library_service

    click.echo("Upgrading the database to the latest revision", err=True)
    upgrade_database()
    click.echo("Database is at the latest revision.")
    if no_library:
        click.echo("The library was left as it is (--no-library).")
        return
    path = _library_path(None)
    click.echo(f"Reading the shipped library {path}", err=True)
    try:
        decision, report = library_service.load_shipped_library(path, _progress)
    except LibraryInvalid as exc:
        _report_problems(exc.problems)
        raise click.exceptions.Exit(1) from exc
    click.echo(decision.reason)
    if report is not None:
        _print_load_report(report)


@click.group("library")
def library_group() -> None:
    """Check, load and describe control libraries."""


@library_group.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@in_transaction
def library_check(path: str | None) -> None:
    """Validate a library folder (default: the shipped one); exit 1 listing every problem."""
    from .services import library as library_service

    folder = _library_path(path)
    problems = library_service.check_library(folder, _progress)
    if problems:
        _report_problems(problems)
        raise click.exceptions.Exit(1)
    click.echo(f"{folder}: library is valid.")


@library_group.command("load")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@in_transaction
def library_load(path: str | None) -> None:
    """Load a library folder, or update the loaded one in place (default: the shipped one)."""
    _load(_library_path(path))


@library_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@in_transaction
def library_stats(as_json: bool) -> None:
    """Show the loaded library's counts, edges and integrity violations."""
    from .services import library as library_service

    stats = library_service.current_stats()
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    click.echo(f"{stats['library']['name']} {stats['library']['version']}")
    for slug, figures in stats["frameworks"].items():
        click.echo(f"  {slug}: {figures['criteria']} criteria")
    for kind in ("risks", "controls", "evidence_types", "policies"):
        click.echo(f"  {kind.replace('_', ' ')}: {stats[kind]}")
    for kind, n in stats["edges"].items():
        click.echo(f"  {kind.replace('_', ' ')} edges: {n}")
    broken = {rule: refs for rule, refs in stats["violations"].items() if refs}
    if not broken:
        click.echo("  no integrity violations")
    for rule, refs in broken.items():
        click.echo(f"  {rule.replace('_', ' ')}: {', '.join(refs)}")


@click.group("export")
def export_group() -> None:
    """Write an assessment's workbook, policies or system description (default: exports/)."""


def _export_dir() -> Path:
    return Path(current_app.config["RISKAPP_EXPORT_DIR"])


def _not_found(exc: NotFound) -> click.exceptions.Exit:
    click.echo(f"Error: {exc.kind} {exc.key} not found.", err=True)
    return click.exceptions.Exit(1)


@export_group.command("workbook")
@click.option("--assessment", "assessment_id", type=int, required=True, help="Assessment id.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx file to write (default: a file named after the assessment in exports/).",
)
@in_transaction
def export_workbook(assessment_id: int, out: Path | None) -> None:
    """Write the assessment's gap-matrix workbook (.xlsx)."""
    from .services import exports as export_service

    click.echo(f"Building the workbook of assessment {assessment_id}", err=True)
    try:
        path = export_service.write_workbook(assessment_id, out, _export_dir())
    except NotFound as exc:
        raise _not_found(exc) from exc
    click.echo(f"Wrote {path}")


@export_group.command("policies")
@click.option("--assessment", "assessment_id", type=int, required=True, help="Assessment id.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write into (default: a folder named after the assessment in exports/).",
)
@click.option(
    "--effective-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Effective date printed on each policy (default: today).",
)
@in_transaction
def export_policies(assessment_id: int, out: Path | None, effective_date: datetime | None) -> None:
    """Write one .docx per policy documenting a selected control, and a .zip of them all."""
    from .services import exports as export_service

    click.echo(f"Building the policies of assessment {assessment_id}", err=True)
    effective = effective_date.date() if effective_date else None
    try:
        paths = export_service.write_policies(
            assessment_id, out, _export_dir(), effective_date=effective, progress=_progress
        )
    except NotFound as exc:
        raise _not_found(exc) from exc
    click.echo(f"Wrote {len(paths) - 1} policies and {paths[-1].name} to {paths[-1].parent}")


@export_group.command("description")
@click.option("--assessment", "assessment_id", type=int, required=True, help="Assessment id.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .docx file to write (default: a file named after the assessment in exports/).",
)
@in_transaction
def export_description(assessment_id: int, out: Path | None) -> None:
    """Write the draft system description (DC1–DC9) as a Word document."""
    from .services import description as description_service  # python-docx only here

    click.echo(f"Drafting the system description of assessment {assessment_id}", err=True)
    try:
        path = description_service.write_description(assessment_id, out, _export_dir())
    except NotFound as exc:
        raise _not_found(exc) from exc
    click.echo(f"Wrote {path}")


@click.command("coverage")
@click.option("--assessment", "assessment_id", type=int, required=True, help="Assessment id.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--closing-set",
    "closing",
    is_flag=True,
    help="Add the smallest set of library controls that closes the gaps.",
)
@click.option(
    "--with-risks",
    is_flag=True,
    help="Let the closing set also close the unmitigated risks (implies --closing-set).",
)
@in_transaction
def coverage_command(assessment_id: int, as_json: bool, closing: bool, with_risks: bool) -> None:
    """Show how the selected controls cover the assessment's in-scope criteria."""
    from .services import coverage as coverage_service

    try:
        report = coverage_service.coverage_report(
            assessment_id, closing=closing or with_risks, include_risks=with_risks
        )
    except NotFound as exc:
        raise _not_found(exc) from exc
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    _print_coverage(report)


def _print_coverage(report: dict) -> None:
    totals = report["totals"]
    total = sum(totals.values())
    click.echo(f"{report['assessment']['name']}: {total} in-scope criteria")
    click.echo(
        f"  {'series':<8}{'covered':>9}{'partial':>9}{'gap':>6}{'n/a':>6}{'carved':>8}"
        f"{'covered %':>11}"
    )
    rows = [*report["by_series"].items(), ("all", {**totals, "percentages": report["percentages"]})]
    for ref, t in rows:
        share = t["percentages"]["covered"]
        click.echo(
            f"  {ref:<8}{t['covered']:>9}{t['partial']:>9}{t['gap']:>6}"
            f"{t['not_applicable']:>6}{t['carved_out']:>8}{share:>11.1f}"
        )
    for item in report["criteria"]:
        if item["status"] == "not_applicable":
            click.echo(f"  {'n/a':<8}{item['ref']}: {item['reason']}")
        elif item["status"] == "carved_out":
            click.echo(f"  {'carved':<8}{item['ref']} to {item['vendor']}: {item['reason']}")
            if item["warning"]:
                click.echo(f"  {'':<8}warning: {item['warning']}")
        elif item["status"] != "covered":
            controls = ", ".join(item["controls"]) or "no control"
            click.echo(f"  {item['status']:<8}{item['ref']} ({controls})")
    if report.get("monitoring_controls_unselected"):
        unselected = ", ".join(report["monitoring_controls_unselected"])
        click.echo(f"Carve-outs call for these monitoring controls, not selected: {unselected}")
    if report["unmitigated_risks"]:
        click.echo(f"Unmitigated risks: {', '.join(report['unmitigated_risks'])}")
    found = report.get("closing_set")
    if found is not None:
        proof = (
            "proven minimal"
            if found["proven_minimal"]
            else f"not proven minimal; at least {found['lower_bound']} needed"
        )
        click.echo(f"Closing set: {len(found['controls'])} controls ({proof})")
        for control in found["controls"]:
            click.echo(f"  {control['ref']}: closes {', '.join(control['closes'])}")
        if found["unclosable"]:
            click.echo(f"  no library control closes {', '.join(found['unclosable'])}")


@click.command("demo")
@click.option("--org", "org_name", default="Demo Co", show_default=True, help="Organisation name.")
@click.option("--json", "as_json", is_flag=True, help='Print {"organization_id", "assessment_id"}.')
@in_transaction
def demo_command(org_name: str, as_json: bool) -> None:
    """Create a demo organisation with a completed SOC 2 Type 2 assessment."""
    from .services import demo as demo_service

    org_id, assessment_id = demo_service.create_demo(org_name)
    if as_json:
        click.echo(json.dumps({"organization_id": org_id, "assessment_id": assessment_id}))
    else:
        click.echo(f"Created organisation {org_id} with assessment {assessment_id}.")


@click.group("user")
def user_group() -> None:
    """Create users and reset passwords (for servers without public sign-up)."""


def _read_password(from_stdin: bool) -> str:
    """Read a password: prompted twice with hidden input, or one line of standard input."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _report_invalid(exc: InvalidInput) -> click.exceptions.Exit:
    for name, message in exc.problems.items():
        click.echo(f"Error: {name.replace('_', ' ')}: {message}", err=True)
    return click.exceptions.Exit(1)


@user_group.command("create")
@click.option("--email", required=True, help="The user's email; they sign in with it.")
@click.option("--org", "org_name", required=True, help="Organisation name (created if new).")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="owner",
    show_default=True,
    help="The user's role in the organisation.",
)
@click.option("--name", default="", help="The user's name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (also when standard input is not a terminal).",
)
@in_transaction
def user_create(email: str, org_name: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a user in an organisation; the first administrator of a server without sign-up."""
    from .services import accounts as account_service

    password = _read_password(password_stdin)
    try:
        user, org, created = account_service.create_user(email, password, org_name, role, name)
    except InvalidInput as exc:
        raise _report_invalid(exc) from exc
    made = "new organisation" if created else "organisation"
    click.echo(f"Created {user.email} as {role} of {made} {org.name}.")


@user_group.command("set-password")
@click.option("--email", required=True, help="The user's email.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@in_transaction
def user_set_password(email: str, password_stdin: bool) -> None:
    """Set a user's password and lift any sign-in pause (their sessions end)."""
    from .services import accounts as account_service

    password = _read_password(password_stdin)
    try:
        user = account_service.reset_password(email, password)
    except InvalidInput as exc:
        raise _report_invalid(exc) from exc
    click.echo(f"Password of {user.email} is set.")


def register_commands(app: Flask) -> None:
    """Attach riskapp's commands to the app's CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from .app import create_app

    return create_app()


class _Commands(FlaskGroup):
    """Flask's command group, listing riskapp's own commands without building the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(click.Group.list_commands(self, ctx))


@click.group(cls=_Commands, create_app=_create_app, add_version_option=False)
def main() -> None:
    """riskapp: risk-based control-library builder. `riskapp run` serves the app."""


def _add_commands(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
    group.add_command(migration_commands())


COMMANDS = (
    init_command,
    library_group,
    demo_command,
    export_group,
    coverage_command,
    user_group,
    period_group,
)
_add_commands(main)
