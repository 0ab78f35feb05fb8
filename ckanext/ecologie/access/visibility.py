"""Which datasets a user may *see* (CKAN's read permission: private
datasets, drafts), decided as CKAN's search decides it, with permission
labels. Which datasets a user may *use* (their resources) is policy.py.

Listings that CKAN builds in SQL (tags, formats, members, follows,
activities) go through here, so that a private dataset never shows through
them: not its title, its tags, its resources' formats, nor its id.
"""

from __future__ import annotations

from collections.abc import Iterable

import ckan.model as model
from ckan.lib.plugins import get_permission_labels
from ckan.types import Context

from ckanext.ecologie.access import policy


def _user(context: Context) -> model.User | None:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def _labels(context: Context) -> set[str] | None:
    """The user's permission labels; None when they see everything."""
    if policy.trusted(context):
        return None
    user = _user(context)
    if user is not None and user.sysadmin and user.state == "active":
        return None
    return set(get_permission_labels().get_user_dataset_labels(user))  # type: ignore[arg-type]


def readable(context: Context, packages: Iterable[model.Package]) -> set[str]:
    """Ids of the datasets (of any type) among `packages` the user may see."""
    labels = _labels(context)
    packages = list(packages)
    if labels is None:
        return {package.id for package in packages}
    dataset_labels = get_permission_labels().get_dataset_labels
    return {package.id for package in packages if labels.intersection(dataset_labels(package))}


def readable_ids(context: Context, package_ids: Iterable[str | None]) -> set[str]:
    """The ids among `package_ids` that are datasets the user may see."""
    wanted = {package_id for package_id in package_ids if package_id}
    if not wanted:
        return set()
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(wanted))
    return readable(context, packages)


def may_see(context: Context, package_id: str | None) -> bool:
    return bool(package_id) and package_id in readable_ids(context, [package_id])


def sees_everything(context: Context) -> bool:
    return _labels(context) is None
