"""Permission labels: CKAN's, except that a draft bouquet of an organisation
is seen by its creator and the organisation's editors and admins only (not
by its plain members, as CKAN would let them see a private dataset)."""

from __future__ import annotations

import ckan.model as model
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.organizations import members

_default = DefaultPermissionLabels()


def dataset_labels(dataset: model.Package) -> list[str]:
    if dataset.type == BOUQUET and dataset.private and dataset.owner_org and dataset.state == "active":
        return [f"creator-{dataset.creator_user_id}", f"bouquet-editor-{dataset.owner_org}"]
    return _default.get_dataset_labels(dataset)


def user_labels(user: model.User | None) -> list[str]:
    labels = _default.get_user_dataset_labels(user)  # type: ignore[arg-type]
    if user is None or getattr(user, "is_anonymous", True) or not getattr(user, "id", None):
        return labels
    editing = members.organizations_of(user, ("editor", "admin"))
    return labels + [f"bouquet-editor-{group_id}" for group_id in sorted(editing)]
