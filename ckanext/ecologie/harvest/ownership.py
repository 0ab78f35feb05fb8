"""Which datasets a harvest source may change.

A source belongs to an organisation, and so do the records it brings:
- a record updates a dataset of the source's organisation, one the source
  brought itself, or one brought by a source linked to it;
- an update never moves a dataset to another organisation and never lowers
  its access rights (restricted, then open with an account, then open);
- records go to their publishers' organisations only for a source trusted
  to do so.
Links and that trust (and the right to reach private addresses) are granted
by a sysadmin in the sources file, never through a source's own
configuration (its organisation's editors may change it), and hold while the
source keeps the address and configuration the file declared (a link, while
both its sources do). A record that breaks a rule changes nothing: the import stops
with a `RecordRefused` naming the rule, recorded on the harvest object.

Harvesters other than ours (ckanext-harvest's CKAN harvester, ckanext-dcat's
DCAT harvester) get the same last two rules through `refused_update`, which
the dataset schema's validation applies to every write of the harvest user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestObject, HarvestSource
from sqlalchemy import or_

from ckanext.ecologie.access.rights import OPEN, OPEN_WITH_ACCOUNT, RESTRICTED
from ckanext.ecologie.contexts import site_user_name
from ckanext.ecologie.harvest.model import HarvestRecord, SourceLink, SourceTrust

RANK = {OPEN: 0, OPEN_WITH_ACCOUNT: 1, RESTRICTED: 2}


class RecordRefused(Exception):
    """A record that would break an ownership rule; the message says which."""


@dataclass(frozen=True)
class Reach:
    """What a source may change, beyond its organisation's datasets."""

    source_id: str
    owner_org: str | None
    publishers: bool = False
    linked_sources: frozenset[str] = frozenset()
    private_addresses: bool = False
    suspended: bool = False  # declared, but the source no longer is what the file declared


def _as_declared(source_id: str) -> SourceTrust | None:
    """The source's declaration, while the source keeps the address and
    configuration it declares."""
    trust = model.Session.get(SourceTrust, source_id)
    source = model.Session.get(HarvestSource, source_id) if trust is not None else None
    if trust is None or source is None or (trust.url, trust.config) != (source.url or "", source.config or ""):
        return None
    return trust


def reach_of(source: HarvestSource) -> Reach:
    package = model.Package.get(source.id)
    owner_org = package.owner_org if package is not None else None
    trust = _as_declared(source.id)
    if trust is None:
        return Reach(source.id, owner_org, suspended=model.Session.get(SourceTrust, source.id) is not None)
    links = model.Session.query(SourceLink.source_id, SourceLink.linked_source_id).filter(
        or_(SourceLink.source_id == source.id, SourceLink.linked_source_id == source.id)
    )
    # a link holds while both ends are as the file declared them
    linked = {one for pair in links for one in pair if one != source.id and _as_declared(one) is not None}
    return Reach(source.id, owner_org, bool(trust.publishers), frozenset(linked), bool(trust.private_addresses))


def may_reach_private_addresses(reach: Reach) -> bool:
    """`ckanext.ecologie.harvest.private_addresses`: `trusted` (sources the
    sources file trusts with them: an intranet catalogue), `all` or `none`.
    Every hop counts (redirects, next pages), and the catalogue chooses them:
    only trust a catalogue one runs."""
    allowed = tk.config.get("ckanext.ecologie.harvest.private_addresses")
    return allowed == "all" or (allowed == "trusted" and reach.private_addresses)


def _brought_by(package_id: str, source_ids: set[str]) -> bool:
    if not source_ids:
        return False
    recorded = model.Session.query(HarvestRecord.package_id).filter(
        HarvestRecord.package_id == package_id, HarvestRecord.source_id.in_(source_ids)
    )
    # datasets an earlier harvester (the stock DCAT one) brought for the source
    harvested = model.Session.query(HarvestObject.package_id).filter(
        HarvestObject.package_id == package_id,
        HarvestObject.harvest_source_id.in_(source_ids),
        HarvestObject.current.is_(True),
    )
    return recorded.first() is not None or harvested.first() is not None


