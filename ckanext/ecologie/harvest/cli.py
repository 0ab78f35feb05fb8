"""`ckan ecologie sources load FILE`, `ckan ecologie harvest confirm-deletions SOURCE`
and `ckan ecologie harvest report SOURCE`."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import click
from ckanext.harvest.model import HarvestSource

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import deletions, ownership, sources, trust


def _errors(error: tk.ValidationError) -> str:
    return "; ".join(f"{field}: {', '.join(map(str, messages))}" for field, messages in error.error_dict.items())


@click.group(name="sources", short_help="Harvest sources declared in a YAML file.")
def sources_group() -> None:
    pass


@sources_group.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
def load(file: click.utils.LazyFile) -> None:
    """Create or update the harvest sources of FILE (YAML); run it again at will."""
    try:
        specs = sources.parse(file.read())
    except sources.SourcesFileError as error:
        raise click.ClickException(str(error)) from None
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in specs:
        try:
            outcome = sources.apply(spec)
        except tk.ValidationError as error:
            raise click.ClickException(f"{spec.name}: {_errors(error)}") from None
        counts[outcome] += 1
        click.echo(f"{spec.name}: {outcome}")
    trust.declare(specs)
    click.echo(tk._("{created} created, {updated} updated, {unchanged} unchanged").format(**counts))


@click.group(name="harvest", short_help="Harvest operations beyond the stock `ckan harvester` commands.")
def harvest_group() -> None:
    pass


@harvest_group.command("confirm-deletions")
@click.argument("source")
def confirm_deletions(source: str) -> None:
    """Delete the datasets gone from SOURCE that a job kept back for safety."""
    try:
        found = tk.get_action("harvest_source_show")(site_context(), {"id": source})
    except tk.ObjectNotFound:
        raise click.ClickException(tk._("No harvest source {source}").format(source=source)) from None
    waiting = len(deletions.pending(found["id"]))
    deleted = deletions.confirm(ownership.reach_of(HarvestSource.get(found["id"])))
    click.echo(
        tk._("{waiting} deletions confirmed, {deleted} datasets deleted").format(waiting=waiting, deleted=deleted)
    )


@harvest_group.command("report")
@click.argument("source")
def report(source: str) -> None:
    """The last job of SOURCE: its counts, then every error, gather and record."""
    context = site_context()
    try:
        found = tk.get_action("harvest_source_show")(context, {"id": source})
    except tk.ObjectNotFound:
        raise click.ClickException(tk._("No harvest source {source}").format(source=source)) from None
    jobs = tk.get_action("harvest_job_list")(context, {"source_id": found["id"]})
    if not jobs:
        click.echo(tk._("{source}: no job yet").format(source=found["name"]))
        return
    job = tk.get_action("harvest_job_show")(context, {"id": jobs[0]["id"]})
    stats = ", ".join(f"{key} {value}" for key, value in sorted(job.get("stats", {}).items()))
    click.echo(f"{found['name']}: {job['status']} {job.get('finished') or job.get('created')} ({stats})")
    details = tk.get_action("harvest_job_report")(context, {"id": job["id"]})
    for error in details["gather_errors"]:
        click.echo(f"  {tk._('gather')}: {error['message']}")
    for item in details["object_errors"].values():
        for error in item["errors"]:
            click.echo(f"  {item['guid']}: {error['message']}")
