"""Actions of the data sharing exchange: lineage, and the token a source shows its node."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import data_access
from ...exchange import credentials, lineage
from ..checks import authorized_and_valid
from ..schema import exchange_lineage_schema, exchange_token_schema

__all__ = [
    "govshare_lineage_show",
    "govshare_exchange_token_set",
    "govshare_exchange_token_delete",
    "govshare_exchange_token_status",
]


@tk.side_effect_free
def govshare_lineage_show(context, data_dict):
    """Where a harvested entry and its files came from: the node (harvest source), the
    node's own ids, the harvest job, when, each file's checksum, size and what the transfer
    did (copied, converted, linked, not_copied, failed), and why an entry was withdrawn.

    :param id: the entry's id or name
    :type id: string
    :returns: the lineage, or ``null`` for an entry that was not harvested
    :rtype: dictionary
    """
    data = authorized_and_valid("govshare_lineage_show", exchange_lineage_schema, context,
                                data_dict)
    package = model.Package.get(data["id"])
    found = lineage.show(package.id)
    user = model.User.get(context.get("user") or "")
    if found and not (data_access.is_staff(user) or (user and user.sysadmin)):
        _hide_node_addresses(found)
    return found


def _hide_node_addresses(found: dict) -> None:
    """Nodes sit on the government network: their addresses are for government staff."""
    found["source_url"] = ""
    for row in found["files"]:
        row["remote_url"] = ""


def govshare_exchange_token_set(context, data_dict):
    """Store the API token a node issued for the platform; it is never shown again.

    :param source_id: the harvest source (its id or name)
    :type source_id: string
    :param api_token: the token the node's administrator issued
    :type api_token: string
    :rtype: dictionary (whether a token is set, when, by whom)
    """
    data = authorized_and_valid("govshare_exchange_token_set", exchange_token_schema, context,
                                data_dict)
    user = model.User.get(context.get("user"))
    source_id = _source_id(data["source_id"])
    credentials.set_token(source_id, data["api_token"], user.id if user else None)
    return credentials.status(source_id)


def govshare_exchange_token_delete(context, data_dict):
    """Forget a source's token (the node revoked it, or the node leaves the exchange).

    :param source_id: the harvest source (its id or name)
    :type source_id: string
    """
    tk.check_access("govshare_exchange_token_delete", context, data_dict)
    source_id = _source_id(data_dict.get("source_id"))
    credentials.forget(source_id)
    return credentials.status(source_id)


@tk.side_effect_free
def govshare_exchange_token_status(context, data_dict):
    """Whether a source has a token, when it was set and by whom (never the token).

    :param source_id: the harvest source (its id or name)
    :type source_id: string
    """
    tk.check_access("govshare_exchange_token_status", context, data_dict)
    return credentials.status(_source_id(data_dict.get("source_id")))


def _source_id(id_or_name: str | None) -> str:
    package = model.Package.get(id_or_name or "")
    if package is None or package.type != "harvest":
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    return package.id
