"""The licence register we ship (harvest/data/licences.json, CKAN's
`licenses_group_url` unless the portal sets its own) and the harvest's
normalisation onto it, over the licence strings of the corpus records."""

from __future__ import annotations

import json
import os
import re

import ckan.model as model
import pytest
from ckan.common import CKANConfig, config

from ckanext.ecologie import config_defaults
from ckanext.ecologie.harvest import licences
from ckanext.ecologie.tests.helpers import CORPUS, call, make_dataset

LOV2_TITLE = "Licence Ouverte / Open Licence version 2.0"
LOV2_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@pytest.fixture
def register():
    """CKAN keeps one register per process: read ours afresh."""
    if hasattr(model.Package, "_license_register"):
        del model.Package._license_register
    yield model.Package.get_license_register()


# (corpus file, licence value as the record writes it, our id); the values
# are checked to be in the files, so that they stay real.
CORPUS_LICENCES = [
    ("dcat/catalog.xml", "Licence Ouverte Version 2.0", "lov2"),
    ("dcat/catalog.xml", "Licence Ouverte Version 1.0", "fr-lo"),
    ("dcat/sig.oreme.rdf", "Licence ouverte / Open Licence", "lov2"),  # no version: the current one
    ("dcat/geonetwork.xml", "copyright", None),
    ("dcat/geonetwork.xml", "license", None),
    (
        "dcat/geonetwork.xml",
        "http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/noLimitations",
        None,
    ),
    ("dcat/geonetwork.xml", "No conditions apply to access and use.", None),
    # reserved to the holders of the RGE (IGN) licence: not open
    (
        "dcat/datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml",
        "Ayant droit IGN Bénéficiaires du RGE",
        "other-closed",
    ),
    ("dcat/udata.xml", "License Not Specified", "notspecified"),
    (
        "csw/geonetwork-dcat-page-3.xml",
        "Licence Ouverte version 2.0  https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
        "lov2",
    ),
    ("csw/geonetwork-dcat-page-5.xml", "Pas de restriction d’accès public", None),
    (
        "csw/geonetwork-iso19139-page-1.xml",
        "Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.",
        "fr-lo",
    ),
    (
        "csw/geonetwork-iso19139-page-3.xml",
        "Licence Ouverte / Open Licence Version 2.0  https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
        "lov2",
    ),
    ("csw/geonetwork-iso19139-page-1.xml", "Pas de restriction d'accès public selon INSPIRE", None),
    (
        "csw/geoplateforme-iso19139-IGNF_RPG.xml",
        "Licence Ouverte / Open License (compatible ODC-BY, CC-BY 2.0)",
        "lov2",
    ),
    (
        "csw/geoplateforme-iso19139-IGNF_RPG.xml",
        "https://www.etalab.gouv.fr/wp-content/uploads/2018/11/open-licence.pdf",
        "lov2",
    ),
    ("csw/geoplateforme-iso19139-IGNF_RPG.xml", "Aucune contrainte", None),
    (
        "csw/geonetwork-geodcatap-page-1.xml",
        "Utilisation libre sous réserve de mentionner la source (a minima le nom du producteur) et la date de sa "
        "dernière mise à jour",
        None,
    ),
    (
        "dcat/evian.json",
        '<DIV STYLE="text-align:Left;"><DIV><DIV><P><SPAN>Soumis à la licence Etalab : '
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/</SPAN></P></DIV></DIV></DIV>",
        "lov2",
    ),
    (
        "dcat/evian.json",
        '<DIV STYLE="text-align:Left;"><DIV><DIV><P><SPAN>Soumis à la licence Etalab</SPAN></P></DIV></DIV></DIV>',
        "lov2",
    ),
    ("dcat/evian.json", "", None),
]

# Ids, URIs and labels other catalogues and registers use (data.gouv.fr's
# API, SPDX, the EU licence vocabulary, DCAT-US feeds).
OTHER_SPELLINGS = [
    (LOV2_TITLE, "lov2"),
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "lov2"),
    ("http://www.etalab.gouv.fr/licence-ouverte-open-licence/", "lov2"),
    ("etalab-2.0", "lov2"),
    ("https://spdx.org/licenses/etalab-2.0.html", "lov2"),
    ("Licence Ouverte v2.0", "lov2"),
    ("fr-lo", "fr-lo"),
    ("https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf", "fr-lo"),
    ("ODbL", "odc-odbl"),
    ("ODbL-1.0", "odc-odbl"),
    ("http://opendatacommons.org/licenses/odbl/1.0/", "odc-odbl"),
    ("Licence ouverte de base de données (ODbL)", "odc-odbl"),
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by"),
    ("CC-BY-4.0", "cc-by"),
    ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "cc-by"),
    ("CC BY-NC 4.0", None),  # not open: not CC BY
    ("Creative Commons Attribution - Pas d'Utilisation Commerciale 4.0", None),
    ("CC-BY-SA 4.0", "cc-by-sa"),
    ("Creative Commons Attribution - Partage dans les Mêmes Conditions 4.0 International", "cc-by-sa"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "cc-zero"),
    ("CC0-1.0", "cc-zero"),
    ("Open Data Commons Attribution License", "odc-by"),
    ("https://opendatacommons.org/licenses/by/1-0/", "odc-by"),
    ("PDDL-1.0", "odc-pddl"),
    ("Other (Attribution)", "other-at"),
    ("Pas de restriction d'usage", None),
]


