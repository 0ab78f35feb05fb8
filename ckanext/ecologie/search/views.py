"""/recherche: the search over datasets, bouquets and APIs, where the
header's and the home page's search boxes lead."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.common import request
from flask import Blueprint

from ckanext.ecologie.search import unified

search = Blueprint("ecologie_search", __name__)


def index() -> str:
    url = tk.h.url_for("ecologie_search.index")
    variables = unified.search_page(request.args, url, tk.h.get_page_number(request.args))
    return tk.render("search/index.html", variables)


search.add_url_rule("/recherche", view_func=index, endpoint="index")
