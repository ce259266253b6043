"""The GovShare data-asset plugin: wiring only; logic lives in its modules."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
@tk.blanket.helpers
class GovAssetPlugin(p.SingletonPlugin):
    """Declares the asset settings and their template helpers; the ledger comes next."""
