"""Actions of restricted data: grants, access requests, audit log."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ecologie import dates
from ckanext.ecologie.access import grants, notify, policy, schema, visibility
from ckanext.ecologie.access.model import AccessAudit, AccessGrant, AccessRequest
from ckanext.ecologie.access.rights import RESTRICTED
from ckanext.ecologie.dataservices import DATASERVICE  # APIs have access rights as datasets do
from ckanext.ecologie.validation import validated


def _user(name_or_id: str) -> model.User:
    user = model.User.get(name_or_id)
    if user is None or user.state != "active":
        raise tk.ValidationError({"user": [tk._("User not found")]})
    return user


def _package(context: Context, package_id: str, field: str = "package_id") -> model.Package:
    """An active dataset the caller may see: a private one they may not see
    gets the answer of an unknown one."""
    package = model.Package.get(package_id)
    if (
        package is None
        or package.state != "active"
        or package.type not in ("dataset", DATASERVICE)
        or not (policy.trusted(context) or visibility.may_see(context, package.id))
    ):
        raise tk.ValidationError({field: [tk._("Dataset not found")]})
    return package


def _organization(organization_id: str) -> model.Group:
    group = model.Group.get(organization_id)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ValidationError({"organization_id": [tk._("Organisation not found")]})
    return group


def _actor(context: Context) -> model.User:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("You must be logged in"))
    return user


# --- dictization --------------------------------------------------------------


def grant_dict(record: AccessGrant) -> dict[str, Any]:
    user = model.User.get(record.user_id)
    return {
        "id": record.id,
        "user_id": record.user_id,
        "user": user.name if user else None,
        "package_id": record.package_id,
        "organization_id": record.organization_id,
        "granted_by": record.granted_by,
        "created": dates.iso(record.created),
        "expires": dates.iso(record.expires),
        "active": record.expires is None or record.expires > datetime.datetime.utcnow(),
    }


def request_dict(record: AccessRequest) -> dict[str, Any]:
    user, package = model.User.get(record.user_id), model.Package.get(record.package_id)
    return {
        "id": record.id,
        "package_id": record.package_id,
        "package_name": package.name if package else None,
        "package_title": package.title if package else None,
        "organization_id": package.owner_org if package else None,
        "user_id": record.user_id,
        "user": user.name if user else None,
        "reason": record.reason,
        "status": record.status,
        "created": dates.iso(record.created),
        "decided_by": record.decided_by,
        "decided_at": dates.iso(record.decided_at),
        "decision_reason": record.decision_reason,
    }


def audit_dict(record: AccessAudit) -> dict[str, Any]:
    return {
        "id": record.id,
        "timestamp": dates.iso(record.timestamp),
        "event": record.event,
        "actor_id": record.actor_id,
        "user_id": record.user_id,
        "package_id": record.package_id,
        "organization_id": record.organization_id,
        "details": record.details,
    }


# --- grants -------------------------------------------------------------------


def ecologie_access_grant_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Let `user` use the data of a dataset (`package_id`) or of every dataset
    of an organisation (`organization_id`), until `expires` (optional).
    Sysadmins and admins of the owning organisation only."""
    data = validated(data_dict, schema.grant_create(), context)
    if bool(data.get("package_id")) == bool(data.get("organization_id")):
        message = tk._("Give either a dataset or an organisation")
        raise tk.ValidationError({"package_id": [message], "organization_id": [message]})
    package = _package(context, data["package_id"]) if data.get("package_id") else None
    organization = _organization(data["organization_id"]) if data.get("organization_id") else None
    tk.check_access(
        "ecologie_access_grant_create",
        context,
        {"organization_id": package.owner_org if package else organization.id},  # type: ignore[union-attr]
    )
    user = _user(data["user"])
    record = grants.grant(_actor(context).id, user.id, package, organization, data.get("expires"))
    model.Session.commit()
    return grant_dict(record)


def ecologie_access_grant_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Revoke a grant by `id`; access ends on the user's next request."""
    grant_id = tk.get_or_bust(data_dict, "id")
    record = model.Session.get(AccessGrant, grant_id)
    if record is None:
        raise tk.ObjectNotFound(tk._("Grant not found"))
    package = model.Package.get(record.package_id) if record.package_id else None
    organization_id = record.organization_id or (package.owner_org if package else None)
    tk.check_access("ecologie_access_grant_delete", context, {"organization_id": organization_id})
    result = grant_dict(record)
    grants.revoke(_actor(context).id, record)
    model.Session.commit()
    return result


