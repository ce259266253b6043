"""The checks actions share: may the caller run it, and is the input valid."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def validated(default_schema, context, data_dict) -> dict[str, Any]:
    """Validate (a caller may pass its own schema); field-level errors as a ValidationError."""
    data, errors = tk.navl_validate(data_dict, context.get("schema") or default_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def authorized_and_valid(action: str, default_schema, context, data_dict) -> dict[str, Any]:
    """Check the caller may run ``action``, then validate."""
    tk.check_access(action, context, data_dict)
    return validated(default_schema, context, data_dict)
