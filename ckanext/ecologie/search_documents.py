"""Search documents of many datasets sent to Solr in one request.

CKAN's `PackageSearchIndex.index_package` builds a dataset's document and
posts it alone, on a new connection: at 80,000 datasets, those requests
cost more than building the documents. `index_many` builds the same
documents (the same fields, `IPackageController.before_dataset_index` run
for each, the same permission labels) and posts a batch of them at once.
tests/test_search_documents.py compares the two, field by field, in a real
Solr: a CKAN upgrade that changes its documents fails there.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import pysolr
from ckan.lib.navl.dictization_functions import MissingNullEncoder
from ckan.lib.search import SearchIndexError
from ckan.lib.search.common import make_connection
from ckan.lib.search.index import KEY_CHARS, RESERVED_FIELDS, escape_xml_illegal_chars
from dateutil.parser import ParserError, parse

log = logging.getLogger(__name__)

# package_show's dict (default schema) and the one shown (the dataset type's)
Shown = tuple[dict[str, Any], dict[str, Any]]

# a resource's field, and the document's list of them (CKAN's pairs, in its order)
RESOURCE_FIELDS = [
    ("name", "res_name"),
    ("description", "res_description"),
    ("format", "res_format"),
    ("url", "res_url"),
    ("resource_type", "res_type"),
]


class DocumentBuilder:
    """Builds documents; vocabulary names are looked up once per builder."""

    def __init__(self) -> None:
        self._vocabulary_names: dict[str, str] = {}
        self._resource_fields = RESOURCE_FIELDS + [
            (column, f"res_extras_{column}") for column in model.Resource.get_extra_columns()
        ]

    def document(self, shown: Shown) -> dict[str, Any]:
        indexed, validated = shown
        document = dict(indexed)
        document["data_dict"] = json.dumps(indexed)
        document["validated_data_dict"] = json.dumps(validated, cls=MissingNullEncoder)
        if document.get("title"):
            document["title_string"] = document["title"]
        self._flatten_extras(document)
        self._flatten_tags(document)
        document["groups"] = [group["name"] for group in document.pop("groups", [])]
        document["capacity"] = "private" if document["private"] else "public"
        organization = document.get("organization")
        document["organization"] = organization["name"] if organization else None
        self._flatten_resources(document)
        # CKAN 2.12 fails on relationships (its package_show no longer has
        # the ids its indexing reads): they are left out, not failed on
        document.pop("relationships_as_object", None)
        document.pop("relationships_as_subject", None)
        document["entity_type"] = "package"
        document["dataset_type"] = document["type"]
        document = _clean_dates(document)
        for key in ("title", "notes", "title_string"):
            if document.get(key):
                document[key] = escape_xml_illegal_chars(document[key])
        # Solr takes UTC dates only, with their Z
        document["metadata_created"] += "Z"
        document["metadata_modified"] += "Z"
        site_id = tk.config.get("ckan.site_id")
        document["site_id"] = site_id
        if document.get("title"):
            document["title"] = document["title"].lstrip()  # sorted on: no leading spaces
        document["index_id"] = hashlib.md5(f"{document['id']}{site_id}".encode("latin-1")).hexdigest()
        for plugin in plugins.PluginImplementations(plugins.IPackageController):
            document = plugin.before_dataset_index(document)
        if not document:
            raise SearchIndexError("a plugin's before_dataset_index returned no document")
        # after the plugins, which may not set them
        package = model.Package.get(document["id"])
        labels = lib_plugins.get_permission_labels()
        document["permission_labels"] = labels.get_dataset_labels(package) if package else []
        return document

    def _flatten_extras(self, document: dict[str, Any]) -> None:
        """Each extra as `extras_<key>`, and as `<key>` unless a field of
        that name exists."""
        taken = set(RESERVED_FIELDS) | set(document)
        for extra in document.pop("extras", []):
            value = extra["value"]
            if isinstance(value, (list, tuple)):
                value = " ".join(str(item) for item in value)
            key = "".join(char for char in extra["key"] if char in KEY_CHARS)
            document[f"extras_{key}"] = value
            if key not in taken:
                document[key] = value

    def _flatten_tags(self, document: dict[str, Any]) -> None:
        """Free tags in `tags`, a vocabulary's in `vocab_<vocabulary name>`."""
        free = []
        for tag in document.pop("tags", []):
            vocabulary_id = tag.get("vocabulary_id")
            if vocabulary_id:
                document.setdefault(f"vocab_{self._vocabulary_name(vocabulary_id)}", []).append(tag["name"])
            else:
                free.append(tag["name"])
        document["tags"] = free

    def _vocabulary_name(self, vocabulary_id: str) -> str:
        if vocabulary_id not in self._vocabulary_names:
            vocabulary = tk.get_action("vocabulary_show")({}, {"id": vocabulary_id})
            self._vocabulary_names[vocabulary_id] = vocabulary["name"]
        return self._vocabulary_names[vocabulary_id]

    def _flatten_resources(self, document: dict[str, Any]) -> None:
        for resource in document.pop("resources", []):
            for field, flat in self._resource_fields:
                document[flat] = [*document.get(flat, []), resource.get(field, "")]


def _clean_dates(document: dict[str, Any]) -> dict[str, Any]:
    """Fields named `*_date` as ISO dates, in UTC when they say no zone;
    empty or unreadable ones left out."""
    cleaned = {}
    for key, value in document.items():
        if key.endswith("_date"):
            if not value:
                continue
            try:
                date = parse(value)
            except ParserError:
                log.warning("%r: %r value of %r is not a valid date", document["id"], key, value)
                continue
            value = date.isoformat() + ("" if date.tzinfo else "Z")
        cleaned[key] = value
    return cleaned


def _removed(indexed: dict[str, Any]) -> bool:
    return bool(tk.config.get("ckan.search.remove_deleted_packages")) and indexed.get("state") in (None, "deleted")


def index_many(datasets: Iterable[Shown]) -> None:
    """Index datasets, as CKAN's indexing with `defer_commit` would, in one
    request: a commit (the caller's) makes them searchable. With
    `ckan.search.remove_deleted_packages`, deleted ones are removed."""
    builder = DocumentBuilder()
    documents, removed = [], []
    for shown in datasets:
        if _removed(shown[0]):
            removed.append(shown[0]["id"])
        else:
            documents.append(builder.document(shown))
    connection = make_connection()
    try:
        if documents:
            connection.add(docs=documents, commit=False)
        if removed:
            quoted = " OR ".join(f'"{package_id}"' for package_id in removed)
            site_id = tk.config.get("ckan.site_id")
            connection.delete(
                q=f'+entity_type:package AND +(id:({quoted}) OR name:({quoted})) AND +site_id:"{site_id}"',
                commit=False,
            )
    except pysolr.SolrError as error:
        raise SearchIndexError(f"Solr returned an error: {error.args[0][:1000]}") from error
    except OSError as error:  # socket errors: Solr down or unreachable
        raise SearchIndexError(f"Could not connect to Solr using {connection.url}: {error}") from error
