"""How catalog searches are sent to Solr."""
from __future__ import annotations

from typing import Any

from ckan.lib.search.query import QUERY_FIELDS

# CKAN's own query fields, plus the character-pair field at a lower weight: word matches rank
# first, and pairs catch the words that segmentation cut differently.
CHINESE_QUERY_FIELDS = f"{QUERY_FIELDS} text_cjk^0.5"


def add_chinese_query_fields(search_params: dict[str, Any]) -> dict[str, Any]:
    """Search the character-pair field too, unless the caller chose its own ``qf``."""
    search_params.setdefault("qf", CHINESE_QUERY_FIELDS)
    return search_params
