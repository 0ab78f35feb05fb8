"""Where the taxonomies come from: the database when `ckan ecologie themes
load` has stored one, else the files shipped in themes/data/.

Each process keeps the taxonomies in memory and checks the database again
once `ckanext.ecologie.themes.cache_seconds` have passed, so a reload reaches
every web worker and harvest consumer without a restart.
"""

from __future__ import annotations

import datetime
import functools
import threading
import time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie.themes import defaults, skos
from ckanext.ecologie.themes.model import StoredTaxonomy
from ckanext.ecologie.themes.taxonomy import DATASET, SCHEMES, Taxonomy

_lock = threading.Lock()
_cache: dict[str, tuple[Taxonomy, datetime.datetime | None, float]] = {}


def parse(scheme: str, texts: list[str]) -> Taxonomy:
    taxonomy = skos.read_scheme(scheme, texts)
    return defaults.with_bouquet_mapping(taxonomy) if scheme == DATASET else taxonomy


@functools.cache
def shipped(scheme: str) -> Taxonomy:
    return parse(scheme, defaults.default_texts(scheme))


def get_taxonomy(scheme: str = DATASET) -> Taxonomy:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown theme scheme {scheme!r}")
    now = time.monotonic()
    cached = _cache.get(scheme)
    if cached and now - cached[2] < tk.config.get("ckanext.ecologie.themes.cache_seconds"):
        return cached[0]
    loaded_at = model.Session.query(StoredTaxonomy.loaded_at).filter_by(scheme=scheme).scalar()
    if cached and cached[1] == loaded_at:
        taxonomy = cached[0]
    elif loaded_at is None:
        taxonomy = shipped(scheme)
    else:
        row = model.Session.get(StoredTaxonomy, scheme)
        taxonomy = Taxonomy.from_dict(row.document) if row else shipped(scheme)
    with _lock:
        _cache[scheme] = (taxonomy, loaded_at, now)
    return taxonomy


def save_taxonomy(taxonomy: Taxonomy, source: str) -> None:
    """Store a taxonomy (the caller commits) and drop this process's copy."""
    row = model.Session.get(StoredTaxonomy, taxonomy.scheme) or StoredTaxonomy(scheme=taxonomy.scheme)
    row.source = source
    row.loaded_at = datetime.datetime.utcnow()
    row.document = taxonomy.as_dict()
    model.Session.add(row)
    forget()


def forget() -> None:
    with _lock:
        _cache.clear()
