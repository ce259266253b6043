"""GovShare's plugins load together with the pinned third-party extensions on CKAN 2.11."""
from __future__ import annotations

import ckan
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_runs_on_ckan_2_11_with_security_fixes():
    major, minor, patch = (int(part) for part in ckan.__version__.split(".")[:3])
    assert (major, minor) == (2, 11) and patch >= 5


@pytest.mark.parametrize("name", [
    "govshare", "govasset", "scheming_datasets", "dcat", "harvest", "ckan_harvester", "activity",
])
def test_plugin_is_loaded(name):
    assert plugins.plugin_loaded(name)


def test_declared_options_have_their_defaults():
    assert tk.config["ckanext.govshare.platform_name"] == "政务数据共享开放平台"
    assert tk.config["ckanext.govasset.heat.window_days"] == 90


@pytest.mark.ckan_config("ckanext.govasset.heat.window_days", "30")
def test_declared_options_are_typed():
    assert tk.h.govasset_heat_window_days() == 30


def test_chinese_is_the_default_locale_and_english_is_offered():
    assert tk.config["ckan.locale_default"] == "zh_Hans_CN"
    assert tk.config["ckan.locales_offered"] == ["zh_Hans_CN", "en"]
