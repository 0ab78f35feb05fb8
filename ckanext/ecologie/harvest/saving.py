"""What CKAN does differently while the importer saves a harvested dataset
(`saving()`, around its package_create or package_update).

- The update is recorded in the dataset's activity stream, as the stock
  harvesters' are. The importer saves with `defer_commit` (one commit per
  record, with its bookkeeping) and `return_id_only`, and CKAN's
  package_update then returns before noting the change in the context
  (`changed_entities`), from which the activity plugin records a "changed
  package". `noted_change`, called from `after_dataset_update` (which CKAN
  calls only when the dataset changed), notes it, and the activity plugin
  records it its own way.
- package_show reads from the database without asking Solr for its copy
  first. The activity plugin calls it for the dataset just saved: a new one
  has no copy in the index yet, an updated one an older copy, so the search
  request (about 4% of a fetch consumer, plus Solr's share of the same
  cores) was always thrown away. What package_show returns is what it read
  from the database anyway. (package_update's own read of the dataset as it
  was is the importer's, handed over as `original_package`.)"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

_saving: contextvars.ContextVar[bool] = contextvars.ContextVar("ecologie_saving_harvested_dataset", default=False)


@contextmanager
def saving() -> Iterator[None]:
    token = _saving.set(True)
    try:
        yield
    finally:
        _saving.reset(token)


def noted_change(context: Context, dataset: dict[str, Any]) -> None:
    if _saving.get():
        context.setdefault("changed_entities", {}).setdefault("packages", set()).add(dataset["id"])


@tk.side_effect_free  # a chain carries its own flags: package_show stays open to GET
@tk.chained_action
def package_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    if _saving.get():
        context.setdefault("use_cache", False)
    return original(context, data_dict)
