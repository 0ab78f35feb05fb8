"""A batch's datasets indexed in one request at its end, and each record's
content hash stored only once its dataset is sent to the index (batch_index.py).
Harvests through the consumers, batched and not, are compared in
test_batched_import.py."""

from __future__ import annotations

import json

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan.lib.search.common import make_connection
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectError

from ckanext.ecologie.harvest import batch_index
from ckanext.ecologie.harvest.dcat import EcologieDcatHarvester
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.tests.harvest.support import make_source
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

NOT_INDEXED = (
    "The dataset was saved but not indexed (SearchIndexError): see the fetch consumer's log; "
    "the next harvest indexes it"
)


def _imported_unindexed(count: int) -> list[batch_index.Receipt]:
    """Datasets of a source, committed with a pending hash, not in the index."""
    source = make_source("ecologie_dcat", "http://127.0.0.1:9/catalogue.ttl")  # never read: no job runs
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"], run=False)["id"])
    receipts = []
    for number in range(count):
        dataset = make_dataset(title=f"Relevés piézométriques {number}", owner_org=source["owner_org"])
        harvest_object = HarvestObject(guid=f"releves-{number}", job=job, package_id=dataset["id"], current=True)
        model.Session.add(harvest_object)
        model.Session.add(
            HarvestRecord(
                source_id=source["id"],
                identifier=f"releves-{number}",
                package_id=dataset["id"],
                content_hash=batch_index.PENDING,
                last_job_id=job.id,
            )
        )
        model.Session.commit()
        receipts.append(batch_index.Receipt(source["id"], f"releves-{number}", f"hash-{number}", harvest_object.id))
    make_connection().delete(q="*:*", commit=True)
    return receipts


def _searchable(receipts: list[batch_index.Receipt]) -> int:
    make_connection().commit(waitSearcher=True)
    ids = [model.Session.get(HarvestRecord, (r.source_id, r.identifier)).package_id for r in receipts]
    return make_connection().search(q="*:*", fq=[f"id:({' OR '.join(ids)})"], rows=0).hits


def _hashes(receipts: list[batch_index.Receipt]) -> list[str]:
    model.Session.expire_all()
    return [model.Session.get(HarvestRecord, (r.source_id, r.identifier)).content_hash for r in receipts]


def _report_statuses(receipts: list[batch_index.Receipt]) -> list[str | None]:
    model.Session.expire_all()
    return [model.Session.get(HarvestObject, r.harvest_object_id).report_status for r in receipts]


def _package_id(receipt: batch_index.Receipt) -> str:
    return model.Session.get(HarvestRecord, (receipt.source_id, receipt.identifier)).package_id


def test_a_batch_is_indexed_at_its_end_and_only_then_its_hashes_stored() -> None:
    receipts = _imported_unindexed(3)

    with batch_index.one_request_per_batch():
        for receipt in receipts:
            batch_index.imported(_package_id(receipt), receipt)
        with batch_index.one_request_per_batch():  # a record's own import, inside its batch
            pass
        assert _hashes(receipts) == ["", "", ""]
        assert _searchable(receipts) == 0

    assert _searchable(receipts) == 3
    assert _hashes(receipts) == ["hash-0", "hash-1", "hash-2"]


def test_a_batch_solr_refuses_keeps_its_hashes_pending_and_says_so(monkeypatch) -> None:
    """Its records stay to be imported again by the next harvest (a pending
    hash matches no content), and the job's report names them."""
    receipts = _imported_unindexed(2)
    monkeypatch.setitem(tk.config, "solr_url", "http://127.0.0.1:9/solr/ckan")  # nothing listens there

    with batch_index.one_request_per_batch():
        for receipt in receipts:
            batch_index.imported(_package_id(receipt), receipt)

    monkeypatch.undo()
    assert _searchable(receipts) == 0
    assert _hashes(receipts) == ["", ""]
    errors = model.Session.query(HarvestObjectError).order_by(HarvestObjectError.created).all()
    assert sorted(error.harvest_object_id for error in errors) == sorted(r.harvest_object_id for r in receipts)
    assert {error.stage for error in errors} == {"Import"}
    assert {error.message for error in errors} == {NOT_INDEXED}
    assert _report_statuses(receipts) == ["errored", "errored"]


def test_a_document_solr_refuses_fails_its_record_alone() -> None:
    """An extra longer than a search term may be (32,766 bytes) makes Solr
    refuse the whole request: the others of the batch are indexed anyway."""
    receipts = _imported_unindexed(3)
    refused = receipts[1]
    package = model.Package.get(_package_id(refused))
    package.extras = {**(package.extras or {}), "releve": "é" * 20000}  # CKAN itself would refuse to index it
    model.Session.commit()

    with batch_index.one_request_per_batch():
        for receipt in receipts:
            batch_index.imported(_package_id(receipt), receipt)

    assert _searchable(receipts) == 2
    assert _searchable([refused]) == 0
    assert _hashes(receipts) == ["hash-0", "", "hash-2"]
    errors = model.Session.query(HarvestObjectError).all()
    assert [(error.harvest_object_id, error.message) for error in errors] == [(refused.harvest_object_id, NOT_INDEXED)]
    assert _report_statuses(receipts) == [None, "errored", None]


def test_an_import_delivered_again_before_its_indexing_is_indexed_then() -> None:
    """Its consumer was killed between its batch's commits and the batch's
    request: the objects are current, their records' hashes pending.
    Delivered again, the batch's first record is not imported twice, but its
    batch is indexed with the new one."""
    receipts = _imported_unindexed(2)
    for number, receipt in enumerate(receipts):
        harvest_object = model.Session.get(HarvestObject, receipt.harvest_object_id)
        dataset = {"title": f"Relevés piézométriques {number}"}
        harvest_object.content = json.dumps({"dataset": dataset, "hash": f"hash-{number}"})
    model.Session.commit()

    leader = model.Session.get(HarvestObject, receipts[0].harvest_object_id)
    assert EcologieDcatHarvester().import_stage(leader) is True

    assert _searchable(receipts) == 2
    assert _hashes(receipts) == ["hash-0", "hash-1"]
    assert model.Session.query(HarvestObjectError).count() == 0


def test_a_dataset_made_private_during_its_batch_is_indexed_private() -> None:
    """An editor's change committed while the batch runs is what the batch
    indexes, not the state the consumer's session last loaded."""
    (receipt,) = _imported_unindexed(1)
    package_id = _package_id(receipt)

    with batch_index.one_request_per_batch():
        loaded = model.Package.get(package_id)  # held in the consumer's session, as an import leaves it
        assert loaded.private is False
        with model.meta.engine.begin() as editor:
            editor.execute(sa.text("UPDATE package SET private = true WHERE id = :id"), {"id": package_id})
        batch_index.imported(package_id, receipt)

    make_connection().commit(waitSearcher=True)
    solr = make_connection()
    (document,) = solr.search(q="*:*", fq=[f"id:{package_id}"], fl="capacity").docs
    assert document == {"capacity": "private"}
    owner_org = model.Package.get(package_id).owner_org
    # labels are indexed, not stored: the searches they let through
    assert solr.search(q="*:*", fq=[f"id:{package_id}", "permission_labels:public"], rows=0).hits == 0
    assert solr.search(q="*:*", fq=[f"id:{package_id}", f'permission_labels:"member-{owner_org}"'], rows=0).hits == 1


def test_imports_outside_a_batch_are_refused() -> None:
    receipt = batch_index.Receipt("source", "identifier", "hash", "object")
    with pytest.raises(RuntimeError):
        batch_index.imported("package", receipt)
