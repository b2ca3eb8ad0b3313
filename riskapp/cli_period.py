"""`riskapp period …`: run a Type 2 period from scripts, with the functions the web uses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from .cli_support import in_transaction
from .domain.errors import InvalidInput, NotFound, RuleViolation, UploadRejected

# The services (and SQLAlchemy behind them) load in the commands, so that
# `import riskapp.cli` and `riskapp --help` stay quick.

DATE = click.DateTime(formats=["%Y-%m-%d"])


@contextmanager
def _reported() -> Iterator[None]:
    """Turn the services' errors into a message and exit code 1 (nothing is committed)."""
    from .domain.period.population_file import PopulationInvalid
    from .services import period as period_service

    try:
        with period_service.command_line():
            yield
    except NotFound as exc:
        click.echo(f"Error: {exc.kind} {exc.key} not found.", err=True)
        raise click.exceptions.Exit(1) from exc
    except PopulationInvalid as exc:
        click.echo(f"Error: {exc}", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise click.exceptions.Exit(1) from exc
    except InvalidInput as exc:
        for name, message in exc.problems.items():
            click.echo(f"Error: {name.replace('_', ' ')}: {message}", err=True)
        raise click.exceptions.Exit(1) from exc
    except (RuleViolation, UploadRejected) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise click.exceptions.Exit(1) from exc


def _evidence_dir() -> Path:
    return Path(current_app.config["RISKAPP_EVIDENCE_DIR"])


@click.group("period")
def period_group() -> None:
    """Run a Type 2 period: populations, samples, evidence and the evidence package."""


def _assessment_option(fn):  # type: ignore[no-untyped-def]
    return click.option(
        "--assessment", "assessment_id", type=int, required=True, help="Assessment id."
    )(fn)


@period_group.command("import-population")
@_assessment_option
@click.option("--control", "ref", required=True, help="The per-event control's ref.")
@click.option("--file", "path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--empty", is_flag=True, help="Record that the population holds no events.")
@click.option("--source", "source_system", required=True, help="The system it came from.")
@click.option("--query", default="", help="The query or report that produced it.")
@click.option("--pulled-by", default="", help="Who pulled it.")
@click.option("--pulled-at", type=DATE, help="When it was pulled (default: today).")
@click.option("--yes", is_flag=True, help="Replace an existing population without asking.")
@in_transaction
def import_population(
    assessment_id: int,
    ref: str,
    path: Path | None,
    empty: bool,
    source_system: str,
    query: str,
    pulled_by: str,
    pulled_at: datetime | None,
    yes: bool,
) -> None:
    """Import a control's population from a .csv or .xlsx file (or record it empty)."""
    from .services import period as period_service
    from .services import populations as population_service
    from .services.populations import Source

    if bool(path) == empty:
        raise click.UsageError("give either --file or --empty")
    source = Source(source_system, query, pulled_by, pulled_at.date() if pulled_at else None)
    with _reported():
        assessment = period_service.assessment(assessment_id)
        if empty:
            row = population_service.record_empty(assessment, ref, source)
            click.echo(f"{ref}: empty population recorded (pulled {row.pulled_at}).")
            return
        assert path is not None
        with path.open("rb") as handle:
            preview = population_service.preview(assessment, ref, handle, path.name)
        click.echo(f"{ref}: {len(preview.parsed.items)} items, fingerprint {preview.fingerprint}")
        if preview.existing is not None:
            click.echo(f"  compared with the current population: {preview.diff.summary()}")
            for label, ids in (("added", preview.diff.added), ("removed", preview.diff.removed)):
                if ids:
                    shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
                    click.echo(f"  {label}: {shown}")
            if not preview.diff.unchanged and not yes:
                click.echo("Not replaced: run again with --yes to replace it.", err=True)
                raise click.exceptions.Exit(1)
        row = population_service.replace(
            assessment, ref, preview.parsed, source, filename=path.name
        )
        click.echo(f"Imported {row.item_count} items into {ref}'s population.")


@period_group.command("draw")
@_assessment_option
@click.option("--control", "ref", required=True, help="The control's ref.")
@click.option("--json", "as_json", is_flag=True, help="Print the sample as JSON.")
@in_transaction
def draw_command(assessment_id: int, ref: str, as_json: bool) -> None:
    """Draw a control's sample (seeded by its inputs; the earlier draw is kept)."""
    from .services import period as period_service

    with _reported():
        assessment = period_service.assessment(assessment_id)
        sample, new = period_service.draw_sample(assessment, ref)
        if as_json:
            click.echo(json.dumps(period_service.sample_record(sample), indent=2))
            return
        state = "drawn" if new else "unchanged (same inputs as the current draw)"
        click.echo(f"{ref}: sample {sample.id} {state}")
        click.echo(f"  {sample.size} of {sample.population_size} ({sample.rule})")
        click.echo(f"  table: {sample.table_name}")
        click.echo(f"  seed: {sample.seed}\n  fingerprint: {sample.fingerprint}")
        for item in sample.items:
            click.echo(f"  {item['date']}  {item['id']}  {item['description']}")


@period_group.command("rederive")
@_assessment_option
@click.option("--control", "ref", required=True, help="The control whose current sample to check.")
@in_transaction
def rederive_command(assessment_id: int, ref: str) -> None:
    """Re-derive a control's stored sample from its inputs; exit 1 when it does not match."""
    from .services import period as period_service

    with _reported():
        assessment = period_service.assessment(assessment_id)
        sample = period_service.current_sample(assessment, ref)
        if sample is None:
            raise RuleViolation(f"{ref} has no sample yet: draw one first.")
        result = period_service.rederive_sample(assessment, sample)
    if result.matches:
        click.echo(f"{ref}: sample {sample.id} matches (seed {sample.seed[:12]}…).")
        return
    click.echo(f"{ref}: sample {sample.id} does NOT match.", err=True)
    if not result.fingerprint_matches:
        click.echo("  the population changed since the draw (fingerprint differs)", err=True)
    click.echo(f"  stored:   {', '.join(result.stored)}", err=True)
    click.echo(f"  expected: {', '.join(result.expected)}", err=True)
    raise click.exceptions.Exit(1)


@period_group.command("attach")
@_assessment_option
@click.option("--control", "ref", required=True, help="The control's ref.")
@click.option("--occurrence", type=int, help="The occurrence number (see the calendar).")
@click.option("--item", "item_id", default="", help="A sampled item's id.")
@click.option("--file", "path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--url", default="", help="A link instead of a file.")
@click.option("--effective-date", type=DATE, required=True, help="The date the evidence shows.")
@click.option("--collected-by", default="", help="Who collected it.")
@click.option("--note", default="", help="A note for the auditor.")
@in_transaction
def attach_command(
    assessment_id: int,
    ref: str,
    occurrence: int | None,
    item_id: str,
    path: Path | None,
    url: str,
    effective_date: datetime,
    collected_by: str,
    note: str,
) -> None:
    """Attach a file or link as evidence of an occurrence or a sampled item."""
    from .services import evidence as evidence_service
    from .services import period as period_service

    if (occurrence is None) == (not item_id):
        raise click.UsageError("give either --occurrence or --item")
    if bool(path) == bool(url):
        raise click.UsageError("give either --file or --url")
    target = evidence_service.Target(ref, occurrence, item_id)
    details = evidence_service.Details(effective_date.date(), collected_by, note)
    with _reported():
        assessment = period_service.assessment(assessment_id)
        if path is not None:
            with path.open("rb") as handle:
                row = evidence_service.attach_file(
                    assessment,
                    target,
                    handle,
                    path.name,
                    details,
                    root=_evidence_dir(),
                    max_bytes=current_app.config["RISKAPP_EVIDENCE_MAX_BYTES"],
                )
        else:
            row = evidence_service.attach_link(assessment, target, url, details)
    flag = " (effective date outside its window)" if evidence_service.outside_window(row) else ""
    click.echo(f"Evidence {row.id} attached to {ref} {evidence_service.target_label(row)}{flag}")
    if row.kind == "file":
        click.echo(f"  sha256 {row.sha256}")


@period_group.command("table")
@_assessment_option
@click.option("--file", "path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--shipped", is_flag=True, help="Go back to the table shipped with riskapp.")
@in_transaction
def table_command(assessment_id: int, path: Path | None, shipped: bool) -> None:
    """Show the sample-size table, or switch to a YAML one (an audit firm's) or the shipped one."""
    from .services import period as period_service

    if path and shipped:
        raise click.UsageError("give --file or --shipped, not both")
    with _reported():
        assessment = period_service.assessment(assessment_id)
        if path is not None:
            period_service.set_table_from_text(assessment, path.read_text(encoding="utf-8"))
        elif shipped:
            period_service.set_table(assessment, None)
        click.echo(period_service.table_text(assessment), nl=False)


@period_group.command("package")
@_assessment_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="The .zip to write.")
@in_transaction
def package_command(assessment_id: int, out: Path | None) -> None:
    """Write the evidence package: a folder per control and occurrence, and a manifest."""
    from .services import evidence as evidence_service
    from .services import period as period_service

    with _reported():
        assessment = period_service.assessment(assessment_id)
        target = out or Path(current_app.config["RISKAPP_EXPORT_DIR"]) / (
            evidence_service.package_name(assessment)
        )
        count = evidence_service.write_package(
            assessment, target, _evidence_dir(), progress=lambda m: click.echo(f"  … {m}", err=True)
        )
    click.echo(f"Wrote {count} evidence entries to {target}")


