"""Who may use the data (resources) of a dataset.

- `open`: everyone;
- `open_with_account`: any logged-in user;
- `restricted`: sysadmins, members of the owning organisation (any capacity)
  and holders of an unexpired grant on the dataset or its organisation.

A self-declared e-mail domain grants nothing: agent status comes from an
organisation membership or a grant, both given by an admin.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict
from sqlalchemy import or_

from ckanext.ecologie.access.model import AccessGrant
from ckanext.ecologie.access.rights import OPEN, OPEN_WITH_ACCOUNT, RESTRICTED
from ckanext.ecologie.organizations import members

CONTEXT_KEY = "ecologie_viewer"


def access_rights_of(pkg_dict: dict[str, Any]) -> str:
    """The dataset's access rights; anything unknown counts as restricted."""
    value = pkg_dict.get("access_rights")
    if value is None:
        value = next(
            (extra.get("value") for extra in pkg_dict.get("extras") or [] if extra.get("key") == "access_rights"),
            OPEN,
        )
    return value if value in (OPEN, OPEN_WITH_ACCOUNT, RESTRICTED) else RESTRICTED


def access_of(package: model.Package) -> dict[str, Any]:
    """What deciding on a stored dataset takes: its id, owner and access rights."""
    return {"id": package.id, "owner_org": package.owner_org, "access_rights": package.extras.get("access_rights")}


@dataclass(frozen=True)
class Viewer:
    user_id: str | None = None
    sysadmin: bool = False
    organizations: frozenset[str] = field(default_factory=frozenset)
    granted_packages: frozenset[str] = field(default_factory=frozenset)
    granted_organizations: frozenset[str] = field(default_factory=frozenset)

    def may_use(self, access_rights: str, owner_org: str | None, package_id: str) -> bool:
        if access_rights == OPEN or self.sysadmin:
            return True
        if self.user_id is None:
            return False
        if access_rights == OPEN_WITH_ACCOUNT:
            return True
        return (
            owner_org in self.organizations
            or package_id in self.granted_packages
            or owner_org in self.granted_organizations
        )

    def may_use_dataset(self, pkg_dict: dict[str, Any]) -> bool:
        return self.may_use(access_rights_of(pkg_dict), pkg_dict.get("owner_org"), pkg_dict.get("id") or "")


def viewer_for_user(user: model.User | None) -> Viewer:
    if user is None or not getattr(user, "id", None) or user.state != "active":
        return Viewer()
    if user.sysadmin:
        return Viewer(user_id=user.id, sysadmin=True)
    organizations = members.organizations_of(user, ("admin", "editor", "member"))
    now = datetime.datetime.utcnow()
    grants = model.Session.query(AccessGrant.package_id, AccessGrant.organization_id).filter(
        AccessGrant.user_id == user.id, or_(AccessGrant.expires.is_(None), AccessGrant.expires > now)
    )
    packages, granted_organizations = set(), set()
    for package_id, organization_id in grants:
        if package_id:
            packages.add(package_id)
        if organization_id:
            granted_organizations.add(organization_id)
    return Viewer(user.id, False, frozenset(organizations), frozenset(packages), frozenset(granted_organizations))


def viewer(context: Context) -> Viewer:
    """The requesting user's rights, computed once per action call."""
    cached = context.get(CONTEXT_KEY)  # type: ignore[misc]
    if isinstance(cached, Viewer):
        return cached
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User):
        name = context.get("user")
        user = model.User.get(name) if name else None
    result = viewer_for_user(user)
    context[CONTEXT_KEY] = result  # type: ignore[literal-required]
    return result


def caller(context: Context) -> Context:
    """Who is asking, read before calling an original action: some (core's
    followee_list) turn their context into an internal one."""
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}  # type: ignore[typeddict-item]


def trusted(context: Context) -> bool:
    """Internal calls (indexing, activity snapshots, harvest) see everything."""
    return bool(context.get("ignore_auth"))


def shown_to_caller(show: Callable[[Context, Any, DataDict], Any]) -> Action:
    """A chained read action whose answer `show(caller, answer, data_dict)`
    keeps to what the caller may see; internal calls get the answer whole."""

    @tk.side_effect_free
    @tk.chained_action
    def chained(original: Action, context: Context, data_dict: DataDict) -> Any:
        if trusted(context):
            return original(context, data_dict)
        asking = caller(context)
        return show(asking, original(context, data_dict), data_dict)

    chained.__name__, chained.__doc__ = show.__name__, show.__doc__
    return chained


def may_read(context: Context, package: model.Package) -> bool:
    """CKAN's own read permission on the dataset (private ones, drafts)."""
    try:
        tk.check_access(
            "package_show",
            {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
            {"id": package.id},
        )
    except tk.NotAuthorized:
        return False
    return True
