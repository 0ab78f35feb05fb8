"""Plugin wiring: each interface hands over to the capability that owns it."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Schema
from ckanext.dcat.interfaces import IDCATRDFHarvester

from ckanext.ecologie import cli, config_defaults, dataset_schema, search_types
from ckanext.ecologie.access import actions as access_actions
from ckanext.ecologie.access import activities as access_activities
from ckanext.ecologie.access import auth as access_auth
from ckanext.ecologie.access import follows as access_follows
from ckanext.ecologie.access import harvest_hook as access_harvest
from ckanext.ecologie.access import harvest_records as access_harvest_records
from ckanext.ecologie.access import helpers as access_helpers
from ckanext.ecologie.access import listings as access_listings
from ckanext.ecologie.access import surfaces as access_surfaces
from ckanext.ecologie.access.views import access_requests as access_blueprint
from ckanext.ecologie.agents import admin_changes as agent_admin_changes
from ckanext.ecologie.agents import passwords as agent_passwords
from ckanext.ecologie.agents import views as proconnect_views
from ckanext.ecologie.agents.views import proconnect as proconnect_blueprint
from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.bouquets import actions as bouquet_actions
from ckanext.ecologie.bouquets import auth as bouquet_auth
from ckanext.ecologie.bouquets import helpers as bouquet_helpers
from ckanext.ecologie.bouquets import labels as bouquet_labels
from ckanext.ecologie.bouquets import lifecycle as bouquet_lifecycle
from ckanext.ecologie.bouquets import schema as bouquet_schema
from ckanext.ecologie.bouquets import search as bouquet_search
from ckanext.ecologie.bouquets.views import bouquets as bouquets_blueprint
from ckanext.ecologie.chains import merge_auth, one_each
from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.dataservices import helpers as dataservice_helpers
from ckanext.ecologie.dataservices import schema as dataservice_schema
from ckanext.ecologie.dataservices import search as dataservice_search
from ckanext.ecologie.discussions import actions as discussion_actions
from ckanext.ecologie.discussions import auth as discussion_auth
from ckanext.ecologie.discussions.views import about_html
from ckanext.ecologie.discussions.views import discussions as discussions_blueprint
from ckanext.ecologie.hardening import actions as hardening_actions
from ckanext.ecologie.hardening import auth as hardening_auth
from ckanext.ecologie.hardening import proxies, public_paths
from ckanext.ecologie.hardening.pages import error_pages
from ckanext.ecologie.harvest import ownership as harvest_ownership
from ckanext.ecologie.harvest import report as harvest_report
from ckanext.ecologie.harvest import source_auth
from ckanext.ecologie.harvest.queue_connection import keep_harvest_queues_blocking
from ckanext.ecologie.health.views import health as health_blueprint
from ckanext.ecologie.organizations import actions as organization_actions
from ckanext.ecologie.organizations import helpers as organization_helpers
from ckanext.ecologie.resilience.answers import degraded as degraded_blueprint
from ckanext.ecologie.themes import actions as theme_actions
from ckanext.ecologie.themes import auth as theme_auth
from ckanext.ecologie.themes import harvest_hook, search
from ckanext.ecologie.themes import helpers as theme_helpers
from ckanext.ecologie.themes.views import themes as themes_blueprint
from ckanext.ecologie.ui import assets as ui_assets
from ckanext.ecologie.ui import helpers as ui_helpers


class EcologiePlugin(p.SingletonPlugin, tk.DefaultDatasetForm, DefaultTranslation):
    p.implements(p.IConfigDeclaration)
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IDatasetForm)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IClick)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IFiles, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(IDCATRDFHarvester, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        config_defaults.declare(declaration, key)

    # IMiddleware

    def make_middleware(self, app: Any, config: CKANConfig) -> Any:
        return proxies.trust_declared_proxies(app)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        public_paths.no_empty_public_path(config)
        config_defaults.fill_empty(config)
        ui_assets.register()
        keep_harvest_queues_blocking()

    # IDatasetForm: datasets, bouquets and dataservices (APIs); `validate`
    # picks the bouquet and dataservice schemas, and the templates below pick
    # their pages, by type.

    def package_types(self) -> list[str]:
        return ["dataset", BOUQUET, DATASERVICE]

    def is_fallback(self) -> bool:
        return False

    def create_package_schema(self) -> Schema:
        return dataset_schema.extend_create(super().create_package_schema())

    def update_package_schema(self) -> Schema:
        return dataset_schema.extend_create(super().update_package_schema())

    def show_package_schema(self) -> Schema:
        return dataset_schema.extend_show(super().show_package_schema())

    def validate(self, context: Any, data_dict: dict[str, Any], schema: Schema, action: str) -> Any:
        if data_dict.get("type") == BOUQUET and "schema" not in context:
            default = tk.DefaultDatasetForm()
            schema = (
                bouquet_schema.show_schema(default.show_package_schema())
                if action == "package_show"
                else bouquet_schema.create_schema(
                    default.create_package_schema() if action == "package_create" else default.update_package_schema()
                )
            )
        if data_dict.get("type") == DATASERVICE:
            schema = dataservice_schema.for_action(schema, action)
        data, errors = tk.navl_validate(data_dict, schema, context)
        errors.update(harvest_ownership.refused_update(context, data, action))
        return data, errors

    def new_template(self) -> str:
        return "ecologie/new.html"

    def read_template(self) -> str:
        return "ecologie/read.html"

    def search_template(self) -> str:
        return "ecologie/search.html"

    def package_form(self) -> str:
        return "ecologie/package_form.html"

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        pkg_dict.update(search.index_fields(pkg_dict))
        pkg_dict.update(access_surfaces.index_fields(pkg_dict))
        if pkg_dict.get("type") == BOUQUET:
            pkg_dict.update(bouquet_search.index_fields(pkg_dict))
        if pkg_dict.get("type") == DATASERVICE:
            dataservice_search.index_document(pkg_dict)
        return pkg_dict

    def after_dataset_delete(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        bouquet_lifecycle.dataset_deleted(pkg_dict.get("id"))
        bouquet_lifecycle.dataset_hidden({"id": pkg_dict.get("id"), "state": "deleted"})

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        bouquet_lifecycle.dataset_hidden(pkg_dict)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        access_surfaces.after_dataset_show(context, pkg_dict)
        pkg_dict["discussion_count"] = discussion_actions.thread_count(pkg_dict["id"])

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        search_params = search_types.exclude_unless_asked(search_params, (BOUQUET, DATASERVICE))
        return search.restrict_to_universe(search_params)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return search.label_facet_items(search_results)

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        if package_type == BOUQUET:
            return bouquet_search.facet_titles(facets_dict)
        return search.facet_titles(facets_dict, package_type)

    def organization_facets(
        self, facets_dict: dict[str, Any], organization_type: str, package_type: str | None
    ) -> dict[str, Any]:
        return search.facet_titles(facets_dict, package_type or "dataset")

    def group_facets(self, facets_dict: dict[str, Any], group_type: str, package_type: str | None) -> dict[str, Any]:
        return search.facet_titles(facets_dict, package_type or "dataset")

    # IActions, IAuthFunctions

    def get_actions(self) -> dict[str, Any]:
        return one_each(
            theme_actions.get_actions(),
            organization_actions.get_actions(),
            access_actions.get_actions(),
            access_surfaces.get_actions(),
            access_activities.get_actions() if p.plugin_loaded("activity") else {},
            access_follows.get_actions(),
            access_listings.get_actions(),
            access_harvest_records.get_actions() if p.plugin_loaded("harvest") else {},
            hardening_actions.get_actions(
                harvest_enabled=p.plugin_loaded("harvest"),
                sql_search_enabled=p.plugin_loaded("datastore")
                and tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")),
            ),
            bouquet_actions.get_actions(),
            bouquet_lifecycle.get_actions(),
            discussion_actions.get_actions(),
            harvest_report.get_actions() if p.plugin_loaded("harvest") else {},
        )

    def get_auth_functions(self) -> dict[str, Any]:
        return merge_auth(
            theme_auth.get_auth_functions(),
            access_auth.get_auth_functions(datastore_enabled=p.plugin_loaded("datastore")),
            bouquet_auth.get_auth_functions(),
            source_auth.get_auth_functions() if p.plugin_loaded("harvest") else {},
            discussion_auth.get_auth_functions(),
            hardening_auth.get_auth_functions(harvest_enabled=p.plugin_loaded("harvest")),
        )

    # IPermissionLabels: draft bouquets of an organisation for its editors

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        return bouquet_labels.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        return bouquet_labels.user_labels(user_obj)

    # IFiles: files owned by a resource or dataset follow its access rights

    def files_file_allows(self, context: Any, file: Any, operation: str) -> bool | None:
        return access_auth.file_allows(context, file, operation)

    # IBlueprint, IClick, ITemplateHelpers

    def get_blueprint(self) -> list[Any]:
        return [
            themes_blueprint,
            access_blueprint,
            bouquets_blueprint,
            discussions_blueprint,
            error_pages,
            degraded_blueprint,
            health_blueprint,
        ]

    def get_commands(self) -> list[Any]:
        return cli.get_commands()

    def get_helpers(self) -> dict[str, Any]:
        return {
            **theme_helpers.get_helpers(),
            **access_helpers.get_helpers(),
            **bouquet_helpers.get_helpers(),
            **dataservice_helpers.get_helpers(),
            "ecologie_about_html": about_html,
            **ui_helpers.get_helpers(),
            **harvest_report.get_helpers(),
            **organization_helpers.get_helpers(),
        }

    # IDCATRDFHarvester: access rights and classification at harvest import

    # ckanext-dcat's harvester picks the schema by the record's type, which a
    # record rarely has: CKAN's default schema, without our fields, unless
    # they are added here

    def update_package_schema_for_create(self, package_schema: Schema) -> Schema:
        return harvest_hook.schema_for_import(dataset_schema.extend_create(package_schema))

    def update_package_schema_for_update(self, package_schema: Schema) -> Schema:
        return harvest_hook.schema_for_import(dataset_schema.extend_create(package_schema))

    def before_create(self, harvest_object: Any, dataset_dict: dict[str, Any], temp_dict: dict[str, Any]) -> None:
        access_harvest.map_access_rights(dataset_dict)
        harvest_hook.classify_for_import(dataset_dict)

    def before_update(self, harvest_object: Any, dataset_dict: dict[str, Any], temp_dict: dict[str, Any]) -> None:
        access_harvest.map_access_rights(dataset_dict)
        harvest_hook.classify_for_import(dataset_dict)


class ProConnectPlugin(p.SingletonPlugin):
    """`ecologie_proconnect`: agents log in with ProConnect (OpenID Connect)."""

    p.implements(p.IConfigurer)
    p.implements(p.IBlueprint)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "agents/templates")

    def get_blueprint(self) -> list[Any]:
        return [proconnect_blueprint]

    def get_helpers(self) -> dict[str, Any]:
        return {"ecologie_password_login_for_everyone": agent_passwords.for_everyone}

    def get_actions(self) -> dict[str, Any]:
        return agent_admin_changes.get_actions()

    def login(self) -> Any:
        return agent_passwords.refuse_closed_accounts()

    def logout(self) -> Any:
        return proconnect_views.logout_at_provider()
