"""What the sources file declares, recorded where the sources'
organisations' editors cannot change it (see ownership.py): that a source is
the operator's (it may then reach private addresses), the right to send
records to their publishers' organisations, and links between sources whose
datasets merge. Loading the file again declares it all anew."""

from __future__ import annotations

import ckan.model as model
from ckanext.harvest.model import HarvestSource
from sqlalchemy import or_

from ckanext.ecologie.harvest.model import SourceLink, SourceTrust
from ckanext.ecologie.harvest.sources import SourceSpec


def declare(specs: list[SourceSpec]) -> None:
    """After the file's sources are created or updated."""
    sources = {spec.name: HarvestSource.get(model.Package.get(spec.name).id) for spec in specs}
    pairs = {(spec.name, other) for spec in specs for other in spec.merge_with}
    for spec in specs:
        source = sources[spec.name]
        trust = model.Session.get(SourceTrust, source.id)
        if trust is None:
            trust = SourceTrust(source_id=source.id)
            model.Session.add(trust)
        # as stored, which is what later imports compare with
        trust.url, trust.config = source.url or "", source.config or ""
        trust.publishers, trust.private_addresses = spec.publishers, spec.private_addresses
    ids = [source.id for source in sources.values()]
    model.Session.query(SourceLink).filter(
        or_(SourceLink.source_id.in_(ids), SourceLink.linked_source_id.in_(ids))
    ).delete(synchronize_session=False)
    model.Session.add_all(
        SourceLink(source_id=sources[one].id, linked_source_id=sources[other].id) for one, other in sorted(pairs)
    )
    model.Session.commit()
