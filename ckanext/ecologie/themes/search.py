"""Themes in the search index: facet fields, the portal's universe, labels.

CKAN's Solr schema is used as shipped, so the facets live in its multi-valued
`vocab_*` dynamic fields. They are named apart from ckanext-dcat's `theme`
extra (DCAT theme URIs):

- `vocab_ecosphere_theme`: Ecosphères top concepts of the dataset's themes;
- `vocab_ecosphere_subtheme`: its narrower concepts;
- `vocab_bouquet_theme`: bouquet themes (and sub-themes) they map onto, and a
  bouquet's own themes;
- `vocab_organization_type`: the type of the owning organisation;
- `vocab_access_rights`: open, open_with_account or restricted (indexed by
  the access capability, faceted here with the others).
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.access.rights import INDEX_FIELD, access_right_labels
from ckanext.ecologie.organizations import types as organization_types
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET, DATASET
from ckanext.ecologie.themes.validators import stored_themes

THEME_FIELD = "vocab_ecosphere_theme"
SUBTHEME_FIELD = "vocab_ecosphere_subtheme"
BOUQUET_THEME_FIELD = "vocab_bouquet_theme"
ORGANIZATION_TYPE_FIELD = "vocab_organization_type"
UNIVERSE_PARAMETER = "ext_universe"  # `ext_universe=all`: the whole shared catalogue


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, list[str]]:
    """The facet fields of a dataset or bouquet about to be indexed."""
    fields: dict[str, list[str]] = {}
    ids = stored_themes(pkg_dict.get("themes"))
    if pkg_dict.get("type") == BOUQUET:
        fields[BOUQUET_THEME_FIELD] = _with_tops(BOUQUET, ids)
    else:
        taxonomy = get_taxonomy(DATASET)
        tops, subs, bouquet_themes = set(), set(), []
        for concept_id in ids:
            concept, top = taxonomy.get(concept_id), taxonomy.top_of(concept_id)
            if concept is None or top is None:
                continue  # dropped from a reloaded taxonomy
            tops.add(top.id)
            if concept.parent:
                subs.add(concept.id)
            bouquet_themes.extend(taxonomy.bouquet_themes_of(concept_id))
        fields[THEME_FIELD] = sorted(tops)
        fields[SUBTHEME_FIELD] = sorted(subs)
        fields[BOUQUET_THEME_FIELD] = _with_tops(BOUQUET, bouquet_themes)
    organization_type = organization_types.type_of(pkg_dict.get("owner_org"))
    if organization_type:
        fields[ORGANIZATION_TYPE_FIELD] = [organization_type]
    return {key: value for key, value in fields.items() if value}


def _with_tops(scheme: str, ids: list[str]) -> list[str]:
    taxonomy = get_taxonomy(scheme)
    found = set()
    for concept_id in ids:
        top = taxonomy.top_of(concept_id)
        if top is not None:
            found.update({concept_id, top.id})
    return sorted(found)


def theme_filter(concept_id: str, scheme: str = DATASET) -> str:
    """The Solr filter of the datasets (or bouquets) of one concept."""
    if scheme == BOUQUET:
        return f'{BOUQUET_THEME_FIELD}:"{concept_id}"'
    concept = get_taxonomy(DATASET).get(concept_id)
    field = SUBTHEME_FIELD if concept is not None and concept.parent else THEME_FIELD
    return f'{field}:"{concept_id}"'


def universe_filter() -> str | None:
    """The filter that keeps the portal to its universe, for datasets only
    (bouquets and other types pass), or None when the universe is all."""
    conditions = []
    if tk.config.get("ckanext.ecologie.universe.require_themes"):
        conditions.append(f"{THEME_FIELD}:[* TO *]")
    organizations = tk.config.get("ckanext.ecologie.universe.organizations")
    if organizations:
        conditions.append("organization:({})".format(" OR ".join(_quoted(name) for name in organizations)))
    organization_type_list = tk.config.get("ckanext.ecologie.universe.organization_types")
    if organization_type_list:
        quoted = " OR ".join(_quoted(name) for name in organization_type_list)
        conditions.append(f"{ORGANIZATION_TYPE_FIELD}:({quoted})")
    if not conditions:
        return None
    inside = " AND ".join(f"({condition})" for condition in conditions)
    return f"+((*:* -dataset_type:dataset) OR (dataset_type:dataset AND {inside}))"


def _quoted(value: str) -> str:
    return '"{}"'.format(value.replace("\\", "\\\\").replace('"', '\\"'))


def restrict_to_universe(search_params: dict[str, Any]) -> dict[str, Any]:
    extras = search_params.get("extras") or {}
    if extras.get(UNIVERSE_PARAMETER) == "all":
        return search_params
    universe = universe_filter()
    if universe:
        search_params["fq"] = f"{search_params.get('fq') or ''} {universe}".strip()
    return search_params


def facet_titles(facets: dict[str, Any], package_type: str) -> dict[str, Any]:
    """The portal's dataset facets, in order."""
    _ = tk._
    if package_type != "dataset":
        return facets
    ordered: dict[str, Any] = {
        THEME_FIELD: _("Themes"),
        SUBTHEME_FIELD: _("Sub-themes"),
        ORGANIZATION_TYPE_FIELD: _("Organisation types"),
    }
    # Core's facets; the theme pages start from bare field names.
    core = {"organization": _("Organizations"), "res_format": _("Formats"), "license_id": _("Licenses")}
    for key, label in core.items():
        title = facets.get(key)
        ordered[key] = title if title and title != key else label
    ordered[INDEX_FIELD] = _("Access")
    facets.clear()
    facets.update(ordered)
    return facets


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show labels, not concept ids, in the facet lists."""
    language = current_language()
    labellers = {
        THEME_FIELD: lambda value: _concept_label(DATASET, value, language),
        SUBTHEME_FIELD: lambda value: _concept_label(DATASET, value, language),
        BOUQUET_THEME_FIELD: lambda value: _concept_label(BOUQUET, value, language),
        ORGANIZATION_TYPE_FIELD: organization_types.label,
        INDEX_FIELD: lambda value: access_right_labels().get(value, value),
        "vocab_bouquet_top": lambda value: _concept_label(BOUQUET, value, language),
        "vocab_bouquet_subtheme": lambda value: _concept_label(BOUQUET, value, language),
    }
    for field, labeller in labellers.items():
        for item in (search_results.get("search_facets") or {}).get(field, {}).get("items", []):
            item["display_name"] = labeller(item["name"])
    return search_results


def _concept_label(scheme: str, concept_id: str, language: str) -> str:
    concept = get_taxonomy(scheme).get(concept_id)
    return concept.label(language) if concept else concept_id


def current_language() -> str:
    try:
        return tk.h.lang() or "fr"
    except (RuntimeError, AttributeError, TypeError):  # no request: CLI, workers
        return "fr"
