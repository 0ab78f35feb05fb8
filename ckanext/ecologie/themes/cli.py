"""`ckan ecologie themes load|classify|evaluate`."""

from __future__ import annotations

import json
import os
from concurrent.futures.process import BrokenProcessPool

import ckan.model as model
import click

from ckanext.ecologie.themes import bulk, defaults, evaluate, skos, store
from ckanext.ecologie.themes.classifier import classifier_for
from ckanext.ecologie.themes.taxonomy import DATASET, SCHEMES


@click.group(short_help="Theme taxonomies and automatic classification.")
def themes() -> None:
    pass


@themes.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--scheme",
    type=click.Choice(SCHEMES),
    default=DATASET,
    show_default=True,
    help="dataset: the Ecosphères thesaurus; bouquet: the bouquet themes.",
)
def load(file: str | None, scheme: str) -> None:
    """Load a SKOS taxonomy (Turtle) into the database; without FILE, the
    one shipped with the extension. Every process picks it up within
    ckanext.ecologie.themes.cache_seconds."""
    if file:
        with open(file, encoding="utf-8") as stream:
            texts = [stream.read()]
        if scheme == DATASET:
            texts.append(defaults.english_labels())
        source = os.path.abspath(file)
    else:
        texts, source = defaults.default_texts(scheme), "shipped"
    try:
        taxonomy = store.parse(scheme, texts)
    except skos.ThesaurusError as error:
        raise click.ClickException(f"{file or 'shipped taxonomy'}: {error}") from error
    store.save_taxonomy(taxonomy, source)
    model.Session.commit()
    tops = len(taxonomy.top_concepts())
    click.secho(f"Loaded the {scheme} taxonomy: {len(taxonomy.concepts)} concepts, {tops} top concepts.", fg="green")
    click.echo("Run `ckan search-index rebuild` if concepts were renamed or moved.")


@themes.command()
@click.option("--all", "all_datasets", is_flag=True, help="Every dataset.")
@click.option("--source", help="The datasets of one harvest source (name or id).")
@click.option("--dataset", help="One dataset (name or id).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes sharing the work, each with its own database connection (see README).",
)
def classify(all_datasets: bool, source: str | None, dataset: str | None, dry_run: bool, workers: int) -> None:
    """Classify datasets from their keywords, titles and DCAT themes.
    Themes chosen by an editor are left as they are."""
    if sum(bool(choice) for choice in (all_datasets, source, dataset)) != 1:
        raise click.UsageError("give exactly one of --all, --source NAME, --dataset ID")
    try:
        ids = bulk.dataset_ids(all_datasets, source, dataset)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    with click.progressbar(length=len(ids), label="Classifying", file=click.get_text_stream("stderr")) as bar:
        try:
            summary = bulk.classify_many(ids, dry_run=dry_run, progress=bar.update, workers=workers)
        except BrokenProcessPool as error:
            # killed (out of memory?) maybe between writing its batch and reindexing it
            raise click.ClickException(
                "A worker process ended abruptly: run `ckan search-index rebuild` so that search "
                "shows the themes written, then classify again."
            ) from error
    if dry_run:
        for name, before, after in summary.changes:
            click.echo(f"{name}: {', '.join(before) or '-'} -> {', '.join(after) or '-'}")
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{summary.total} datasets: {summary.classified} classified, {summary.unchanged} unchanged, "
        f"{summary.unclassified} unclassified, {summary.kept_editor} kept as set by an editor "
        f"({len(summary.changes)} {verb} written)."
    )


@themes.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate_command(file: str, as_json: bool) -> None:
    """Precision and recall of the automatic classification, overall and per
    concept, on a file of hand-labelled records (YAML, see
    tests/fixtures/corpus/themes-labelled.yaml)."""
    taxonomy = store.get_taxonomy(DATASET)
    with open(file, encoding="utf-8") as stream:
        text = stream.read()
    try:
        records = evaluate.load_labelled(text, taxonomy)
    except evaluate.LabelledFileError as error:
        raise click.ClickException(f"{file}: {error}") from error
    result = evaluate.evaluate(classifier_for(taxonomy), records)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    for line in evaluate.report_lines(result):
        click.echo(line)