@period_group.command("checks")
@_assessment_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@in_transaction
def checks_command(assessment_id: int, as_json: bool) -> None:
    """Run the library's computed checks over every population and print the failing items."""
    from .services import checks as checks_service
    from .services import period as period_service

    with _reported():
        found = checks_service.checks_for(period_service.assessment(assessment_id))
        report = [checks_service.as_report(c) for c in found]
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
        return
    if not report:
        click.echo("No population of this assessment has computed checks.")
    for r in report:
        click.echo(f"{r['control']} {r['title']}: {r['items']} items, {r['summary']}")
        for name, why in r["cannot_run"]:
            click.echo(f"  cannot run {name}: {why}")
        if r["blocked"]:
            click.echo(f"  test blocked: {r['blocked']}")
        for f in r["failures"]:
            click.echo(
                f"  {f['item_id']}  {f['item_date']}  {f['check']}  {f['failed']}  [{f['status']}]"
            )


@period_group.command("import-second-source")
@_assessment_option
@click.option("--control", "ref", required=True, help="The control that declares a second source.")
@click.option(
    "--file", "path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--source", "source_system", required=True, help="The system it came from.")
@click.option("--query", default="", help="The query or report that produced it.")
@click.option("--pulled-by", default="", help="Who pulled it.")
@click.option("--pulled-at", type=DATE, help="When it was pulled.")
@in_transaction
def import_second_source(
    assessment_id: int,
    ref: str,
    path: Path,
    source_system: str,
    query: str,
    pulled_by: str,
    pulled_at: datetime | None,
) -> None:
    """Import a control's second source and print what is in one source only."""
    from .services import period as period_service
    from .services import reconciliation as reconciliation_service
    from .services.populations import Source

    source = Source(source_system, query, pulled_by, pulled_at.date() if pulled_at else None)
    with _reported():
        assessment = period_service.assessment(assessment_id)
        with path.open("rb") as handle:
            row = reconciliation_service.import_second(assessment, ref, handle, path.name, source)
        found = reconciliation_service.status_of(assessment.id, row.control)
    click.echo(f"{ref}: second source imported, {row.item_count} rows")
    if found.problem:
        click.echo(f"  {found.problem}")
    if found.result is not None:
        click.echo(f"  {found.result.matched} matched")
        for m in found.result.mismatches:
            note = found.notes.get((m.side, m.key))
            state = f"explained: {note.reason}" if note else "not explained"
            click.echo(f"  only in {found.side_name(m.side)}: {m.written} ({m.item_id}) [{state}]")


@period_group.command("conclusions")
@_assessment_option
@click.option("--json", "as_json", is_flag=True, help="Print the conclusions as JSON.")
def conclusions_command(assessment_id: int, as_json: bool) -> None:
    """Print each control's conclusion by the deviation rule, and the readiness figure."""
    from .services import period as period_service
    from .services import readiness as readiness_service

    with _reported():
        found = readiness_service.readiness(period_service.assessment(assessment_id))
    records = readiness_service.conclusion_records(found)
    if as_json:
        click.echo(json.dumps({"readiness": found.figure.percent, "controls": records}, indent=2))
        return
    click.echo(
        f"Readiness {found.figure.percent}% ({found.figure.operating} of "
        f"{found.figure.counted} controls operating effectively) on {found.today}"
    )
    for r in records:
        chosen = (
            r["conclusion"]
            if r["conclusion"] == r["rule"]
            else f"{r['conclusion']} (rule: {r['rule']})"
        )
        click.echo(f"{r['control']}: {chosen}. {r['reason']}")
