"""A portal holding secrets, for the tests that attack it from outside.

Organisation `producteur` owns:
- a restricted dataset, harvested: a link, a distribution without a title
  (its name is its URL, as a harvest gives it), an uploaded file, a
  DataStore table and a resource view;
- a private dataset with a tag, a resource of its own format, a DataStore
  table, a discussion opened by a member and a harvest record;
- a published bouquet with items on both datasets.

The outsiders are the anonymous visitor, a logged-in user of no organisation
and an editor of another organisation. Each secret is a marker string: it
must never appear in what an outsider receives.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestJob, HarvestObject

SECRET_URL = "https://secret.example.org/restricted/releves-7f3a9c.csv"
UNTITLED_URL = "https://secret.example.org/restricted/sans-titre-51d0e2.zip"
UPLOAD_NAME = "releves-confidentiels.csv"
UPLOAD_BYTES = b"station;mesure\nS-CONFIDENTIELLE-42;12.5\n"
DATASTORE_VALUE = "S-DATASTORE-CONFIDENTIELLE"

PRIVATE_TITLE = "Inventaire confidentiel des zones humides de Kerbrat"
PRIVATE_NAME = "inventaire-prive-kerbrat"
PRIVATE_URL = "https://intranet.example.org/prive/kerbrat-zones-humides.gpkg"
PRIVATE_TAG = "kerbrat-zones-humides"
PRIVATE_FORMAT = "KERBRAT-GPKG"
PRIVATE_DATASTORE_VALUE = "ZH-KERBRAT-PRIVEE"
SEARCH_WORD = "kerbrat"  # a fragment of the private markers, never a whole one

OUTSIDERS = ("anonymous", "plain", "other_editor")


@dataclass
class World:
    restricted: dict[str, Any]
    private: dict[str, Any]
    link: dict[str, Any]
    untitled: dict[str, Any]
    upload: dict[str, Any]
    private_resource: dict[str, Any]
    view: dict[str, Any]
    organization: dict[str, Any]
    other_organization: dict[str, Any]
    group: dict[str, Any]
    bouquet: dict[str, Any]
    source: dict[str, Any]
    job_id: str
    harvest_objects: dict[str, str]
    thread_id: str
    users: dict[str, dict[str, Any]]
    tokens: dict[str, str | None]
    activities: dict[str, list[str]] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)

    def headers(self, user: str) -> dict[str, str]:
        token = self.tokens.get(user)
        return {"Authorization": token} if token else {}

    def secrets(self) -> list[str]:
        """What no outsider may ever receive, whatever they ask."""
        return [
            SECRET_URL,
            UNTITLED_URL,
            self.upload["url"],
            UPLOAD_BYTES.decode(),
            DATASTORE_VALUE,
            PRIVATE_TITLE,
            PRIVATE_URL,
            PRIVATE_TAG,
            PRIVATE_FORMAT,
            PRIVATE_DATASTORE_VALUE,
        ]

    def leaked(self, text: str, asked: str) -> list[str]:
        """Markers found in an answer, ignoring case (CKAN lowers formats).
        A marker the question carried itself (a tag name, an id) may be
        echoed: it counts only when the question did not hold it; the
        private dataset's id and name are markers too."""
        text, asked = text.casefold(), asked.casefold()
        markers = [*self.secrets(), self.private["id"], PRIVATE_NAME]
        return [marker for marker in markers if marker.casefold() in text and marker.casefold() not in asked]


def _api(app, action: str, payload: dict[str, Any], token: str, **kwargs: Any) -> dict[str, Any]:
    body = kwargs or {"json": payload}  # `data=`: a multipart upload
    response = app.post(f"/api/3/action/{action}", headers={"Authorization": token}, **body)
    assert response.status_code == 200, (action, response.get_data(as_text=True))
    return response.json["result"]


def _harvest_object(job: HarvestJob, source_id: str, package: dict[str, Any], content: dict[str, Any]) -> str:
    harvest_object = HarvestObject(
        guid=f"https://id.example.test/{package['name']}",
        job=job,
        harvest_source_id=source_id,
        package_id=package["id"],
        current=True,
        content=json.dumps(content),
    )
    harvest_object.save()
    return harvest_object.id


