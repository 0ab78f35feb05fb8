"""What organisation admins do to an agent's memberships, remembered so
that the mapping never undoes it: a membership an admin grants or changes
becomes theirs; one they take away is not given back at the next login."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.agents.memberships import MAPPING
from ckanext.ecologie.agents.model import AgentIdentity, MappedMembership


def _user_and_organization(data_dict: DataDict) -> tuple[model.User | None, model.Group | None]:
    if data_dict.get("object_type") != "user":
        return None, None
    return model.User.get(str(data_dict.get("object") or "")), model.Group.get(str(data_dict.get("id") or ""))


def _save(context: Context) -> None:
    if not context.get("defer_commit"):
        model.Session.commit()


@tk.chained_action
def member_create(up: Action, context: Context, data_dict: DataDict) -> Any:
    result = up(context, data_dict)
    user, organization = _user_and_organization(data_dict)
    if user and organization and not context.get(MAPPING):
        model.Session.query(MappedMembership).filter_by(user_id=user.id, organization_id=organization.id).delete()
        _save(context)
    return result


@tk.chained_action
def member_delete(up: Action, context: Context, data_dict: DataDict) -> Any:
    result = up(context, data_dict)
    user, organization = _user_and_organization(data_dict)
    is_agent = user is not None and model.Session.query(AgentIdentity).filter_by(user_id=user.id).count() > 0
    if is_agent and organization and not context.get(MAPPING):
        record = model.Session.get(MappedMembership, (user.id, organization.id))
        if record is None:
            model.Session.add(MappedMembership(user_id=user.id, organization_id=organization.id, revoked=True))
        else:
            record.revoked = True
        _save(context)
    return result
