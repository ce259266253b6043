"""The GovShare catalog plugin: wiring only; logic lives in its modules."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.dcat.interfaces import IDCATRDFHarvester

from . import facets, indexing, query, visibility
from . import fork_safety  # noqa: F401  (registers its hook for forked processes)
from .exchange import dcat_lineage


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.blueprints
class GovSharePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(IDCATRDFHarvester, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        return indexing.add_department_path(indexing.add_classification_path(pkg_dict))

    def before_dataset_search(self, search_params):
        return query.add_chinese_query_fields(search_params)

    def after_dataset_search(self, search_results, search_params):
        return facets.label_search_facets(search_results)

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return facets.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.dataset_facets(facets_dict)

    # IPermissionLabels
    _labels = visibility.CatalogPermissionLabels()

    def get_dataset_labels(self, dataset_obj):
        return self._labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return self._labels.get_user_dataset_labels(user_obj)

    # IDCATRDFHarvester: DCAT nodes' entries get a department and lineage like ours
    def before_create(self, harvest_object, dataset_dict, temp_dict):
        dcat_lineage.prepare(harvest_object, dataset_dict)

    def before_update(self, harvest_object, dataset_dict, temp_dict):
        dcat_lineage.prepare(harvest_object, dataset_dict, updating=True)

    def after_create(self, harvest_object, dataset_dict, temp_dict):
        dcat_lineage.record(harvest_object, dataset_dict)

    def after_update(self, harvest_object, dataset_dict, temp_dict):
        dcat_lineage.record(harvest_object, dataset_dict)