@tk.side_effect_free
def ecologie_access_grant_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Grants, filtered by `user`, `package_id` or `organization_id`. Users
    see their own; organisation admins those on their organisations."""
    tk.check_access("ecologie_access_grant_list", context, data_dict)
    actor = _actor(context)
    user_id = _user(data_dict["user"]).id if data_dict.get("user") else None
    visible = None if actor.sysadmin else grants.admin_organizations(actor)
    query = grants.grants_query(
        user_id, data_dict.get("package_id"), data_dict.get("organization_id"), visible, actor.id
    )
    return [grant_dict(record) for record in query.limit(1000)]


# --- requests -----------------------------------------------------------------


def ecologie_access_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask for the data of a restricted dataset (`package_id`), saying why
    (`reason`, required). The organisation's admins are told by e-mail."""
    tk.check_access("ecologie_access_request_create", context, data_dict)
    data = validated(data_dict, schema.request_create(), context)
    package = _package(context, data["package_id"])
    requester = _actor(context)
    if package.extras.get("access_rights") != RESTRICTED:
        raise tk.ValidationError({"package_id": [tk._("The data of this dataset is not restricted")]})
    if policy.viewer_for_user(requester).may_use_dataset(policy.access_of(package)):
        raise tk.ValidationError({"package_id": [tk._("You already have access to this data")]})
    if grants.pending_request(requester.id, package.id):
        raise tk.ValidationError({"package_id": [tk._("You already asked; your request is waiting for a decision")]})
    record = AccessRequest(package_id=package.id, user_id=requester.id, reason=data["reason"], status="pending")
    model.Session.add(record)
    model.Session.flush()
    grants.audit(
        "request", requester.id, requester.id, package.id, package.owner_org, request_id=record.id, reason=record.reason
    )
    model.Session.commit()
    notify.request_created(record, package, requester)
    return request_dict(record)


@tk.side_effect_free
def ecologie_access_request_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Requests: a requester sees theirs, organisation admins their
    organisations', sysadmins all. Filters: `status`, `package_id`,
    `organization_id`, `mine` (only my own requests)."""
    tk.check_access("ecologie_access_request_list", context, data_dict)
    actor = _actor(context)
    query = model.Session.query(AccessRequest).join(model.Package, model.Package.id == AccessRequest.package_id)
    if tk.asbool(data_dict.get("mine")):
        query = query.filter(AccessRequest.user_id == actor.id)
    elif not actor.sysadmin:
        administered = grants.admin_organizations(actor)
        query = query.filter((AccessRequest.user_id == actor.id) | model.Package.owner_org.in_(administered))
    if data_dict.get("status"):
        query = query.filter(AccessRequest.status == data_dict["status"])
    if data_dict.get("package_id"):
        query = query.filter(AccessRequest.package_id == data_dict["package_id"])
    if data_dict.get("organization_id"):
        query = query.filter(model.Package.owner_org == data_dict["organization_id"])
    return [request_dict(record) for record in query.order_by(AccessRequest.created.desc()).limit(1000)]


def ecologie_access_request_decide(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve or deny a pending request (`id`, `decision`: approve|deny,
    `reason`: required to deny, `expires`: optional end of the grant)."""
    data = validated(data_dict, schema.request_decide(), context)
    record = model.Session.get(AccessRequest, data["id"])
    if record is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    package = model.Package.get(record.package_id)
    tk.check_access("ecologie_access_request_decide", context, {"organization_id": package.owner_org})
    if record.status != "pending":
        raise tk.ValidationError({"id": [tk._("This request was already decided")]})
    reason = (data.get("reason") or "").strip()
    if data["decision"] == "deny" and not reason:
        raise tk.ValidationError({"reason": [tk._("Say why the request is refused")]})
    actor = _actor(context)
    record.status = "approved" if data["decision"] == "approve" else "denied"
    record.decided_by, record.decided_at, record.decision_reason = actor.id, datetime.datetime.utcnow(), reason
    grants.audit(
        data["decision"], actor.id, record.user_id, package.id, package.owner_org, request_id=record.id, reason=reason
    )
    if record.status == "approved":
        grants.grant(actor.id, record.user_id, package, None, data.get("expires"), request_id=record.id)
    model.Session.commit()
    notify.request_decided(record, package, model.User.get(record.user_id))
    return request_dict(record)


# --- audit --------------------------------------------------------------------


@tk.side_effect_free
def ecologie_access_audit_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The audit log, newest first (`package_id`, `organization_id`, `user`,
    `limit` up to 1000, `offset`). Organisation admins see their
    organisations' entries."""
    tk.check_access("ecologie_access_audit_list", context, data_dict)
    actor = _actor(context)
    data = validated(data_dict, schema.audit_list(), context)
    query = model.Session.query(AccessAudit)
    if not actor.sysadmin:
        query = query.filter(AccessAudit.organization_id.in_(grants.admin_organizations(actor)))
    if data.get("package_id"):
        query = query.filter(AccessAudit.package_id == data["package_id"])
    if data.get("organization_id"):
        query = query.filter(AccessAudit.organization_id == data["organization_id"])
    if data.get("user"):
        query = query.filter(AccessAudit.user_id == _user(data["user"]).id)
    query = query.order_by(AccessAudit.timestamp.desc()).offset(data["offset"]).limit(min(data["limit"], 1000))
    return [audit_dict(record) for record in query]
