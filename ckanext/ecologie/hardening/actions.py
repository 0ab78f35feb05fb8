"""Actions that fail with a 500 on a missing or malformed parameter, that
change things without any auth check, or that are not actions at all."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict, Schema

from ckanext.ecologie.validation import validated


def _v(name: str) -> Any:
    return tk.get_validator(name)


def _required_parameters() -> dict[str, Schema]:
    """The parameters each action reads without checking them (a KeyError or
    an assertion otherwise)."""
    text = [_v("not_empty"), _v("unicode_only")]
    count = [_v("ignore_missing"), _v("natural_number_validator")]
    return {
        "datastore_search_sql": {"sql": text},
        "group_autocomplete": {"q": text, "limit": count},
        "organization_autocomplete": {"q": text, "limit": count},
        "task_status_update_many": {"data": [_v("not_empty")]},
        "group_member_delete": {"id": [_v("not_empty"), _v("group_id_or_name_exists")]},
        "organization_member_delete": {"id": [_v("not_empty"), _v("group_id_or_name_exists")]},
        "package_collaborator_list": {"id": [_v("not_empty"), _v("package_id_or_name_exists")]},
        "package_collaborator_delete": {"id": [_v("not_empty"), _v("package_id_or_name_exists")]},
    }


READS = frozenset(
    {
        "datastore_search_sql",
        "group_autocomplete",
        "organization_autocomplete",
        "package_collaborator_list",
    }
)


def _checking(name: str) -> Action:
    @tk.chained_action
    def checked(original: Action, context: Context, data_dict: DataDict) -> Any:
        schema = _required_parameters()[name]
        asked = {key: data_dict[key] for key in schema if key in data_dict}
        valid = validated(asked, schema, context)
        return original(context, {**data_dict, **{key: valid[key] for key in asked}})

    checked.__name__ = name
    # a chained action carries its own flags: keep the original's GET access
    return tk.side_effect_free(checked) if name in READS else checked


@tk.chained_action
def harvest_abort_failed_jobs(original: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-harvest checks nothing before walking the running jobs."""
    tk.check_access("sysadmin", context, data_dict)
    return original(context, data_dict)


# ckanext-harvest registers every callable of its action modules: helpers
# taking other arguments, and an exception class.
NOT_ACTIONS = (
    "InactiveSource",
    "get_mail_extra_vars",
    "prepare_error_mail",
    "prepare_summary_mail",
    "send_error_email",
    "send_mail",
    "send_summary_email",
)


def _not_an_action(name: str) -> Action:
    @tk.chained_action
    def refused(original: Action, context: Context, data_dict: DataDict) -> Any:
        raise tk.ObjectNotFound(tk._("{name} is not an action").format(name=name))

    refused.__name__ = name
    return refused


def get_actions(harvest_enabled: bool, sql_search_enabled: bool) -> dict[str, Action]:
    """`sql_search_enabled`: the DataStore registers `datastore_search_sql`
    only with `ckan.datastore.sqlsearch.enabled`; a chain on a missing action
    stops CKAN from starting."""
    names = [
        name
        for name in _required_parameters()
        if (harvest_enabled or not name.startswith("harvest_"))
        and (sql_search_enabled or name != "datastore_search_sql")
    ]
    actions = {name: _checking(name) for name in names}
    if harvest_enabled:
        actions["harvest_abort_failed_jobs"] = harvest_abort_failed_jobs
        actions.update({name: _not_an_action(name) for name in NOT_ACTIONS})
    return actions
