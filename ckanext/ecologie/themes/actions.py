"""Theme actions: list, show and autocomplete, with counts that are the
caller's own package_search counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ecologie.themes import schema, search
from ckanext.ecologie.themes.classifier import normalize
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET, DATASET, Concept, Taxonomy

BOUQUET_TYPE = "bouquet"


def _validated(context: Context, data_dict: DataDict, required: Iterable[str] = ()) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema.theme_query(), context)
    for name in required:
        if not data.get(name):
            errors.setdefault(name, []).append(tk._("Missing value"))
    if errors:
        raise tk.ValidationError(errors)
    return data


# CKAN's default `ckan.search.rows_max`: past it, unions are counted by search.
MAX_BOUQUETS_READ = 1000


class Counter:
    """Dataset and bouquet counts per concept from a few faceted searches,
    run with the caller's context, so they match what the caller can see."""

    def __init__(self, context: Context, scheme: str) -> None:
        self.context = context
        self.scheme = scheme
        self.datasets = self._facets(
            "+dataset_type:dataset", [search.THEME_FIELD, search.SUBTHEME_FIELD, search.BOUQUET_THEME_FIELD]
        )
        self.bouquets = self._facets(f"+dataset_type:{BOUQUET_TYPE}", [search.BOUQUET_THEME_FIELD])
        self._unions: dict[tuple[str, ...], int] = {}
        self._theme_sets: list[set[str]] | None = None
        self._theme_sets_read = False

    def _search(self, fq: str, **params: Any) -> dict[str, Any]:
        context = {
            "ignore_auth": False,
            "user": self.context.get("user"),
            "auth_user_obj": self.context.get("auth_user_obj"),
        }
        params.setdefault("include_private", tk.config.get("ckan.search.default_include_private"))
        return tk.get_action("package_search")(context, {"q": "", "fq": fq, "rows": 0, **params})  # type: ignore[arg-type]

    def _facets(self, fq: str, fields: list[str]) -> dict[str, dict[str, int]]:
        result = self._search(fq, **{"facet.field": fields, "facet.limit": -1})
        return {field: dict(result["facets"].get(field, {})) for field in fields}

    def dataset_count(self, concept: Concept) -> int:
        if self.scheme == BOUQUET:
            return self.datasets[search.BOUQUET_THEME_FIELD].get(concept.id, 0)
        field = search.SUBTHEME_FIELD if concept.parent else search.THEME_FIELD
        return self.datasets[field].get(concept.id, 0)

    def bouquet_count(self, concept: Concept, taxonomy: Taxonomy) -> int:
        if self.scheme == BOUQUET:
            return self.bouquets[search.BOUQUET_THEME_FIELD].get(concept.id, 0)
        mapped = tuple(sorted(taxonomy.bouquet_themes_of(concept.id)))
        if not mapped:
            return 0
        if len(mapped) == 1:
            return self.bouquets[search.BOUQUET_THEME_FIELD].get(mapped[0], 0)
        if mapped not in self._unions:  # a bouquet may carry several of them
            self._unions[mapped] = self._union_count(set(mapped))
        return self._unions[mapped]

    def _union_count(self, themes: set[str]) -> int:
        """Bouquets carrying any of `themes`. Bouquets are few: the themes of
        each are read once and every union counted from them, rather than
        one search per union (a theme list has dozens)."""
        theme_sets = self._bouquet_theme_sets()
        if theme_sets is None:
            quoted = " OR ".join(f'"{theme}"' for theme in sorted(themes))
            return self._search(f"+dataset_type:{BOUQUET_TYPE} +{search.BOUQUET_THEME_FIELD}:({quoted})")["count"]
        return sum(1 for carried in theme_sets if carried & themes)

    def _bouquet_theme_sets(self) -> list[set[str]] | None:
        """The themes of each bouquet the caller sees; None when there are
        too many bouquets to read."""
        if not self._theme_sets_read:
            found = self._search(
                f"+dataset_type:{BOUQUET_TYPE}", fl=[search.BOUQUET_THEME_FIELD], rows=MAX_BOUQUETS_READ
            )
            if found["count"] <= MAX_BOUQUETS_READ:
                self._theme_sets = [set(item.get(search.BOUQUET_THEME_FIELD) or []) for item in found["results"]]
            self._theme_sets_read = True
        return self._theme_sets


def concept_dict(
    concept: Concept, taxonomy: Taxonomy, counter: Counter | None, language: str, with_children: bool = True
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": concept.id,
        "label": concept.label(language),
        "labels": dict(concept.labels),
        "uri": concept.uri,
        "scheme": taxonomy.scheme,
        "parent": concept.parent,
    }
    if taxonomy.scheme == DATASET:
        result["bouquet_themes"] = list(taxonomy.bouquet_themes_of(concept.id))
    if counter is not None:
        result["dataset_count"] = counter.dataset_count(concept)
        result["bouquet_count"] = counter.bouquet_count(concept, taxonomy)
    if with_children:
        result["children"] = [
            concept_dict(child, taxonomy, counter, language) for child in taxonomy.children(concept.id)
        ]
    return result


@tk.side_effect_free
def ecologie_theme_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The top concepts of a scheme (`dataset`, the default, or `bouquet`),
    each with its children and its dataset and bouquet counts."""
    tk.check_access("ecologie_theme_list", context, data_dict)
    data = _validated(context, data_dict)
    taxonomy = get_taxonomy(data["scheme"])
    counter = Counter(context, data["scheme"])
    language = search.current_language()
    return [concept_dict(concept, taxonomy, counter, language) for concept in taxonomy.top_concepts()]


@tk.side_effect_free
def ecologie_theme_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One concept by `id`, with its children, its broader concept and counts."""
    tk.check_access("ecologie_theme_show", context, data_dict)
    data = _validated(context, data_dict, required=["id"])
    taxonomy = get_taxonomy(data["scheme"])
    concept = taxonomy.get(data["id"])
    if concept is None:
        raise tk.ObjectNotFound(tk._("Theme not found"))
    language = search.current_language()
    result = concept_dict(concept, taxonomy, Counter(context, data["scheme"]), language)
    parent = taxonomy.get(concept.parent) if concept.parent else None
    result["broader"] = concept_dict(parent, taxonomy, None, language, with_children=False) if parent else None
    return result


@tk.side_effect_free
def ecologie_theme_autocomplete(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Concepts whose label or keyword starts with, or contains, `q`."""
    tk.check_access("ecologie_theme_autocomplete", context, data_dict)
    data = _validated(context, data_dict, required=["q"])
    query = normalize(data["q"])
    taxonomy = get_taxonomy(data["scheme"])
    language = search.current_language()
    ranked = []
    for concept in taxonomy:
        names = [normalize(name) for name in (*concept.labels.values(), *concept.alt_labels)]
        if any(name.startswith(query) for name in names):
            ranked.append((0, concept))
        elif any(query in name for name in names):
            ranked.append((1, concept))
    ranked.sort(key=lambda item: (item[0], item[1].label(language).casefold()))
    return [
        {"id": concept.id, "label": concept.label(language), "scheme": taxonomy.scheme, "parent": concept.parent}
        for _, concept in ranked[: data["limit"]]
    ]
