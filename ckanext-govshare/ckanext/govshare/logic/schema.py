"""Validation schemas of the govshare actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.validator_args
def classification_create_schema(not_empty, unicode_safe, ignore_missing, strip_value,
                                 govshare_classification_code, govshare_classification_parent):
    return {
        "code": [not_empty, unicode_safe, strip_value, govshare_classification_code,
                 govshare_classification_parent],
        "name": [not_empty, unicode_safe, strip_value],
        "name_en": [ignore_missing, unicode_safe, strip_value],
    }


@tk.validator_args
def classification_update_schema(not_empty, unicode_safe, ignore_missing, strip_value):
    return {
        "code": [not_empty, unicode_safe],
        "name": [ignore_missing, not_empty, unicode_safe, strip_value],
        "name_en": [ignore_missing, unicode_safe, strip_value],
    }


@tk.validator_args
def classification_list_schema(ignore_missing, unicode_safe, boolean_validator):
    return {
        "parent": [ignore_missing, unicode_safe],
        "with_counts": [ignore_missing, boolean_validator],
    }


@tk.validator_args
def catalog_import_schema(not_empty, unicode_safe, ignore_missing, one_of, group_id_exists,
                          govshare_xlsx_upload):
    return {
        "upload": [not_empty, govshare_xlsx_upload],
        "owner_org": [not_empty, unicode_safe, group_id_exists],
        "mode": [ignore_missing, one_of(["all_or_nothing", "valid_only"])],
    }
