"""Telling people about new threads and replies: an entry in the subject's
activity stream (so followers see it on their dashboard) and an e-mail to
the participants and the owning organisation's admins, queued for the
background worker (ckanext/ecologie/mail.py)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import get_permission_labels

from ckanext.ecologie import mail
from ckanext.ecologie.discussions.model import DiscussionPost, DiscussionThread
from ckanext.ecologie.organizations import members

NEW_THREAD = "new discussion"
NEW_REPLY = "new discussion reply"


def record_activity(activity_type: str, actor: model.User, package: model.Package, thread: DiscussionThread) -> None:
    """Activities of our own types (rendered by templates/snippets/activities).
    Their data names the subject and the thread, never the messages."""
    if not plugins.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    activity = Activity(
        user_id=actor.id,
        object_id=package.id,
        activity_type=activity_type,
        data={
            "package": {"id": package.id, "name": package.name, "title": package.title, "type": package.type},
            "discussion": {"id": thread.id, "title": thread.title},
        },
    )
    activity.permission_labels = get_permission_labels().get_dataset_labels(package)
    model.Session.add(activity)


def _recipients(package: model.Package, thread: DiscussionThread, actor: model.User) -> list[model.User]:
    participant_ids = {thread.author_id} | {
        author_id for (author_id,) in model.Session.query(DiscussionPost.author_id).filter_by(thread_id=thread.id)
    }
    users = model.Session.query(model.User).filter(model.User.id.in_(participant_ids)).all()
    if package.owner_org:
        users += members.admins(package.owner_org)
    unique = {user.id: user for user in users if user.id != actor.id and user.email and user.state == "active"}
    return list(unique.values())


def mail_participants(package: model.Package, thread: DiscussionThread, actor: model.User, is_reply: bool) -> int:
    """Returns how many mails were queued."""
    url = tk.h.url_for("ecologie_discussions.read", package_type=package.type, id=package.name, qualified=True)
    if is_reply:
        subject = tk._("New reply: {title}").format(title=thread.title)
        body = tk._('{user} replied in the discussion "{title}" about {subject}.\n\n{url}')
    else:
        subject = tk._("New discussion about {subject}").format(subject=package.title)
        body = tk._('{user} started the discussion "{title}" about {subject}.\n\n{url}')
    text = body.format(user=actor.fullname or actor.name, title=thread.title, subject=package.title, url=url)
    return sum(mail.send_to_user(user, subject, text) for user in _recipients(package, thread, actor))
