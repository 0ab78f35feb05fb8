"""Harvesters of the ecological catalogues (DCAT-AP-FR, CSW / ISO 19139,
udata) and the pipeline they share: fetching, hardened parsing, enrichment,
content-hash skipping, merging across sources and deletion safety."""
