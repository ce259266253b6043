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


@tk.validator_args
def access_request_create_schema(not_empty, unicode_safe, ignore_missing, strip_value,
                                 govshare_string_list, govshare_future_date):
    return {
        "package_id": [not_empty, unicode_safe],
        "resource_ids": [ignore_missing, govshare_string_list],
        "data_items": [ignore_missing, govshare_string_list],
        "purpose": [unicode_safe, strip_value, not_empty],
        "basis": [unicode_safe, strip_value, not_empty],
        "requested_until": [not_empty, govshare_future_date],
    }


@tk.validator_args
def access_request_approve_schema(not_empty, unicode_safe, ignore_missing, strip_value,
                                  govshare_string_list, govshare_future_date):
    return {
        "id": [not_empty, unicode_safe],
        "expires": [not_empty, govshare_future_date],
        "resource_ids": [ignore_missing, govshare_string_list],
        "data_items": [ignore_missing, govshare_string_list],
        "note": [ignore_missing, unicode_safe, strip_value],
    }


@tk.validator_args
def access_request_reasoned_schema(not_empty, unicode_safe, strip_value):
    """Refusing and revoking: a reason is required."""
    return {
        "id": [not_empty, unicode_safe],
        "reason": [unicode_safe, strip_value, not_empty],
    }


@tk.validator_args
def access_request_list_schema(ignore_missing, unicode_safe, one_of, boolean_validator,
                               natural_number_validator):
    return {
        "scope": [ignore_missing, one_of(["mine", "inbox"])],
        "state": [ignore_missing, one_of(
            ["pending", "approved", "refused", "revoked", "expired", "withdrawn"])],
        "overdue": [ignore_missing, boolean_validator],
        "package_id": [ignore_missing, unicode_safe],
        "limit": [ignore_missing, natural_number_validator],
        "offset": [ignore_missing, natural_number_validator],
    }


@tk.validator_args
def exchange_lineage_schema(not_empty, unicode_safe, package_id_or_name_exists):
    return {"id": [not_empty, unicode_safe, package_id_or_name_exists]}


@tk.validator_args
def exchange_token_schema(not_empty, unicode_safe, strip_value):
    return {"source_id": [not_empty, unicode_safe],
            "api_token": [strip_value, not_empty, unicode_safe]}
