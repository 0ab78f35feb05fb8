"""Every e-mail of the portal leaves through here: queued as a background job
(`ckan jobs worker` sends it with CKAN's mailer), so that a slow or dead mail
server never holds a request. Texts are written, and translated, when the
mail is queued; the job only sends."""

from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.ecologie.resilience import outages

log = logging.getLogger(__name__)


def send(
    recipient_name: str, recipient_email: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> None:
    """Queue one e-mail. Raises one of `outages.REDIS_ERRORS` when the queue
    cannot be reached: the caller says what that means to its user."""
    # one line: a header with a line break would fail in the worker, after
    # the sender was told the mail was on its way
    subject = " ".join(subject.split())
    tk.enqueue_job(
        deliver,
        [recipient_name, recipient_email, subject, body, headers or {}],
        title="e-mail",
        # rq logs a job's description, by default its call with every
        # argument: the message's text and addresses stay out of the logs
        rq_kwargs={"description": "e-mail"},
    )


def send_to_user(user: model.User, subject: str, body: str) -> bool:
    """Queue an e-mail to a user who has an address; False (and a line in the
    log) when they have none or the queue cannot be reached: a notice that
    cannot be sent never fails what it tells about."""
    if not user.email:
        return False
    try:
        send(user.display_name, user.email, subject, body)
    except outages.REDIS_ERRORS as error:
        log.warning("e-mail to %s not queued: %s", user.name, error)
        return False
    return True


def deliver(recipient_name: str, recipient_email: str, subject: str, body: str, headers: dict[str, str]) -> None:
    """The job: send through CKAN's mailer. A failure is logged and raised
    again, so that rq keeps the job in its failed job registry."""
    try:
        mailer.mail_recipient(recipient_name, recipient_email, subject, body, headers=headers)
    except (mailer.MailerException, OSError) as error:
        log.error("e-mail to %s not sent: %s", recipient_email, error)
        raise
