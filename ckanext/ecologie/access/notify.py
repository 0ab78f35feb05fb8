"""E-mails about access requests, queued for the background worker
(ckanext/ecologie/mail.py): a mail server that fails never fails the
request or the decision."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie import mail
from ckanext.ecologie.access.model import AccessRequest
from ckanext.ecologie.organizations import members


def _dataset_url(package: model.Package) -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + f"/dataset/{package.name}"


def request_created(request: AccessRequest, package: model.Package, requester: model.User) -> int:
    """Tell the admins of the owning organisation; returns how many mails were queued."""
    admins = members.admins(package.owner_org) if package.owner_org else []
    subject = tk._("Access request for {title}").format(title=package.title)
    body = tk._(
        "{user} asks for access to the data of {title}.\n\nReason given:\n{reason}\n\n"
        "Decide on your access requests page: {url}"
    ).format(
        user=requester.fullname or requester.name,
        title=package.title,
        reason=request.reason,
        url=tk.config.get("ckan.site_url").rstrip("/") + "/dashboard/access-requests",
    )
    return sum(mail.send_to_user(admin, subject, body) for admin in admins)


def request_decided(request: AccessRequest, package: model.Package, requester: model.User) -> bool:
    if request.status == "approved":
        subject = tk._("Access granted: {title}").format(title=package.title)
        body = tk._("Your request for the data of {title} was approved.\n\n{url}").format(
            title=package.title, url=_dataset_url(package)
        )
    else:
        subject = tk._("Access refused: {title}").format(title=package.title)
        body = tk._("Your request for the data of {title} was refused.\n\nReason:\n{reason}\n\n{url}").format(
            title=package.title, reason=request.decision_reason or "", url=_dataset_url(package)
        )
    return mail.send_to_user(requester, subject, body)
