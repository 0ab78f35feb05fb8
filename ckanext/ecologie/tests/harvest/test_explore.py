import json
import os

import pytest

from ckanext.ecologie.tests.harvest.servers import RDF, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.helpers import CORPUS

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
FIELDS = (
    "title",
    "owner_org",
    "organization",
    "themes",
    "access_rights",
    "access_reason_category",
    "license_id",
    "maintainer",
)


def dump(source, job):
    print("JOB", json.dumps(job["stats"]), job["gather_errors"], job["object_errors"])
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    print(
        "OBJS",
        [
            (o.guid, o.report_status, o.state)
            for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job["id"])
        ],
    )
    for title, d in datasets_of(source).items():
        print("  --", title, {k: ((d.get(k) or {}).get("name") if k == "organization" else d.get(k)) for k in FIELDS})
        print("     res", [(str(r["name"])[:40], str(r["url"])[:70], r["format"]) for r in d["resources"]])
        print("     extras", {e["key"]: str(e["value"])[:60] for e in d["extras"]})


def test_explore(catalogue_server, harvest_consumers):
    s = catalogue_server
    types = {".xml": "application/rdf+xml", ".jsonld": "application/ld+json"}
    for i, f in enumerate(
        [
            "bnodes.jsonld",
            "bnodes.xml",
            "catalog.xml",
            "datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml",
            "flat.jsonld",
        ]
    ):
        url = s.add_file("/" + f, os.path.join(CORPUS, "dcat", f), types[os.path.splitext(f)[1]])
        source = make_source("ecologie_dcat", url, name=f"dcat-{i}")
        dump(source, harvest(source, harvest_consumers))
    for n in (1, 2):
        s.add_file(
            f"/paged/catalog.jsonld?page={n}",
            os.path.join(CORPUS, "dcat", f"paged-collection-{n}.jsonld"),
            "application/ld+json",
            replace={"http://data.test.org/catalog.jsonld": "{base}/paged/catalog.jsonld"},
        )
    source = make_source("ecologie_dcat", s.url + "/paged/catalog.jsonld?page=1", name="paged")
    dump(source, harvest(source, harvest_consumers))
    iso = records_of(os.path.join(CORPUS, "csw", "geonetwork-iso19139-page-1.xml")) + records_of(
        os.path.join(CORPUS, "csw", "geoide-iso19139-single-dataset.xml")
    )
    url = s.add("/csw", CswCatalogue(iso))
    source = make_source("ecologie_csw", url, name="csw-iso", page_size=2)
    dump(source, harvest(source, harvest_consumers))
    print(s.routes["/csw"].requests)
    url = s.add(
        "/csw-dcat",
        CswCatalogue(records_of(os.path.join(CORPUS, "csw", "geonetwork-dcat-page-1.xml"), f"{{{RDF}}}RDF")),
    )
    source = make_source("ecologie_csw", url, name="csw-dcat", output_schema="dcat", page_size=1)
    dump(source, harvest(source, harvest_consumers))
    assert 0