def build(app) -> World:
    users = {
        "member": factories.User(name="agent-producteur"),
        "plain": factories.User(name="curieux"),
        "other_editor": factories.User(name="editeur-autre-org"),
        "sysadmin": factories.Sysadmin(name="administrateur"),
    }
    tokens: dict[str, str | None] = {
        name: factories.APIToken(user=user["name"])["token"] for name, user in users.items()
    }
    tokens["anonymous"] = None
    member, sysadmin = tokens["member"], tokens["sysadmin"]
    assert member and sysadmin
    organization = factories.Organization(
        name="producteur", users=[{"name": users["member"]["name"], "capacity": "editor"}]
    )
    other_organization = factories.Organization(
        name="autre-org", users=[{"name": users["other_editor"]["name"], "capacity": "editor"}]
    )
    group = factories.Group(name="groupe-thematique")

    restricted = _api(
        app,
        "package_create",
        {
            "name": "releves-restreints",
            "title": "Releves piezometriques restreints",
            "owner_org": organization["id"],
            "access_rights": "restricted",
            "access_reason_category": "h",
            "access_reason": "Localisation d'especes protegees",
            "groups": [{"name": group["name"]}],
            "tags": [{"name": "piezometrie"}],
        },
        sysadmin,
    )
    link = _api(
        app,
        "resource_create",
        {"package_id": restricted["id"], "name": "Releves (lien)", "url": SECRET_URL, "format": "CSV"},
        member,
    )
    # a harvested distribution without a title: the harvest named it after its URL
    untitled = _api(
        app, "resource_create", {"package_id": restricted["id"], "name": UNTITLED_URL, "url": UNTITLED_URL}, member
    )
    upload = _api(
        app,
        "resource_create",
        {},
        member,
        data={"package_id": restricted["id"], "name": "Releves", "upload": (io.BytesIO(UPLOAD_BYTES), UPLOAD_NAME)},
    )
    _api(
        app,
        "datastore_create",
        {"resource_id": link["id"], "force": True, "records": [{"station": DATASTORE_VALUE, "mesure": 1.5}]},
        member,
    )
    view = _api(
        app,
        "resource_view_create",
        {"resource_id": link["id"], "title": "Apercu", "view_type": "image_view", "image_url": SECRET_URL},
        member,
    )

    private = _api(
        app,
        "package_create",
        {
            "name": PRIVATE_NAME,
            "title": PRIVATE_TITLE,
            "owner_org": organization["id"],
            "private": True,
            "tags": [{"name": PRIVATE_TAG}],
            "notes": f"Notes de {PRIVATE_TITLE}",
        },
        member,
    )
    private_resource = _api(
        app,
        "resource_create",
        {"package_id": private["id"], "name": "Zones", "url": PRIVATE_URL, "format": PRIVATE_FORMAT},
        member,
    )
    _api(
        app,
        "datastore_create",
        {"resource_id": private_resource["id"], "force": True, "records": [{"zone": PRIVATE_DATASTORE_VALUE}]},
        member,
    )
    thread = _api(
        app,
        "ecologie_discussion_create",
        {"subject_id": private["id"], "title": "Mise a jour", "body": "Quand ?"},
        member,
    )

    bouquet = _api(
        app,
        "package_create",
        {
            "type": "bouquet",
            "name": "bouquet-public",
            "title": "Bouquet public",
            "owner_org": organization["id"],
            "themes": ["mieux-se-loger"],
        },
        member,
    )
    _api(
        app,
        "ecologie_bouquet_item_create",
        {
            "bouquet_id": bouquet["id"],
            "items": [{"package_id": private["id"]}, {"package_id": restricted["id"]}],
        },
        member,
    )
    _api(app, "package_patch", {"id": bouquet["id"], "private": False}, member)

    source = call_action(
        "harvest_source_create",
        context={"user": users["sysadmin"]["name"]},
        name="source-producteur",
        title="Catalogue du producteur",
        url="http://127.0.0.1:9/catalogue.ttl",
        source_type="ecologie_dcat",
        owner_org=organization["id"],
    )
    job = HarvestJob(source_id=source["id"], status="Finished")
    job.save()
    harvest_objects = {
        "restricted": _harvest_object(
            job,
            source["id"],
            restricted,
            {"dataset": {"title": restricted["title"], "resources": [{"url": SECRET_URL}, {"url": UNTITLED_URL}]}},
        ),
        "private": _harvest_object(
            job, source["id"], private, {"dataset": {"title": PRIVATE_TITLE, "resources": [{"url": PRIVATE_URL}]}}
        ),
    }
    model.Session.commit()

    world = World(
        restricted=call_action("package_show", id=restricted["id"]),
        private=call_action("package_show", id=private["id"]),
        link=link,
        untitled=untitled,
        upload=upload,
        private_resource=private_resource,
        view=view,
        organization=organization,
        other_organization=other_organization,
        group=group,
        bouquet=bouquet,
        source=source,
        job_id=job.id,
        harvest_objects=harvest_objects,
        thread_id=thread["id"],
        users=users,
        tokens=tokens,
    )
    for name, dataset in (("restricted", restricted), ("private", private)):
        activities = call_action("package_activity_list", id=dataset["id"], limit=100)
        world.activities[name] = [activity["id"] for activity in activities]
    world.file_ids = [file_id for (file_id,) in model.Session.query(model.File.id)]
    # outsiders follow the restricted dataset, which anyone may do
    for outsider in ("plain", "other_editor"):
        _api(app, "follow_dataset", {"id": restricted["id"]}, tokens[outsider] or "")
    return world
