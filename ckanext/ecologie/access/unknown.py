"""A dataset the caller may not see does not exist for them.

Core actions refuse a private dataset with "not authorized to read package
<id>" (403) where an unknown name gets 404: its id and its existence leak.
Each action below that names a dataset (or a harvest source, which is a
dataset too) is asked, for such a dataset, about a name nothing bears
instead, so that its answer is exactly the unknown name's. Our own actions
answer "not found" themselves (discussions/rules.py, bouquets/actions.py)."""

from __future__ import annotations

import uuid
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic import auth_audit_exempt
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import policy, visibility

# core action -> the keys that name a dataset in its parameters
NAMED_DATASET: dict[str, tuple[str, ...]] = {
    "package_show": ("id",),
    "package_update": ("id",),
    "package_patch": ("id",),
    "package_delete": ("id",),
    "dataset_purge": ("id",),
    "package_activity_list": ("id",),
    "package_collaborator_list": ("id",),
    "package_collaborator_delete": ("id",),
    "package_relationships_list": ("id", "id2"),
    "resource_create": ("package_id",),
}
NAMED_HARVEST_SOURCE = (
    "harvest_source_show",
    "harvest_source_show_status",
    "harvest_source_update",
    "harvest_source_patch",
    "harvest_source_delete",
    "harvest_source_clear",
    "harvest_source_index_clear",
    "harvest_source_job_history_clear",
    "harvest_source_reindex",
)
READS = frozenset(
    {"package_show", "package_activity_list", "package_collaborator_list", "package_relationships_list"}
    | {"dcat_dataset_show", "harvest_source_show", "harvest_source_show_status"}
)


def _hidden(context: Context, reference: Any) -> bool:
    if not isinstance(reference, str) or not reference or policy.trusted(context):
        return False
    package = model.Package.get(reference)
    if package is None or (not package.private and package.state == "active"):
        return False  # everyone sees a public dataset: no label query on package_show's hot path
    return not visibility.may_see(context, package.id)


def _as_unknown(value: Any, stand_in: str, asked: str) -> Any:
    """An answer about the stand-in name, told about the name asked."""
    if isinstance(value, str):
        return value.replace(stand_in, asked)
    if isinstance(value, list):
        return [_as_unknown(item, stand_in, asked) for item in value]
    if isinstance(value, dict):
        return {key: _as_unknown(item, stand_in, asked) for key, item in value.items()}
    return value


def _guarded(name: str, keys: tuple[str, ...], of_an_extension: bool) -> Action:
    @tk.chained_action
    def guarded(original: Action, context: Context, data_dict: DataDict) -> Any:
        hidden = [key for key in keys if _hidden(context, data_dict.get(key))]
        if not hidden:
            return original(context, data_dict)
        stand_ins = {key: str(uuid.uuid4()) for key in hidden}
        try:
            return original(context, {**data_dict, **stand_ins})
        except tk.ObjectNotFound as error:
            raise tk.ObjectNotFound(_told(error.message, stand_ins, data_dict)) from None
        except tk.ValidationError as error:
            raise tk.ValidationError(_told(error.error_dict, stand_ins, data_dict)) from None

    guarded.__name__ = name
    if of_an_extension:
        # CKAN exempts an extension's actions from its auth audit (they check
        # through the actions they call: harvest_source_show through
        # package_show), but not a chain over them
        guarded = auth_audit_exempt(guarded)
    # a chained action carries its own flags: keep the original's GET access
    return tk.side_effect_free(guarded) if name in READS else guarded


def _told(answer: Any, stand_ins: dict[str, str], data_dict: DataDict) -> Any:
    for key, stand_in in stand_ins.items():
        answer = _as_unknown(answer, stand_in, data_dict[key])
    return answer


def get_actions(harvest_enabled: bool, dcat_enabled: bool) -> dict[str, Action]:
    actions = {name: _guarded(name, keys, of_an_extension=False) for name, keys in NAMED_DATASET.items()}
    if dcat_enabled:
        actions["dcat_dataset_show"] = _guarded("dcat_dataset_show", ("id",), of_an_extension=True)
    if harvest_enabled:
        actions.update({name: _guarded(name, ("id",), of_an_extension=True) for name in NAMED_HARVEST_SOURCE})
    return actions
