"""Auth of the exchange dashboard (sysadmins, the data bureau, pass every check)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["govshare_exchange_stats"]


def govshare_exchange_stats(context, data_dict):
    """The whole exchange's figures are the data bureau's alone: a department's admins
    would see every other department's nodes and errors."""
    return {"success": False, "msg": tk._("Only the data bureau can see the exchange figures")}
