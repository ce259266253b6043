"""Installs GovShare's two CKAN extensions from one distribution.

Each extension keeps its own source root (``ckanext-govshare/``,
``ckanext-govasset/``); ``ckanext`` is a namespace package shared with the
other installed ckanext-* distributions.
"""
from setuptools import find_namespace_packages, setup

SOURCE_ROOTS = {
    "ckanext.govshare": "ckanext-govshare/ckanext/govshare",
    "ckanext.govasset": "ckanext-govasset/ckanext/govasset",
}


def _packages():
    packages = []
    for name, root in SOURCE_ROOTS.items():
        packages.append(name)
        packages += [f"{name}.{sub}" for sub in find_namespace_packages(root)]
    return packages


setup(
    name="govshare",
    version="0.1.0",
    description="GovShare: a government information resource catalog and data sharing platform on CKAN",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=_packages(),
    package_dir=SOURCE_ROOTS,
    include_package_data=True,
    package_data={
        "": [
            "*.yaml", "*.json", "*.xml", "*.txt",
            "templates/**/*", "public/**/*", "assets/**/*",
            "i18n/*.pot", "i18n/*/LC_MESSAGES/*.po", "i18n/*/LC_MESSAGES/*.mo",
        ],
    },
    zip_safe=False,
    entry_points={
        "ckan.plugins": [
            "govshare = ckanext.govshare.plugin:GovSharePlugin",
            "govasset = ckanext.govasset.plugin:GovAssetPlugin",
            "govshare_node_harvester = ckanext.govshare.exchange.harvesters:NodeHarvester",
            "govshare_catalog_file_harvester = "
            "ckanext.govshare.exchange.harvesters:CatalogFileHarvester",
        ],
        "ckan.rdf.profiles": [
            "govshare_dcat_ap = ckanext.govshare.dcat_profile:GovShareDCATAPProfile",
        ],
        "console_scripts": [
            "govshare-solr-schema = ckanext.govshare.solr_schema:main",
        ],
    },
)
