"""Classification at harvest import, for harvesters built on ckanext-dcat's
RDF harvester (IDCATRDFHarvester): the stock one and ours."""

from __future__ import annotations

from typing import Any

import ckan.model as model
from ckan.types import Schema

from ckanext.ecologie.themes import validators
from ckanext.ecologie.themes.classifier import classifier_for
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import DATASET


def classify_for_import(dataset_dict: dict[str, Any]) -> None:
    """Set the themes of a harvested record, unless an editor chose them."""
    existing = model.Package.get(dataset_dict["id"]) if dataset_dict.get("id") else None
    if existing is not None and existing.extras.get("themes_origin") == validators.EDITOR:
        dataset_dict["themes"] = validators.stored_themes(existing.extras.get("themes"))
        return
    dataset_dict["themes"] = classifier_for(get_taxonomy()).classify_dataset(dataset_dict).themes


def schema_for_import(schema: Schema) -> Schema:
    """Themes written by a harvest import are the classifier's."""
    schema.update(validators.create_fields(DATASET, origin=validators.CLASSIFIER))
    return schema
