"""The feedback form to the portal team, open without an account.

Spam protection: a honeypot field that people never see, a minimum time
between showing the form and sending it (signed, so it cannot be forged),
and a limit of messages per address and hour, counted in Redis.
"""

from __future__ import annotations

import re
import time
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import mailer
from ckan.lib.redis import connect_to_redis
from itsdangerous import BadSignature, URLSafeSerializer

from ckanext.ecologie.resilience import outages

HONEYPOT = "website"
MIN_SECONDS = 3
MAX_MESSAGE = 5000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")  # also keeps newlines out of Reply-To


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
    """Errors by field; an empty dict when the message was sent. A robot
    (honeypot filled, form sent too fast) is told nothing useful."""
    errors: dict[str, list[str]] = {}
    if form.get(HONEYPOT) or _too_fast(form.get("token", "")):
        return {"form": [tk._("Your message could not be sent. Please try again in a moment.")]}
    name, email, message = (str(form.get(field) or "").strip() for field in ("name", "email", "message"))
    subject = str(form.get("subject") or "").strip()[:200]
    if not message:
        errors["message"] = [tk._("Missing value")]
    elif len(message) > MAX_MESSAGE:
        errors["message"] = [tk._("At most {count} characters").format(count=MAX_MESSAGE)]
    if email and not EMAIL.match(email):
        errors["email"] = [tk._("Give a valid e-mail address, or none")]
    recipient = tk.config.get("ckanext.ecologie.feedback.recipient")
    if not recipient:
        errors["form"] = [tk._("The feedback form is not configured on this portal")]
    if errors:
        return errors
    try:
        over_limit = _over_limit(address)
    except outages.REDIS_ERRORS:
        # the limit cannot be counted: refuse rather than let a flood through
        outages.note(outages.QUEUE)
        return {"form": [tk._("Your message could not be sent now: please try again in a few minutes.")]}
    if over_limit:
        return {"form": [tk._("Too many messages from your address: please try again later.")]}
    body = tk._("Message from {name} <{email}>:\n\n{message}").format(
        name=name or tk._("anonymous"), email=email or "-", message=message
    )
    headers = {"Reply-To": email} if email else {}
    try:
        mailer.mail_recipient(
            tk._("Portal team"), recipient, f"[{tk._('Feedback')}] {subject or '-'}", body, headers=headers
        )
    except (mailer.MailerException, OSError):
        return {"form": [tk._("Your message could not be sent. Please try again in a moment.")]}
    return {}
