"""What the `ecologie` plugin hands CKAN through `tk.blanket`: every
capability's actions, auth functions, template helpers and blueprints.

An action module needs no table of its actions: the functions it defines
named `ecologie_*`, and those chaining a core action (named after it), are its
actions. Modules that build chained actions for a list of core actions keep
their `get_actions()`; auth tables stay tables, since several actions share
one rule."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Action

from ckanext.ecologie.access import actions as access_actions
from ckanext.ecologie.access import activities as access_activities
from ckanext.ecologie.access import auth as access_auth
from ckanext.ecologie.access import follows as access_follows
from ckanext.ecologie.access import harvest_records as access_harvest_records
from ckanext.ecologie.access import helpers as access_helpers
from ckanext.ecologie.access import listings as access_listings
from ckanext.ecologie.access import surfaces as access_surfaces
from ckanext.ecologie.access import unknown as access_unknown
from ckanext.ecologie.access.views import access_requests as access_blueprint
from ckanext.ecologie.agents import admin_changes as agent_admin_changes
from ckanext.ecologie.bouquets import actions as bouquet_actions
from ckanext.ecologie.bouquets import auth as bouquet_auth
from ckanext.ecologie.bouquets import helpers as bouquet_helpers
from ckanext.ecologie.bouquets import lifecycle as bouquet_lifecycle
from ckanext.ecologie.bouquets.views import bouquets as bouquets_blueprint
from ckanext.ecologie.chains import merge_actions, merge_auth
from ckanext.ecologie.dataservices import helpers as dataservice_helpers
from ckanext.ecologie.discussions import actions as discussion_actions
from ckanext.ecologie.discussions import auth as discussion_auth
from ckanext.ecologie.discussions.views import discussions as discussions_blueprint
from ckanext.ecologie.hardening import actions as hardening_actions
from ckanext.ecologie.hardening import auth as hardening_auth
from ckanext.ecologie.hardening.pages import error_pages
from ckanext.ecologie.harvest import batching as harvest_batching
from ckanext.ecologie.harvest import report as harvest_report
from ckanext.ecologie.harvest import saving as harvest_saving
from ckanext.ecologie.harvest import source_auth
from ckanext.ecologie.health.views import health as health_blueprint
from ckanext.ecologie.organizations import actions as organization_actions
from ckanext.ecologie.organizations import helpers as organization_helpers
from ckanext.ecologie.organizations import pages as organization_pages
from ckanext.ecologie.pages import views as pages_views
from ckanext.ecologie.qgis import helpers as qgis_helpers
from ckanext.ecologie.qgis.views import qgis as qgis_blueprint
from ckanext.ecologie.resilience.answers import degraded as degraded_blueprint
from ckanext.ecologie.search import helpers as search_helpers
from ckanext.ecologie.search.views import search as search_blueprint
from ckanext.ecologie.themes import actions as theme_actions
from ckanext.ecologie.themes import auth as theme_auth
from ckanext.ecologie.themes import helpers as theme_helpers
from ckanext.ecologie.themes.views import themes as themes_blueprint
from ckanext.ecologie.ui import helpers as ui_helpers
from ckanext.ecologie.ui import layout as ui_layout


def actions_in(module: ModuleType) -> dict[str, Action]:
    """The actions a module defines: `ecologie_*` functions, and chains of
    the core action of their name."""
    return {
        name: function
        for name, function in vars(module).items()
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and (name.startswith("ecologie_") or getattr(function, "chained_action", False))
    }


def _harvest_loaded() -> bool:
    return p.plugin_loaded("harvest")


def actions() -> dict[str, Action]:
    harvest = _harvest_loaded()
    return merge_actions(
        # first: a dataset the caller may not see is unknown to every chain after it
        access_unknown.get_actions(harvest_enabled=harvest, dcat_enabled=p.plugin_loaded("dcat")),
        *(
            actions_in(module)
            for module in (
                theme_actions,
                organization_actions,
                access_actions,
                access_surfaces,
                bouquet_actions,
                bouquet_lifecycle,
                discussion_actions,
            )
        ),
        actions_in(harvest_report) if harvest else {},
        actions_in(harvest_batching) if harvest else {},
        actions_in(harvest_saving) if harvest else {},
        access_follows.get_actions(),
        access_listings.get_actions(),
        access_activities.get_actions() if p.plugin_loaded("activity") else {},
        access_harvest_records.get_actions() if harvest else {},
        hardening_actions.get_actions(
            harvest_enabled=harvest,
            sql_search_enabled=p.plugin_loaded("datastore")
            and tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")),
        ),
    )


def auth_functions() -> dict[str, Any]:
    harvest = _harvest_loaded()
    return merge_auth(
        theme_auth.get_auth_functions(),
        access_auth.get_auth_functions(datastore_enabled=p.plugin_loaded("datastore")),
        bouquet_auth.get_auth_functions(),
        source_auth.get_auth_functions() if harvest else {},
        discussion_auth.get_auth_functions(),
        hardening_auth.get_auth_functions(harvest_enabled=harvest),
    )


def helpers() -> dict[str, Any]:
    return {
        **theme_helpers.get_helpers(),
        **access_helpers.get_helpers(),
        **bouquet_helpers.get_helpers(),
        **dataservice_helpers.get_helpers(),
        "ecologie_about_html": pages_views.about_html,
        **ui_helpers.get_helpers(),
        **ui_layout.get_helpers(),
        **harvest_report.get_helpers(),
        **organization_helpers.get_helpers(),
        **qgis_helpers.get_helpers(),
        **search_helpers.get_helpers(),
        **organization_pages.get_helpers(),
    }


BLUEPRINTS = [
    themes_blueprint,
    access_blueprint,
    bouquets_blueprint,
    discussions_blueprint,
    pages_views.pages,
    error_pages,
    degraded_blueprint,
    health_blueprint,
    qgis_blueprint,
    search_blueprint,
]


def agent_actions() -> dict[str, Action]:
    return actions_in(agent_admin_changes)
