"""Following datasets. CKAN lets anyone follow any dataset whose id they
know and lists the followed ones as whole dictionaries, resources included;
here a dataset the user may not see cannot be followed or asked about, and
followee lists keep to what the user may see, stripped of what they may not
use."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import policy, strip, visibility


def _require_visible(context: Context, reference: Any) -> None:
    """Unknown and invisible datasets get the same answer."""
    package = model.Package.get(str(reference)) if reference else None
    if package is None or (not policy.trusted(context) and not visibility.may_see(context, package.id)):
        raise tk.ObjectNotFound(tk._("Dataset not found"))


def _following(context: Context, reference: Any) -> bool:
    user = model.User.get(context.get("user") or "")
    package = model.Package.get(str(reference)) if reference else None
    if user is None or package is None:
        return False
    return model.UserFollowingDataset.is_following(user.id, package.id)


def _on_visible_dataset(name: str, side_effect_free: bool) -> Action:
    @tk.chained_action
    def checked(original: Action, context: Context, data_dict: DataDict) -> Any:
        # a user may stop following a dataset that turned private since
        if not (name == "unfollow_dataset" and _following(context, data_dict.get("id"))):
            _require_visible(context, data_dict.get("id"))
        return original(context, data_dict)

    checked.__name__ = name
    return tk.side_effect_free(checked) if side_effect_free else checked


def _shown(context: Context, datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = visibility.readable_ids(context, [dataset.get("id") for dataset in datasets])
    viewer = policy.viewer(context)
    return [
        dataset if viewer.may_use_dataset(dataset) else strip.strip_dataset(dataset)
        for dataset in datasets
        if dataset.get("id") in seen
    ]


@policy.shown_to_caller
def dataset_followee_list(caller: Context, datasets: list[dict[str, Any]], data_dict: DataDict) -> Any:
    return _shown(caller, datasets)


@policy.shown_to_caller
def followee_list(caller: Context, followees: list[dict[str, Any]], data_dict: DataDict) -> Any:
    datasets = _shown(caller, [item["dict"] for item in followees if item.get("type") == "dataset"])
    kept = {dataset["id"]: dataset for dataset in datasets}
    shown = []
    for item in followees:
        if item.get("type") != "dataset":
            shown.append(item)
        elif item["dict"].get("id") in kept:
            shown.append({**item, "dict": kept[item["dict"]["id"]]})
    return shown


FOLLOW_ACTIONS = {
    "follow_dataset": False,
    "unfollow_dataset": False,
    "am_following_dataset": True,
    "dataset_follower_count": True,
    "dataset_follower_list": True,
}


def get_actions() -> dict[str, Action]:
    actions: dict[str, Action] = {
        name: _on_visible_dataset(name, side_effect_free) for name, side_effect_free in FOLLOW_ACTIONS.items()
    }
    actions.update(dataset_followee_list=dataset_followee_list, followee_list=followee_list)
    return actions
