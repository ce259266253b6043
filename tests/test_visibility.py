"""Metadata visibility by tier (tiered access, first layer): entries open to the public are
seen by everyone; all others by government staff (members of any department) and the data
bureau only, alike in package_search, package_show and the catalog export."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

# (open type, the fields that make the entry valid) -> visible to the public?
ENTRIES = {
    "无条件开放": ({"open_type": "open"}, True),
    "有条件开放": ({"open_type": "conditional", "open_condition": "申请", "sensitivity": "L2"}, True),
    "不予开放": ({"open_type": "not_open", "sensitivity": "L3"}, False),
    "有条件共享": ({"open_type": "not_open", "share_type": "conditional", "share_condition": "审批",
               "sensitivity": "L3"}, False),
    "不予共享": ({"open_type": "not_open", "share_type": "not_shared",
              "share_condition": "《个人信息保护法》", "sensitivity": "L4"}, False),
}


@pytest.fixture
def catalog(create_entry):
    return {title: create_entry(title=title, **fields) for title, (fields, _) in ENTRIES.items()}


@pytest.fixture
def tiers(department, data_bureau_admin, classification_tree):
    other_department = factories.Organization(credit_code="12100000400000624D",
                                              user=data_bureau_admin)
    staff = factories.User()
    helpers.call_action("organization_member_create", id=other_department["id"],
                        username=staff["name"], role="member")
    return {"anonymous": "", "registered": factories.User()["name"],
            "staff of another department": staff["name"],
            "data bureau": data_bureau_admin["name"]}


def sees_in_search(user):
    result = helpers.call_action("package_search", context={"user": user, "ignore_auth": False},
                                 rows=100, include_private=True)
    return {entry["title"] for entry in result["results"]}


def sees_in_show(user, entry):
    try:
        helpers.call_action("package_show", context={"user": user, "ignore_auth": False},
                            id=entry["id"])
        return True
    except helpers.logic.NotAuthorized:
        return False


@pytest.mark.parametrize("tier", ["anonymous", "registered", "staff of another department",
                                  "data bureau"])
def test_each_tier_sees_exactly_its_entries(catalog, tiers, tier):
    public_only = tier in ("anonymous", "registered")
    expected = {title for title, (_, public) in ENTRIES.items() if public or not public_only}

    assert sees_in_search(tiers[tier]) == expected
    assert {title for title, entry in catalog.items() if sees_in_show(tiers[tier], entry)} == expected


def test_facet_counts_leak_nothing(catalog, tiers):
    result = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                 **{"facet.field": '["share_type", "open_type"]'})

    assert result["facets"]["open_type"] == {"open": 1, "conditional": 1}
    assert "not_shared" not in result["facets"]["share_type"]


def test_reopening_an_entry_makes_it_public(catalog, tiers, data_bureau_admin):
    entry = catalog["不予开放"]
    helpers.call_action("package_patch", context={"user": data_bureau_admin["name"]},
                        id=entry["id"], open_type="conditional", open_condition="申请")

    assert "不予开放" in sees_in_search("")


def test_not_shared_entries_are_flagged_for_staff(app, catalog, tiers):
    from ckan.tests import factories as f
    headers = {"Authorization": f.APIToken(user=tiers["staff of another department"])["token"]}

    listing = app.get("/dataset/", headers=headers).body
    page = app.get(f"/dataset/{catalog['不予共享']['name']}", headers=headers).body
    other = app.get(f"/dataset/{catalog['有条件共享']['name']}", headers=headers).body

    assert listing.count("govshare-not-shared") == 1
    assert "govshare-not-shared" in page and "不予共享" in page
    assert "govshare-not-shared" not in other


def test_dcat_catalog_shows_the_public_only_what_is_open(app, catalog):
    body = app.get("/catalog.ttl").body

    assert "无条件开放" in body and "有条件开放" in body
    assert "不予开放" not in body and "不予共享" not in body


def test_user_labels_are_ckans_own_plus_staff(department, data_bureau_admin):
    """Our cheaper user labels name exactly the departments CKAN's default labels name, for
    every role, and drop a membership once it is removed or its department deleted."""
    from ckan import model
    from ckan.lib.plugins import DefaultPermissionLabels

    from ckanext.govshare.visibility import STAFF, CatalogPermissionLabels

    other = factories.Organization(credit_code="12100000400000624D", user=data_bureau_admin)
    users = {role: factories.User() for role in ("member", "editor", "admin")}
    for role, user in users.items():
        for org in (department, other):
            helpers.call_action("organization_member_create", id=org["id"],
                                username=user["name"], role=role)
    outsider = factories.User()

    def labels(user, labeller):
        return sorted(labeller.get_user_dataset_labels(model.User.get(user["name"])))

    for user in (*users.values(), outsider):
        default = labels(user, DefaultPermissionLabels())
        ours = labels(user, CatalogPermissionLabels())
        assert ours == sorted(default + ([STAFF] if user is not outsider else []))
    assert f"member-{other['id']}" in labels(users["member"], CatalogPermissionLabels())

    bureau = {"user": data_bureau_admin["name"]}
    helpers.call_action("organization_member_delete", context=dict(bureau),
                        id=department["id"], username=users["member"]["name"])
    helpers.call_action("organization_delete", context=dict(bureau), id=other["id"])
    assert labels(users["member"], CatalogPermissionLabels()) == sorted(
        ["public", f"creator-{users['member']['id']}"])
