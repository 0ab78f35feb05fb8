"""Access rights of harvested records. ckanext-dcat reads dct:accessRights
into `access_rights` (a URI or a label); we turn it into our values before
validation: INSPIRE LimitationsOnPublicAccess URIs, their French labels, and
the EU access-right vocabulary."""

from __future__ import annotations

from typing import Any

from ckanext.ecologie.access.rights import OPEN, RESTRICTED, from_limitations

EU_ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
EU_VALUES = {"PUBLIC": OPEN, "RESTRICTED": RESTRICTED, "NON_PUBLIC": RESTRICTED, "SENSITIVE": RESTRICTED}


def _pop_harvested_values(dataset_dict: dict[str, Any]) -> list[str]:
    values: list[str] = []
    raw = dataset_dict.pop("access_rights", None)
    extras = []
    for extra in dataset_dict.get("extras") or []:
        if extra.get("key") == "access_rights":
            raw = raw or extra.get("value")
        else:
            extras.append(extra)
    if "extras" in dataset_dict:
        dataset_dict["extras"] = extras
    if isinstance(raw, list):
        values.extend(str(value) for value in raw)
    elif raw:
        values.append(str(raw))
    return values


def map_access_rights(dataset_dict: dict[str, Any]) -> None:
    """In place. A record that says nothing keeps the stored access rights
    (the field is left out, and an update without it keeps them)."""
    values = _pop_harvested_values(dataset_dict)
    for value in values:
        if value.startswith(EU_ACCESS_RIGHTS):
            mapped = EU_VALUES.get(value.rsplit("/", 1)[-1])
            if mapped:
                dataset_dict["access_rights"] = mapped
                return
    found = from_limitations(values)
    if found is None:
        return
    dataset_dict["access_rights"], category = found
    if category:
        dataset_dict["access_reason_category"] = category
        # A label the source wrote is its reason; a limitation URI only names
        # the legal ground, which the category already shows in French.
        labels = [value for value in values if not value.startswith(("http://", "https://"))]
        if labels:
            dataset_dict.setdefault("access_reason", "; ".join(labels))
