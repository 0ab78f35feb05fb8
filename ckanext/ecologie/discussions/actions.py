"""Discussion actions. Bodies are markdown, kept as written and shown
sanitised (`body_html`): no script, no `javascript:` link."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.types import Context, DataDict

from ckanext.ecologie import dates
from ckanext.ecologie.discussions import notify, rules, schema
from ckanext.ecologie.discussions.model import DiscussionPost, DiscussionThread
from ckanext.ecologie.search_index import reindex
from ckanext.ecologie.validation import validated


def _author(context: Context) -> model.User:
    user = rules.user_of(context)
    if user is None:  # a context that skipped the auth check (ignore_auth) still needs an author
        raise tk.NotAuthorized(tk._("Log in to take part in discussions"))
    return user


def _after_write(package: model.Package) -> None:
    """Counts live in the index (search results show them)."""
    model.Session.commit()
    reindex([package.id])


def ecologie_discussion_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Open a thread (`title`, markdown `body`) on a dataset or bouquet (`subject_id`)."""
    tk.check_access("ecologie_discussion_create", context, data_dict)
    author = _author(context)
    package = rules.subject(data_dict.get("subject_id"))
    written = validated(data_dict, schema.thread_schema(), context)
    rules.check_rate(author)
    thread = DiscussionThread(subject_id=package.id, title=written["title"], author_id=author.id)
    model.Session.add(thread)
    model.Session.flush()
    model.Session.add(DiscussionPost(thread_id=thread.id, author_id=author.id, body=written["body"]))
    return _announce(context, author, package, thread, is_reply=False)


