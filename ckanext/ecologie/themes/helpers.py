"""Template helpers for themes and organisation types."""

from __future__ import annotations

from typing import Any

from ckanext.ecologie.organizations import types as organization_types
from ckanext.ecologie.themes import search
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import DATASET
from ckanext.ecologie.themes.validators import stored_themes


def dataset_themes(pkg_dict: dict[str, Any], scheme: str = DATASET) -> list[dict[str, Any]]:
    """The themes of a dataset with their labels in the page's language,
    each with its broader concept's label when it has one."""
    taxonomy = get_taxonomy(scheme)
    language = search.current_language()
    shown = []
    for concept_id in stored_themes(pkg_dict.get("themes")):
        concept = taxonomy.get(concept_id)
        if concept is None:
            continue
        parent = taxonomy.get(concept.parent) if concept.parent else None
        shown.append(
            {
                "id": concept.id,
                "label": concept.label(language),
                "parent_label": parent.label(language) if parent else None,
            }
        )
    return shown


def theme_choices(scheme: str = DATASET) -> list[dict[str, Any]]:
    """Options for a theme select: top concepts, then their children."""
    taxonomy = get_taxonomy(scheme)
    language = search.current_language()
    choices = []
    for top in taxonomy.top_concepts():
        choices.append({"value": top.id, "text": top.label(language)})
        for child in taxonomy.children(top.id):
            choices.append({"value": child.id, "text": f"{top.label(language)} › {child.label(language)}"})
    return choices


def organization_type_choices() -> list[dict[str, str]]:
    return [{"value": value, "text": text} for value, text in organization_types.labels().items()]


def organization_type_label(type_id: str | None) -> str:
    return organization_types.label(type_id) if type_id else ""


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_dataset_themes": dataset_themes,
        "ecologie_theme_choices": theme_choices,
        "ecologie_organization_type_choices": organization_type_choices,
        "ecologie_organization_type_label": organization_type_label,
        "ecologie_theme_facet_field": lambda: search.THEME_FIELD,
    }
