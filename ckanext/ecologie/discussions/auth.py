"""Who may do what in discussions: these functions carry every rule (the
subject's visibility, moderation rights, the author's edit window), so that
`check_access` gives templates and the API the same answer the action
would. The rules themselves live in rules.py."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.ecologie.discussions import rules


def _refused(message: str) -> AuthResult:
    return {"success": False, "msg": message}


def _reader(context: Context, subject_id: Any) -> AuthResult:
    if not rules.may_read(context, rules.visible_subject(context, subject_id)):
        return _refused(tk._("You may not read the discussions of this page"))
    return {"success": True}


def _writer(context: Context, subject_id: Any) -> AuthResult:
    if rules.user_of(context) is None:
        return _refused(tk._("Log in to take part in discussions"))
    return _reader(context, subject_id)


def discussion_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _writer(context, data_dict.get("subject_id"))


def discussion_reply(context: Context, data_dict: DataDict) -> AuthResult:
    thread = rules.thread(data_dict.get("thread_id"))
    result = _writer(context, thread.subject_id)
    if result["success"] and thread.hidden and not rules.is_moderator(context, rules.subject(thread.subject_id)):
        raise tk.ObjectNotFound(tk._("Discussion not found"))  # as if it did not exist
    return result


@tk.auth_sysadmins_check  # only the author edits, sysadmins included
def discussion_edit(context: Context, data_dict: DataDict) -> AuthResult:
    post = rules.post(data_dict.get("post_id"))
    thread = rules.thread(post.thread_id)
    result = _writer(context, thread.subject_id)
    if result["success"] and not rules.may_edit(context, post, bool(thread.closed)):
        return _refused(tk._("Only the author may change a message, for a while after writing it"))
    return result


def discussion_moderate(context: Context, data_dict: DataDict) -> AuthResult:
    """Close, hide, delete: a thread (`thread_id`) or one of its messages (`post_id`)."""
    post = rules.post(data_dict["post_id"]) if data_dict.get("post_id") else None
    thread = rules.thread(post.thread_id if post else data_dict.get("thread_id"))
    if not rules.is_moderator(context, rules.subject(thread.subject_id)):
        return _refused(tk._("Only moderators may do this"))
    return {"success": True}


@tk.auth_allow_anonymous_access
def discussion_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _reader(context, data_dict.get("subject_id"))


def get_auth_functions() -> dict[str, Any]:
    return {
        "ecologie_discussion_create": discussion_create,
        "ecologie_discussion_reply": discussion_reply,
        "ecologie_discussion_edit": discussion_edit,
        "ecologie_discussion_close": discussion_moderate,
        "ecologie_discussion_hide": discussion_moderate,
        "ecologie_discussion_delete": discussion_moderate,
        "ecologie_discussion_list": discussion_list,
    }