def _in_corpus(file: str, value: str) -> bool:
    with open(os.path.join(CORPUS, file), encoding="utf-8") as stream:
        if file.endswith(".json"):
            return value in {dataset.get("license") for dataset in json.load(stream)["dataset"]}
        return value in stream.read()


@pytest.mark.usefixtures("with_request_context", "register")
def test_the_corpus_licence_strings() -> None:
    assert [(file, value) for file, value, _ in CORPUS_LICENCES if not _in_corpus(file, value)] == []
    assert [licences.normalise([value]) for _, value, _ in CORPUS_LICENCES] == [
        expected for *_, expected in CORPUS_LICENCES
    ]


@pytest.mark.usefixtures("with_request_context", "register")
def test_other_spellings() -> None:
    assert {value: licences.normalise([value]) for value, _ in OTHER_SPELLINGS} == dict(OTHER_SPELLINGS)


@pytest.mark.usefixtures("with_request_context", "register")
def test_a_generic_licence_gives_way_to_a_named_one() -> None:
    # ckanext-dcat reads an empty dct:license as the register's entry with no url
    assert licences.normalise(["notspecified", "", "Licence Ouverte version 2.0"]) == "lov2"
    assert licences.normalise(["notspecified", "Pas de restriction"]) == "notspecified"
    assert licences.normalise([None, ""]) is None


def test_the_register_is_ours_unless_the_portal_sets_one() -> None:
    assert config["licenses_group_url"] == licences.REGISTER_URL == "file://" + licences.REGISTER_FILE
    left_empty = CKANConfig({"licenses_group_url": ""})
    config_defaults.fill_empty(left_empty)
    assert left_empty["licenses_group_url"] == licences.REGISTER_URL
    own = CKANConfig({"licenses_group_url": "https://licences.example.test/licences.json"})
    config_defaults.fill_empty(own)
    assert own["licenses_group_url"] == "https://licences.example.test/licences.json"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "register")
def test_the_register_reaches_the_api_and_the_pages(app) -> None:
    assert [licence["id"] for licence in call("license_list")] == [
        "lov2",
        "fr-lo",
        "odc-odbl",
        "cc-by",
        "cc-by-sa",
        "cc-zero",
        "odc-by",
        "odc-pddl",
        "other-open",
        "other-pd",
        "other-at",
        "other-nc",
        "other-closed",
        "notspecified",
    ]
    dataset = make_dataset(name="baignade", title="Qualité des eaux de baignade", license_id="lov2")
    make_dataset(name="pistes", title="Pistes cyclables", license_id="odc-odbl")
    make_dataset(name="ancienne", title="Ancienne licence", license_id="fr-lo")

    shown = call("package_show", id=dataset["id"])
    assert (shown["license_id"], shown["license_title"], shown["license_url"], shown["isopen"]) == (
        "lov2",
        LOV2_TITLE,
        LOV2_URL,
        True,
    )
    older = call("package_show", id="ancienne")
    assert (older["license_title"], older["isopen"]) == ("Licence Ouverte / Open Licence version 1.0", True)

    facets = call("package_search", **{"facet.field": '["license_id"]'})["search_facets"]["license_id"]["items"]
    assert sorted((item["name"], item["display_name"], item["count"]) for item in facets) == [
        ("fr-lo", "Licence Ouverte / Open Licence version 1.0", 1),
        ("lov2", LOV2_TITLE, 1),
        ("odc-odbl", "Open Data Commons Open Database License (ODbL)", 1),
    ]
    search_page = app.get("/dataset/").body
    assert f"{LOV2_TITLE} <span" in search_page
    assert "Open Data Commons Open Database License (ODbL) <span" in search_page
    dataset_page = app.get("/dataset/baignade").body
    # the licence's title links to its page, beside the dataset (its DSFR licence block)
    licence = re.search(r'<section class="fr-mb-3w ecologie-licence".*?</section>', dataset_page, re.S).group(0)
    assert f'<a class="fr-link" href="{LOV2_URL}" rel="noopener">{LOV2_TITLE}</a>' in licence
