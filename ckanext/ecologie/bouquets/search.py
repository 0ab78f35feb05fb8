"""Bouquets in the search index and their facets (search_types.py keeps
them out of dataset searches)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from sqlalchemy import and_, or_

from ckanext.ecologie.bouquets.model import BouquetItem
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET as BOUQUET_SCHEME
from ckanext.ecologie.themes.validators import stored_themes

TOP_FIELD = "vocab_bouquet_top"
SUBTHEME_FIELD = "vocab_bouquet_subtheme"
COVERAGE_FIELD = "vocab_spatial_coverage"


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Theme and sub-theme facets, spatial coverage, and the item labels
    (so that a bouquet is found by the data it gathers)."""
    taxonomy = get_taxonomy(BOUQUET_SCHEME)
    ids = [concept_id for concept_id in stored_themes(pkg_dict.get("themes")) if concept_id in taxonomy]
    fields: dict[str, Any] = {
        TOP_FIELD: [concept_id for concept_id in ids if taxonomy.concepts[concept_id].parent is None],
        SUBTHEME_FIELD: [concept_id for concept_id in ids if taxonomy.concepts[concept_id].parent],
    }
    if pkg_dict.get("spatial_coverage"):
        fields[COVERAGE_FIELD] = [pkg_dict["spatial_coverage"]]
    labels = [label for (label,) in public_item_labels(pkg_dict["id"])]
    if labels:
        fields["text"] = labels
    return {key: value for key, value in fields.items() if value}


def public_item_labels(bouquet_id: str) -> Any:
    """Labels anyone may search: of external and missing data, and of
    datasets everyone may see. An item's label defaults to its dataset's
    title, which a private dataset keeps to its organisation, even after
    it was purged."""
    return (
        model.Session.query(BouquetItem.label)
        .outerjoin(model.Package, model.Package.id == BouquetItem.package_id)
        .filter(BouquetItem.bouquet_id == bouquet_id, BouquetItem.dataset_removed.is_(None))
        .filter(
            or_(
                BouquetItem.package_id.is_(None),
                and_(model.Package.private.is_(False), model.Package.state == "active"),
            )
        )
    )


def facet_titles(facets: dict[str, Any]) -> dict[str, Any]:
    _ = tk._
    ordered = {
        TOP_FIELD: _("Themes"),
        SUBTHEME_FIELD: _("Sub-themes"),
        "organization": facets.get("organization", _("Organizations")),
        COVERAGE_FIELD: _("Spatial coverage"),
    }
    facets.clear()
    facets.update(ordered)
    return facets
