"""Typed accessors for the options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def heat_window_days() -> int:
    return tk.config["ckanext.govasset.heat.window_days"]
