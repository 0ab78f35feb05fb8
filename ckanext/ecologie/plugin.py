"""Plugin wiring: each interface hands over to the capability that owns it."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Schema, SignalMapping
from ckanext.dcat.interfaces import IDCATRDFHarvester

from ckanext.ecologie import cli, config_defaults, dataset_schema, registry, search_types
from ckanext.ecologie.access import auth as access_auth
from ckanext.ecologie.access import harvest_hook as access_harvest
from ckanext.ecologie.access import surfaces as access_surfaces
from ckanext.ecologie.agents import passwords as agent_passwords
from ckanext.ecologie.agents import views as proconnect_views
from ckanext.ecologie.agents.views import proconnect as proconnect_blueprint
from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.bouquets import labels as bouquet_labels
from ckanext.ecologie.bouquets import lifecycle as bouquet_lifecycle
from ckanext.ecologie.bouquets import schema as bouquet_schema
from ckanext.ecologie.bouquets import search as bouquet_search
from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.dataservices import schema as dataservice_schema
from ckanext.ecologie.dataservices import search as dataservice_search
from ckanext.ecologie.discussions import actions as discussion_actions
from ckanext.ecologie.hardening import proxies, public_paths
from ckanext.ecologie.harvest import ownership as harvest_ownership
from ckanext.ecologie.harvest import saving as harvest_saving
from ckanext.ecologie.harvest.queue_connection import keep_harvest_queues_blocking
from ckanext.ecologie.organizations import indexing as organization_indexing
from ckanext.ecologie.organizations import required as organizations_required
from ckanext.ecologie.organizations import schema as organization_schema
from ckanext.ecologie.themes import harvest_hook, search
from ckanext.ecologie.ui import assets as ui_assets


@tk.blanket.config_declarations(config_defaults.declare)
@tk.blanket.actions(registry.actions)
@tk.blanket.auth_functions(registry.auth_functions)
@tk.blanket.helpers(registry.helpers)
@tk.blanket.blueprints(registry.BLUEPRINTS)
@tk.blanket.cli(cli.get_commands)
class EcologiePlugin(p.SingletonPlugin, tk.DefaultDatasetForm, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IDatasetForm)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IFiles, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(IDCATRDFHarvester, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IMiddleware

    def make_middleware(self, app: Any, config: CKANConfig) -> Any:
        return proxies.trust_declared_proxies(app)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        organizations_required.check_loaded()
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
        harvest_saving.noted_change(context, pkg_dict)

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

    # IPermissionLabels: draft bouquets of an organisation for its editors

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        return bouquet_labels.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        return bouquet_labels.user_labels(user_obj)

    # IFiles: files owned by a resource or dataset follow its access rights

    def files_file_allows(self, context: Any, file: Any, operation: str) -> bool | None:
        return access_auth.file_allows(context, file, operation)

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


@tk.blanket.blueprints([proconnect_blueprint])
@tk.blanket.helpers({"ecologie_password_login_for_everyone": agent_passwords.for_everyone})
@tk.blanket.actions(registry.agent_actions)
class ProConnectPlugin(p.SingletonPlugin):
    """`ecologie_proconnect`: agents log in with ProConnect (OpenID Connect)."""

    p.implements(p.IConfigurer)
    p.implements(p.IAuthenticator, inherit=True)

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "agents/templates")

    def login(self) -> Any:
        return agent_passwords.refuse_closed_accounts()

    def logout(self) -> Any:
        return proconnect_views.logout_at_provider()


class OrganizationsPlugin(p.SingletonPlugin, tk.DefaultOrganizationForm):
    """`ecologie_organizations`: the organisation's type, a field of its form
    and of organization_create/update/show (IGroupForm). A plugin of its own
    because IGroupForm's methods (new_template, read_template, validate...)
    have the names of IDatasetForm's, which `ecologie` implements for
    datasets; `ecologie` refuses to start without it."""

    p.implements(p.IGroupForm)
    p.implements(p.ISignal)

    # IGroupForm: core's organisation pages and schemas, plus the type

    def group_types(self) -> list[str]:
        return ["organization"]

    def is_fallback(self) -> bool:
        return False

    def create_group_schema(self) -> Schema:
        return organization_schema.for_saving(super().create_group_schema())

    def update_group_schema(self) -> Schema:
        return organization_schema.for_saving(super().update_group_schema())

    def show_group_schema(self) -> Schema:
        return organization_schema.for_showing(super().show_group_schema())

    # ISignal: datasets are faceted on their organisation's type

    def get_signal_subscriptions(self) -> SignalMapping:
        return organization_indexing.get_signal_subscriptions()
