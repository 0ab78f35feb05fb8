"""The DCAT-AP-FR profile of ckanext-dcat (`dcat_ap_fr` under
`ckan.rdf.profiles`), for our DCAT harvester and our DCAT endpoints."""
