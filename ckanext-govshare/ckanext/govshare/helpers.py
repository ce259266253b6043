"""Template helpers of the govshare plugin."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import config, facets


def govshare_platform_name() -> str:
    """The platform's configured name, e.g. 杭州市政务数据共享开放平台."""
    return config.platform_name()


def govshare_data_bureau() -> str:
    """The configured department that runs the platform."""
    return config.data_bureau()


def govshare_facet_labeler(facet: str):
    """A label function for the values of ``facet`` (see snippets/facet_list.html), or None."""
    return facets.value_labeler(facet)


def govshare_classification_choices(field: dict) -> list[dict]:
    """Choices for the classification field: the nodes resource codes can hang from, labelled
    "code name" in the user's language (scheming ``choices_helper``)."""
    from . import classification
    english = tk.h.lang() == "en"
    nodes = tk.get_action("govshare_classification_list")({}, {})
    return [{"value": node["code"],
             "label": f"{node['code']} {node['name_en'] if english and node['name_en'] else node['name']}"}
            for node in nodes if classification.can_head_resource_code(node["code"])]
