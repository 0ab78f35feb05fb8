"""Who may read, write and moderate the discussions of a dataset or bouquet.

Threads follow their subject: a private subject's threads are read by those
who may read it; a restricted dataset's, by those who may use its data (a
thread may quote it). Moderators are sysadmins and the admins of the owning
organisation (the creator, for a bouquet without organisation).
"""

from __future__ import annotations

import datetime

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.types import Context

from ckanext.ecologie.access import policy
from ckanext.ecologie.discussions.model import DiscussionPost, DiscussionThread


def subject(subject_id: str | None) -> model.Package:
    package = model.Package.get(subject_id or "")
    if package is None or package.state != "active" or package.type not in ("dataset", "bouquet"):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package


def visible_subject(context: Context, subject_id: str | None) -> model.Package:
    """The subject, if the caller may see it: a private dataset they may not
    see does not exist for them (same answer as an unknown id, no id told)."""
    package = subject(subject_id)
    if not policy.may_read(context, package):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package


def thread(thread_id: object) -> DiscussionThread:
    found = model.Session.get(DiscussionThread, str(thread_id or ""))
    if found is None:
        raise tk.ObjectNotFound(tk._("Discussion not found"))
    return found


def post(post_id: object) -> DiscussionPost:
    found = model.Session.get(DiscussionPost, str(post_id or ""))
    if found is None:
        raise tk.ObjectNotFound(tk._("Message not found"))
    return found


def may_read(context: Context, package: model.Package) -> bool:
    if not policy.may_read(context, package):
        return False
    return policy.viewer(context).may_use_dataset(policy.access_of(package))


def user_of(context: Context) -> model.User | None:
    return model.User.get(context.get("user") or "") if context.get("user") else None


def is_moderator(context: Context, package: model.Package) -> bool:
    user = user_of(context)
    if user is None:
        return False
    if user.sysadmin:
        return True
    if package.owner_org:
        return authz.users_role_for_group_or_org(package.owner_org, user.name) == "admin"
    return package.creator_user_id == user.id


def may_edit(context: Context, post: DiscussionPost, closed: bool) -> bool:
    user = user_of(context)
    window = datetime.timedelta(minutes=tk.config.get("ckanext.ecologie.discussions.edit_minutes"))
    return (
        user is not None
        and post.author_id == user.id
        and not closed
        and not post.hidden
        and datetime.datetime.utcnow() - post.created <= window
    )


def check_rate(user: model.User) -> None:
    """A limit of messages per user and hour, against floods."""
    limit = tk.config.get("ckanext.ecologie.discussions.rate_limit")
    since = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    recent = (
        model.Session.query(DiscussionPost)
        .filter(DiscussionPost.author_id == user.id, DiscussionPost.created > since)
        .count()
    )
    if recent >= limit and not user.sysadmin:
        raise tk.ValidationError(
            {"rate_limit": [tk._("You wrote {count} messages in the last hour: please wait").format(count=recent)]}
        )
