"""`ckan ecologie doctor`."""

from __future__ import annotations

import datetime

import click

from ckanext.ecologie.doctor import checks, report


@click.command("doctor", short_help="Check the configuration, services, harvest queues, consumers and sources.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (for monitoring).")
@click.option(
    "--stuck-hours",
    type=click.FloatRange(min=0, min_open=True),
    default=24.0,
    show_default=True,
    help="A harvest job unfinished for longer is reported as stuck.",
)
def doctor(as_json: bool, stuck_hours: float) -> None:
    """Check the configuration, the services (PostgreSQL and migrations, Solr,
    Redis, OpenID Connect provider, SMTP), the harvest consumers and queues and
    the last job of each harvest source. Each line says OK, WARN or FAIL, and
    what to fix. Exit status 1 when a check FAILs."""
    results = checks.run(datetime.timedelta(hours=stuck_hours))
    click.echo(report.as_json(results) if as_json else report.as_text(results))
    raise click.exceptions.Exit(report.exit_code(results))
