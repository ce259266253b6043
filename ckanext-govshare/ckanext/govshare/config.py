"""Typed accessors for the options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def platform_name() -> str:
    return tk.config["ckanext.govshare.platform_name"]


def data_bureau() -> str:
    return tk.config["ckanext.govshare.data_bureau"]
