"""Packaging for ckanext-ecologie."""

from setuptools import find_namespace_packages, setup

with open("README.md", encoding="utf-8") as readme:
    long_description = readme.read()

setup(
    name="ckanext-ecologie",
    version="0.1.0",
    description=(
        "CKAN extension for the thematic catalogue of the ecological "
        "transition: themes, bouquets, restricted data and harvesters"
    ),
    long_description=long_description,
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext.*"]),
    include_package_data=True,
    zip_safe=False,
    install_requires=[
        "ckan==2.12.0",
        "ckanext-harvest==1.6.3",
        "ckanext-dcat==2.4.4",
        "OWSLib==0.35.0",
    ],
    entry_points={
        "ckan.plugins": [
            "ecologie = ckanext.ecologie.plugin:EcologiePlugin",
            "ecologie_proconnect = ckanext.ecologie.plugin:ProConnectPlugin",
            "ecologie_organizations = ckanext.ecologie.plugin:OrganizationsPlugin",
            "ecologie_dcat_harvester = ckanext.ecologie.harvest.dcat:EcologieDcatHarvester",
            "ecologie_csw_harvester = ckanext.ecologie.harvest.csw:EcologieCswHarvester",
            "ecologie_udata_harvester = ckanext.ecologie.harvest.udata:EcologieUdataHarvester",
        ],
        "ckan.rdf.profiles": [
            "dcat_ap_fr = ckanext.ecologie.dcat.profile:DcatApFrProfile",
            "dcat_us_1_1 = ckanext.ecologie.dcat.dcat_us:DcatUsProfile",
            "ecologie_bouquet = ckanext.ecologie.dcat.bouquet:BouquetProfile",
        ],
    },
)