def ecologie_discussion_reply(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Reply (`body`) in a thread (`thread_id`) that is not closed."""
    tk.check_access("ecologie_discussion_reply", context, data_dict)
    author = _author(context)
    thread = rules.thread(data_dict.get("thread_id"))
    package = rules.subject(thread.subject_id)
    if thread.closed:
        raise tk.ValidationError({"thread_id": [tk._("This discussion is closed")]})
    body = validated(data_dict, schema.message_schema(), context)["body"]
    rules.check_rate(author)
    model.Session.add(DiscussionPost(thread_id=thread.id, author_id=author.id, body=body))
    thread.last_activity = datetime.datetime.utcnow()
    return _announce(context, author, package, thread, is_reply=True)


def _announce(
    context: Context, author: model.User, package: model.Package, thread: DiscussionThread, is_reply: bool
) -> dict[str, Any]:
    """A new message is written: activity entry, commit, e-mails; the thread as shown."""
    notify.record_activity(notify.NEW_REPLY if is_reply else notify.NEW_THREAD, author, package, thread)
    _after_write(package)
    notify.mail_participants(package, thread, author, is_reply=is_reply)
    return thread_dict(context, thread, package)


def ecologie_discussion_edit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An author changes a message (`post_id`, `body`) for a while after writing it."""
    tk.check_access("ecologie_discussion_edit", context, data_dict)
    post = rules.post(data_dict.get("post_id"))
    thread = rules.thread(post.thread_id)
    package = rules.subject(thread.subject_id)
    post.body = validated(data_dict, schema.message_schema(), context)["body"]
    post.edited = datetime.datetime.utcnow()
    model.Session.commit()
    return thread_dict(context, thread, package)


def _moderated(data_dict: DataDict) -> tuple[DiscussionThread, DiscussionPost | None, model.Package]:
    """What a moderation action works on (the auth function checked who may)."""
    post = rules.post(data_dict["post_id"]) if data_dict.get("post_id") else None
    thread = rules.thread(post.thread_id if post else data_dict.get("thread_id"))
    return thread, post, rules.subject(thread.subject_id)


def ecologie_discussion_close(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Close a thread (`thread_id`): no more replies. `closed: false` reopens it."""
    tk.check_access("ecologie_discussion_close", context, data_dict)
    thread, _, package = _moderated(data_dict)
    if validated(data_dict, schema.closing_schema(), context)["closed"]:
        thread.closed, thread.closed_by = datetime.datetime.utcnow(), _author(context).id
    else:
        thread.closed = thread.closed_by = None
    model.Session.commit()
    return thread_dict(context, thread, package)


def ecologie_discussion_hide(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Hide (or, with `hidden: false`, show again) a thread or one message."""
    tk.check_access("ecologie_discussion_hide", context, data_dict)
    thread, post, package = _moderated(data_dict)
    (post or thread).hidden = validated(data_dict, schema.hiding_schema(), context)["hidden"]
    _after_write(package)
    return thread_dict(context, thread, package)


def ecologie_discussion_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Delete a thread (`thread_id`) or one message (`post_id`); deleting the
    first message deletes the thread."""
    tk.check_access("ecologie_discussion_delete", context, data_dict)
    thread, post, package = _moderated(data_dict)
    first = model.Session.query(DiscussionPost).filter_by(thread_id=thread.id).order_by(DiscussionPost.created).first()
    if post is None or (first is not None and post.id == first.id):
        model.Session.delete(thread)
        result = {"thread_id": thread.id, "deleted": "thread"}
    else:
        model.Session.delete(post)
        result = {"post_id": post.id, "deleted": "post"}
    _after_write(package)
    return result


@tk.side_effect_free
def ecologie_discussion_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Threads of a dataset or bouquet (`subject_id`), latest activity first,
    with their messages. Hidden ones are shown to moderators only."""
    tk.check_access("ecologie_discussion_list", context, data_dict)
    package = rules.subject(data_dict.get("subject_id"))
    moderator = rules.is_moderator(context, package)
    query = model.Session.query(DiscussionThread).filter(DiscussionThread.subject_id == package.id)
    if not moderator:
        query = query.filter(DiscussionThread.hidden.is_(False))
    threads = query.order_by(DiscussionThread.last_activity.desc()).all()
    posts: dict[str, list[DiscussionPost]] = {thread.id: [] for thread in threads}
    if threads:
        for post in (
            model.Session.query(DiscussionPost)
            .filter(DiscussionPost.thread_id.in_(list(posts)))
            .order_by(DiscussionPost.created)
        ):
            posts[post.thread_id].append(post)
    authors = _authors({thread.author_id for thread in threads} | {p.author_id for ps in posts.values() for p in ps})
    return [_thread_dict(context, thread, posts[thread.id], authors, moderator) for thread in threads]


# Built once: every package_show counts (after_dataset_show), and the ORM
# query over a subquery it replaces cost three times as much (5% of a
# search-index rebuild). Like that query, it does not flush the session
# (CKAN's has autoflush off): writers flush or commit before showing.
_THREADS = DiscussionThread.__table__
_THREAD_COUNT = (
    sa.select(sa.func.count())
    .select_from(_THREADS)
    .where(_THREADS.c.subject_id == sa.bindparam("subject_id"), _THREADS.c.hidden.is_(False))
)


def thread_count(package_id: str) -> int:
    return model.Session.execute(_THREAD_COUNT, {"subject_id": package_id}).scalar_one()


def _authors(ids: set[str]) -> dict[str, model.User]:
    if not ids:
        return {}
    return {user.id: user for user in model.Session.query(model.User).filter(model.User.id.in_(ids))}


def thread_dict(context: Context, thread: DiscussionThread, package: model.Package) -> dict[str, Any]:
    posts = model.Session.query(DiscussionPost).filter_by(thread_id=thread.id).order_by(DiscussionPost.created).all()
    authors = _authors({thread.author_id} | {post.author_id for post in posts})
    return _thread_dict(context, thread, posts, authors, rules.is_moderator(context, package))


def _thread_dict(
    context: Context,
    thread: DiscussionThread,
    posts: list[DiscussionPost],
    authors: dict[str, model.User],
    moderator: bool,
) -> dict[str, Any]:
    def name(user_id: str) -> str:
        user = authors.get(user_id)
        return (user.fullname or user.name) if user else "?"

    shown = [post for post in posts if moderator or not post.hidden]
    return {
        "id": thread.id,
        "subject_id": thread.subject_id,
        "title": thread.title,
        "author": name(thread.author_id),
        "created": dates.iso(thread.created),
        "last_activity": dates.iso(thread.last_activity),
        "closed": dates.iso(thread.closed),
        "hidden": thread.hidden,
        "post_count": len(shown),
        "posts": [
            {
                "id": post.id,
                "author": name(post.author_id),
                "author_id": post.author_id,
                "body": post.body,
                "body_html": str(tk.h.render_markdown(post.body)),
                "created": dates.iso(post.created),
                "edited": dates.iso(post.edited),
                "hidden": post.hidden,
                "can_edit": rules.may_edit(context, post, bool(thread.closed)),
            }
            for post in shown
        ],
    }
