"""Template helpers of dataservices: the type's label ("API") in CKAN's
generic pages, and the served datasets on a dataservice's page."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.dataservices import served as served_module

# CKAN's purposes (ckan.lib.helpers.humanize_entity_type) that name the type
# in the plural
PLURAL = frozenset({"breadcrumb", "content tab", "facet label", "main nav", "page title", "my label"})


def _labels() -> dict[str, str]:
    _ = tk._
    return {
        "add link": _("Add an API"),
        "create label": _("Create an API"),
        "create title": _("Create an API"),
        "edit label": _("Edit the API"),
        "update label": _("Update the API"),
        "save label": _("Save the API"),
        "search placeholder": _("Search APIs..."),
        "no any objects": _("There are no APIs on this site yet."),
    }


def type_label(plural: bool = False) -> str:
    return tk._("APIs") if plural else tk._("API")


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str, purpose: str) -> Any:
    if entity_type != "package" or object_type != DATASERVICE:
        return next_helper(entity_type, object_type, purpose)
    if purpose in PLURAL:
        return type_label(plural=True)
    return _labels().get(purpose) or type_label()


def served_datasets(pkg: dict[str, Any]) -> dict[str, Any]:
    context = user_context()
    return served_module.served_datasets(context, pkg)  # type: ignore[arg-type]


def get_helpers() -> dict[str, Any]:
    return {
        "humanize_entity_type": humanize_entity_type,
        "ecologie_dataservice_served_datasets": served_datasets,
        "ecologie_dataservice_label": type_label,
    }
