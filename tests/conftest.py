"""Shared fixtures. CKAN's own pytest plugin (ckan.tests.pytest_ckan) supplies clean_db,
clean_index, app and friends against .run/test.ini: a database, Solr core and Redis
database of the test suite's own, on the real services that `make up` started."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("GOVSHARE_RUN_DIR", REPO / ".run"))


@pytest.fixture(scope="session")
def portal_url() -> str:
    """The portal `make up` serves."""
    return f"http://127.0.0.1:{os.environ.get('GOVSHARE_WEB_PORT', '5000')}"


@pytest.fixture(scope="session")
def admin_credentials() -> dict[str, str]:
    """The demo sysadmin that `make up` created (name, token)."""
    path = RUN_DIR / "admin.env"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make up` before the live-portal tests")
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return dict(pairs)


@pytest.fixture
def data_bureau_admin(clean_db):
    """A sysadmin: the data bureau."""
    from ckan.tests import factories

    return factories.Sysadmin(name="shujuju_admin")


@pytest.fixture
def department(data_bureau_admin):
    """An organization (a city department) created through the Action API."""
    from ckan.tests import factories

    return factories.Organization(name="shi-ceshi-ju", title="市测试局",
                                  credit_code="91350100M000100Y43", user=data_bureau_admin)


@pytest.fixture
def classification_tree(clean_db):
    """The bundled classification tree, seeded through the Action API."""
    from ckanext.govshare import demo

    demo.seed_classification()


# A complete, valid catalog entry; tests override what they are about.
ENTRY = {
    "title": "常住人口统计信息",
    "notes": "全市各区县常住人口数量、性别构成和年龄结构的年度统计。",
    "classification": "101004",
    "format_category": "2",
    "format_type": "csv",
    "share_type": "unconditional",
    "open_type": "open",
    "update_cycle": "yearly",
    "data_grade": "general",
    "sensitivity": "L1",
    "data_items": [{"name": "区县名称", "type": "C"}],
}


@pytest.fixture
def create_entry(department, data_bureau_admin, classification_tree):
    """Creates catalog entries in ``department`` as the data bureau, through package_create."""
    from ckan.tests import helpers

    def create(**fields):
        values = {**ENTRY, "owner_org": department["id"], **fields}
        return helpers.call_action("package_create", context={"user": data_bureau_admin["name"]},
                                   **values)
    return create


# Plugins whose tables come from their own migrations (`ckan db upgrade -p NAME`).
MIGRATED_PLUGINS = ("activity", "harvest", "govshare")


@pytest.fixture(scope="module")
def module_platform(reset_db, reset_index, migrate_db_for):
    """For modules that build one world and share it: an empty, migrated database and index
    with the classification tree seeded (function-scoped fixtures would wipe it per test)."""
    import ckan.plugins as plugins
    from ckanext.govshare import demo

    plugins.load_all()
    reset_db()
    reset_index()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
    demo.seed_classification()


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, plus the migrations of the plugins GovShare runs with."""
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
