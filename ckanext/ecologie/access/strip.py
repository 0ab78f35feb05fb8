"""Removing the data of a dataset from what an unauthorised user receives.

A resource keeps only descriptive fields (a whitelist, so that resource
extras added by harvesters or other plugins cannot carry a URL through).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

SAFE_RESOURCE_FIELDS = frozenset(
    {
        "id",
        "package_id",
        "name",
        "description",
        "format",
        "mimetype",
        "size",
        "position",
        "state",
        "created",
        "last_modified",
        "metadata_modified",
        "resource_type",
        "language",
        "datastore_active",
    }
)
# Package fields that give the data as resource URLs do: an API's endpoint
# (dataservices). Shown, stored in the JSON copies and indexed as extras.
DATA_FIELDS = frozenset({"endpoint_url"})
RESTRICTED_FLAG = "access_restricted"
ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def addresses_of(values: list[Any]) -> list[str]:
    return [value for value in values if isinstance(value, str) and "://" in value]


def safe_name(name: Any, addresses: list[str]) -> Any:
    """A resource's name without the addresses it may hold: a distribution
    without a title is often named after its URL, or its file name."""
    if not isinstance(name, str):
        return name
    cleaned = " ".join(ADDRESS.sub(" ", name).split())
    if cleaned and any(cleaned.casefold() in address.casefold() for address in addresses):
        return ""
    return cleaned


def safe_description(description: Any) -> Any:
    return ADDRESS.sub("…", description) if isinstance(description, str) else description


def strip_resource(resource: dict[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in resource.items() if key in SAFE_RESOURCE_FIELDS}
    if "name" in kept:
        kept["name"] = safe_name(kept["name"], addresses_of(list(resource.values())))
    if "description" in kept:
        kept["description"] = safe_description(kept["description"])
    kept[RESTRICTED_FLAG] = True
    return kept


def _data_addresses(values: list[Any]) -> list[str]:
    """The data fields' values, as compared with other fields' values."""
    return [value.strip().rstrip("/").lower() for value in values if isinstance(value, str) and value.strip()]


def _holds(value: Any, addresses: list[str]) -> bool:
    if isinstance(value, str):
        lowered = value.lower()
        return any(address in lowered for address in addresses)
    if isinstance(value, list):
        return any(_holds(item, addresses) for item in value)
    return False


def strip_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """In place, as after_dataset_show expects; also returns it. The data
    fields go, and so does any other field holding their value: catalogues
    publish an API with its endpoint as its URI, identifier and page too."""
    pkg_dict["resources"] = [strip_resource(resource) for resource in pkg_dict.get("resources") or []]
    extras = pkg_dict.get("extras") if isinstance(pkg_dict.get("extras"), list) else []
    addresses = _data_addresses(
        [pkg_dict.pop(name, None) for name in DATA_FIELDS]
        + [item.get("value") for item in extras if isinstance(item, dict) and item.get("key") in DATA_FIELDS]
    )
    if extras:
        pkg_dict["extras"] = [
            item
            for item in extras
            if not (isinstance(item, dict) and (item.get("key") in DATA_FIELDS or _holds(item.get("value"), addresses)))
        ]
    for key in [key for key, value in pkg_dict.items() if key not in ("extras", "resources")]:
        if _holds(pkg_dict[key], addresses):
            pkg_dict[key] = [] if isinstance(pkg_dict[key], list) else ""
    pkg_dict[RESTRICTED_FLAG] = True
    return pkg_dict


RESOURCE_INDEX_FIELDS = frozenset({"res_url", "urls", "download_url"})
JSON_COPIES = ("data_dict", "validated_data_dict")


def is_index_url_field(name: str) -> bool:
    """Solr fields built from resources that may hold their URLs, and the
    data fields (with their `extras_` copy)."""
    return (
        name in RESOURCE_INDEX_FIELDS
        or name.startswith("res_extras_")
        or name in DATA_FIELDS
        or name.removeprefix("extras_") in DATA_FIELDS
    )


def strip_index_document(document: dict[str, Any]) -> dict[str, Any]:
    """Keep resource URLs of a dataset out of the searchable index fields
    (facets and queries could reveal them), names and descriptions included;
    the stored JSON copies stay whole for authorised users and are stripped
    at search time."""
    url_fields = [name for name in document if is_index_url_field(name)]
    data = _data_addresses([document.get(name) for name in url_fields if name.removeprefix("extras_") in DATA_FIELDS])
    # other fields holding a data field's value go too; the stored JSON
    # copies stay (stripped at search time)
    holding = [
        name for name, value in document.items() if name not in url_fields + list(JSON_COPIES) and _holds(value, data)
    ]
    # CKAN indexes one list per resource field, in the resources' order
    columns = [document[name] for name in url_fields if isinstance(document[name], list)]
    for position, name in enumerate(document.get("res_name") or []):
        addresses = addresses_of([column[position] for column in columns if position < len(column)])
        document["res_name"][position] = safe_name(name, addresses)
    if isinstance(document.get("res_description"), list):
        document["res_description"] = [safe_description(text) for text in document["res_description"]]
    for name in url_fields + holding:
        del document[name]
    return document


def strip_json_copy(value: Any) -> Any:
    """A `data_dict` or `validated_data_dict` from Solr, stripped."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return json.dumps(strip_dataset(parsed)) if isinstance(parsed, dict) else value
    if isinstance(value, dict):
        return strip_dataset(value)
    return value


def strip_search_result(result: dict[str, Any]) -> dict[str, Any]:
    """A package_search result: a dataset dict, or the fields asked by `fl`."""
    if "resources" in result:
        strip_dataset(result)
    for key in JSON_COPIES:
        if key in result:
            result[key] = strip_json_copy(result[key])
    for name in [name for name in result if is_index_url_field(name)]:
        del result[name]
    result[RESTRICTED_FLAG] = True
    return result


def strip_activity(activity: dict[str, Any], may_use: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """An activity on a dataset its user may not use keeps only the stripped
    dataset snapshot: other data (a resource view's config...) goes."""
    data = activity.get("data") or {}
    package = data.get("package") if isinstance(data.get("package"), dict) else None
    subject = package or {"id": activity.get("object_id"), "owner_org": None, "access_rights": None}
    if not may_use(subject):
        activity["data"] = {"package": strip_dataset(package)} if package else {}
    return activity
