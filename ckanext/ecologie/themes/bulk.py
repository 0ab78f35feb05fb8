"""Classifying many datasets at once, for `ckan ecologie themes classify`.

Reads datasets in batches straight from the database (a package_show per
dataset would take hours at 80,000), writes the `themes` extra of those that
change, and reindexes them from the index's own copies, changed the same way.
Themes chosen by an editor are never touched. Batches can be shared out
among several processes (`--workers`): most of the time is CKAN's indexing,
which one process runs on one core.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ckan.model as model

from ckanext.ecologie.batches import batches
from ckanext.ecologie.processes import forked_map
from ckanext.ecologie.search_index import reindex_with
from ckanext.ecologie.themes.classifier import Classifier, classifier_for
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.validators import CLASSIFIER, EDITOR, stored_themes

BATCH = 500


@dataclass
class Summary:
    classified: int = 0  # themes set or changed
    unchanged: int = 0
    unclassified: int = 0  # no theme found
    kept_editor: int = 0  # themes chosen by an editor, left alone
    changes: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # name, before, after

    @property
    def total(self) -> int:
        return self.classified + self.unchanged + self.unclassified + self.kept_editor

    def add(self, other: Summary) -> None:
        self.classified += other.classified
        self.unchanged += other.unchanged
        self.unclassified += other.unclassified
        self.kept_editor += other.kept_editor
        self.changes += other.changes


def dataset_ids(all_datasets: bool = False, source: str | None = None, dataset: str | None = None) -> list[str]:
    query = model.Session.query(model.Package.id).filter(
        model.Package.state == "active", model.Package.type == "dataset"
    )
    if dataset:
        query = query.filter((model.Package.id == dataset) | (model.Package.name == dataset))
    elif source:
        from ckanext.harvest.model import HarvestObject

        harvest_source = model.Package.get(source)  # a harvest source is a package of type `harvest`
        if harvest_source is None or harvest_source.type != "harvest":
            raise LookupError(f"no harvest source {source!r}")
        query = query.join(HarvestObject, HarvestObject.package_id == model.Package.id).filter(
            HarvestObject.harvest_source_id == harvest_source.id, HarvestObject.current.is_(True)
        )
    elif not all_datasets:
        raise ValueError("say which datasets: all, a source or a dataset")
    return [row.id for row in query.order_by(model.Package.id)]


def _tags_of(ids: Iterable[str]) -> dict[str, list[str]]:
    rows = (
        model.Session.query(model.PackageTag.package_id, model.Tag.name)
        .join(model.Tag, model.Tag.id == model.PackageTag.tag_id)
        .filter(model.PackageTag.package_id.in_(list(ids)), model.PackageTag.state == "active")
    )
    tags: dict[str, list[str]] = {}
    for package_id, name in rows:
        tags.setdefault(package_id, []).append(name)
    return tags


def classify_many(
    ids: list[str],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    batch_size: int = BATCH,
) -> Summary:
    """`workers` processes share the batches out (the caller's session is
    then closed first); the summary is the same as one process's."""
    global _run
    _run = (classifier_for(get_taxonomy()), dry_run)  # one taxonomy for the whole run
    summary = Summary()
    chunks = list(batches(ids, batch_size))
    with contextlib.closing(forked_map(_classify_chunk, chunks, workers)) as parts:
        for chunk, part in zip(chunks, parts, strict=True):
            summary.add(part)
            if progress:
                progress(len(chunk))
    return summary


# The run's classifier and mode, set before the batches are shared out:
# forked workers inherit them instead of receiving them with every batch.
_run: tuple[Classifier, bool] | None = None


def _classify_chunk(ids: Sequence[str]) -> Summary:
    if _run is None:
        raise RuntimeError("classify_many sets the run first")
    classifier, dry_run = _run
    summary = Summary()
    changed = _classify_batch(list(ids), classifier, summary, dry_run)
    if not dry_run and changed:
        model.Session.commit()
        reindex_with(changed, functools.partial(_apply_themes, changed))
    return summary


def _apply_themes(themes_by_id: dict[str, list[str]], data: dict[str, Any], shown: dict[str, Any]) -> None:
    """The same change as in the database, on the index's copies."""
    themes = themes_by_id[data["id"]]
    data["extras"] = [extra for extra in data.get("extras", []) if extra["key"] not in ("themes", "themes_origin")]
    shown.pop("themes", None)
    shown.pop("themes_origin", None)
    if themes:
        data["extras"] += [
            {"key": "themes", "value": json.dumps(themes)},
            {"key": "themes_origin", "value": CLASSIFIER},
        ]
        shown.update(themes=themes, themes_origin=CLASSIFIER)


def _classify_batch(batch: list[str], classifier: Classifier, summary: Summary, dry_run: bool) -> dict[str, list[str]]:
    tags = _tags_of(batch)
    changed: dict[str, list[str]] = {}
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(batch)).order_by(model.Package.id)
    for package in packages:
        extras = dict(package.extras or {})
        before = stored_themes(extras.get("themes"))
        if before and extras.get("themes_origin") == EDITOR:
            summary.kept_editor += 1
            continue
        stored = {
            "title": package.title,
            "notes": package.notes,
            "tags": tags.get(package.id, []),
            "theme": extras.get("theme"),
            "theme_labels": extras.get("theme_labels"),
        }
        found = classifier.classify_dataset(stored).themes
        if not found:
            summary.unclassified += 1
        elif found == before:
            summary.unchanged += 1
        else:
            summary.classified += 1
        if found == before:
            continue
        if found:
            extras.update(themes=json.dumps(found), themes_origin=CLASSIFIER)
        else:
            extras.pop("themes", None)
            extras.pop("themes_origin", None)
        summary.changes.append((package.name, before, found))
        if not dry_run:
            package.extras = extras
            changed[package.id] = found
    return changed