def _title(organization_id: str | None) -> str:
    group = model.Group.get(organization_id) if organization_id else None
    return group.title or group.name if group else tk._("no organisation")


def lowers(stored: Any, new: Any) -> bool:
    """Whether `new` access rights are lower than `stored` ones; a record
    that says nothing (None) keeps the stored ones."""
    if new in (None, "") or stored not in RANK:
        return False
    return RANK.get(new, RANK[RESTRICTED]) < RANK[stored]


def _own(reach: Reach, package: model.Package) -> bool:
    same_organization = package.owner_org is not None and package.owner_org == reach.owner_org
    return same_organization or _brought_by(package.id, {reach.source_id})


def may_change(reach: Reach, package: model.Package) -> bool:
    return _own(reach, package) or _brought_by(package.id, set(reach.linked_sources))


def may_delete(reach: Reach, package: model.Package) -> bool:
    """A dataset gone from the source: deleted if it is still in the source's
    organisation, or, for a source sending records to their publishers,
    wherever it went (the source's own record says it brought it)."""
    return package.owner_org == reach.owner_org or reach.publishers


def check_update(reach: Reach, package: model.Package, dataset: dict[str, Any]) -> None:
    """Before a record updates `package`: raises RecordRefused, or lets it
    through (a linked source's record keeps the dataset's organisation)."""
    # The messages name no dataset: a source's job report is public, and
    # the dataset may be private.
    if _brought_by(package.id, set(reach.linked_sources)):
        dataset["owner_org"] = package.owner_org  # merged with a linked source's: it stays where it is
    elif not _own(reach, package):
        raise RecordRefused(
            tk._(
                "The record's dataset belongs to another organisation: this source may not change it. "
                "A sysadmin may link the sources in the sources file (merge_with)."
            )
        )
    if dataset.get("owner_org") != package.owner_org:
        raise RecordRefused(
            tk._("The record would move its dataset from {current} to {new}: nothing was changed.").format(
                current=_title(package.owner_org), new=_title(dataset.get("owner_org"))
            )
        )
    stored = package.extras.get("access_rights")
    if lowers(stored, dataset.get("access_rights")):
        raise RecordRefused(
            tk._(
                "The record would lower the access rights of its dataset from {current} to {new}: "
                "nothing was changed. An admin of its organisation may change them by hand."
            ).format(current=stored, new=dataset.get("access_rights"))
        )


# --- every harvester: the harvest user's writes ----------------------------------


def _harvest_users() -> set[str]:
    site_user = site_user_name()
    return {site_user, tk.config.get("ckanext.harvest.user_name") or site_user}


def refused_update(context: Any, data: dict[str, Any], action: str) -> dict[str, list[str]]:
    """Validation errors for an update by the harvest user (any harvester's
    import) that moves a dataset or lowers its access rights."""
    package = context.get("package")
    if action != "package_update" or package is None or context.get("user") not in _harvest_users():
        return {}
    errors: dict[str, list[str]] = {}
    new_owner = data.get("owner_org")
    if new_owner and new_owner != package.owner_org:
        errors["owner_org"] = [tk._("A harvest never moves a dataset to another organisation")]
    if lowers(package.extras.get("access_rights"), _stored_access(data)):
        errors["access_rights"] = [tk._("A harvest never lowers the access rights of a dataset")]
    return errors


def _stored_access(data: dict[str, Any]) -> str:
    """The access rights the validated update would store: a schema without
    our fields (CKAN's default, which some harvesters use) keeps them only
    as an extra, or drops them, which opens the dataset."""
    extras = {extra.get("key"): extra.get("value") for extra in data.get("extras") or [] if isinstance(extra, dict)}
    return data.get("access_rights") or extras.get("access_rights") or OPEN
