"""Typed accessors for the options declared in config_declaration.yaml."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk


def platform_name() -> str:
    return tk.config["ckanext.govshare.platform_name"]


def data_bureau() -> str:
    return tk.config["ckanext.govshare.data_bureau"]


def reply_working_days() -> int:
    return tk.config["ckanext.govshare.requests.reply_working_days"]


def holidays() -> set[datetime.date]:
    return _dates("ckanext.govshare.calendar.holidays")


def working_weekends() -> set[datetime.date]:
    return _dates("ckanext.govshare.calendar.working_weekends")


def _dates(key: str) -> set[datetime.date]:
    return {datetime.date.fromisoformat(value) for value in tk.config[key]}
