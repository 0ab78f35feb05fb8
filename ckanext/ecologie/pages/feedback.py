"""The feedback form to the portal team, open without an account.

Spam protection: a honeypot field that people never see, a minimum time
between showing the form and sending it (signed, so it cannot be forged),
and a limit of messages per address and hour, counted in Redis. The
fields are checked by the form's schema (schema.py); the message is queued
for the background worker (ckanext/ecologie/mail.py).
"""

from __future__ import annotations

import time
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from itsdangerous import BadSignature, URLSafeSerializer

from ckanext.ecologie import mail
from ckanext.ecologie.pages.schema import feedback_schema
from ckanext.ecologie.resilience import outages

HONEYPOT = "website"
MIN_SECONDS = 3


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(tk.config.get("SECRET_KEY"), salt="ecologie-feedback")


def form_token() -> str:
    return _signer().dumps(int(time.time()))


def _too_fast(token: str) -> bool:
    try:
        shown_at = int(_signer().loads(token))
    except (BadSignature, TypeError, ValueError):
        return True
    return time.time() - shown_at < MIN_SECONDS


def _over_limit(address: str) -> bool:
    redis = connect_to_redis()
    key = f"{tk.config.get('ckan.site_id')}:ecologie:feedback:{address}"
    count = redis.incr(key)
    if count == 1:
        redis.expire(key, 3600)
    return count > tk.config.get("ckanext.ecologie.feedback.rate_limit")


def send(form: dict[str, Any], address: str) -> dict[str, list[str]]:
    """Errors by field; an empty dict when the message was queued. A robot
    (honeypot filled, form sent too fast) is told nothing useful."""
    if form.get(HONEYPOT) or _too_fast(form.get("token", "")):
        return {"form": [tk._("Your message could not be sent. Please try again in a moment.")]}
    fields, errors = tk.navl_validate(form, feedback_schema(), {})
    recipient = tk.config.get("ckanext.ecologie.feedback.recipient")
    if not recipient:
        errors["form"] = [tk._("The feedback form is not configured on this portal")]
    if errors:
        return errors
    not_sent_now = {"form": [tk._("Your message could not be sent now: please try again in a few minutes.")]}
    try:
        over_limit = _over_limit(address)
    except outages.REDIS_ERRORS:
        # the limit cannot be counted: refuse rather than let a flood through
        outages.note(outages.QUEUE)
        return not_sent_now
    if over_limit:
        return {"form": [tk._("Too many messages from your address: please try again later.")]}
    body = tk._("Message from {name} <{email}>:\n\n{message}").format(
        name=fields["name"] or tk._("anonymous"), email=fields["email"] or "-", message=fields["message"]
    )
    subject = f"[{tk._('Feedback')}] {fields['subject'] or '-'}"
    try:
        mail.send(
            tk._("Portal team"), recipient, subject, body, {"Reply-To": fields["email"]} if fields["email"] else {}
        )
    except outages.REDIS_ERRORS:
        outages.note(outages.QUEUE)
        return not_sent_now
    return {}
