"""The tiered-access matrix: every user tier × every valid combination of sharing type, open
type and grade × every surface that shows catalog metadata or data.

One department publishes an entry for each valid combination (52 of them), each with an
uploaded CSV, a DataStore table, a preview and its own tag, all in one group. For every
(tier, surface) pair the test computes the set of entries the surface shows that tier and
compares it with the rules of the issue, written out independently below (``sees`` and
``takes``): a leak and a wrong denial both fail, and the failure names the entries.
"""
from __future__ import annotations

import datetime
import io
import itertools
import json
import re
from typing import NamedTuple

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
from ckan.common import config
from ckan.config.middleware import make_app
from ckan.tests import factories, helpers

from ckanext.govshare.model import AccessRequest
from conftest import ENTRY

pytestmark = pytest.mark.usefixtures("with_plugins")

SHARE_TYPES = ("unconditional", "conditional", "not_shared")
OPEN_TYPES = ("open", "conditional", "not_open")
GRADES = ("general", "important", "core")
SENSITIVITIES = ("L1", "L2", "L3", "L4")


def valid(share, open_, grade, sensitivity) -> bool:
    """The catalog's own rules (GB/T 43697, the Zhejiang levels, 不予共享 ⇒ 不予开放)."""
    if open_ == "not_open":
        return True
    if share == "not_shared" or grade == "core" or sensitivity == "L4":
        return False
    return open_ == "conditional" or sensitivity == "L1"


COMBOS = [c for c in itertools.product(SHARE_TYPES, OPEN_TYPES, GRADES, SENSITIVITIES)
          if valid(*c)]
KEYS = ["mx-" + "-".join(c).lower() for c in COMBOS]
COMBO = dict(zip(KEYS, COMBOS))

TIERS = ("anonymous", "registered", "applicant", "staff", "requester", "revoked", "expired",
         "provider", "bureau")
GOVERNMENT = {"staff", "requester", "revoked", "expired", "provider", "bureau"}


def sees(tier: str, key: str) -> bool:
    """Metadata: open-type entries for everyone, the rest for government staff."""
    return COMBO[key][1] in ("open", "conditional") or tier in GOVERNMENT


def takes(tier: str, key: str) -> bool:
    """Data, per the issue's five rules; the grade never widens access."""
    share, open_, _, _ = COMBO[key]
    return (open_ == "open"
            or tier in ("provider", "bureau")
            or (share == "unconditional" and tier in GOVERNMENT)
            or (share == "conditional" and tier == "requester")
            or (open_ == "conditional" and tier == "applicant"))


def entry_fields(share, open_, grade, sensitivity) -> dict:
    fields = {"share_type": share, "open_type": open_, "data_grade": grade,
              "sensitivity": sensitivity}
    if share == "conditional":
        fields["share_condition"] = "经审批后共享"
    if share == "not_shared":
        fields["share_condition"] = "《中华人民共和国个人信息保护法》"
    if open_ == "conditional":
        fields["open_condition"] = "签订数据使用协议后开放"
    return fields


# --- the catalog, built once for the module -------------------------------------------------

@pytest.fixture(scope="module")
def world(module_platform):
    bureau = factories.Sysadmin()
    as_bureau = {"user": bureau["name"]}
    department = factories.Organization(credit_code="91350100M000100Y43", user=bureau)
    other = factories.Organization(credit_code="12100000400000624D", user=bureau)
    group = factories.Group(user=bureau)
    users = {tier: factories.User() for tier in TIERS if tier not in ("anonymous", "bureau")}
    users["bureau"] = bureau
    reviewer = factories.User()
    helpers.call_action("organization_member_create", context=as_bureau, id=department["id"],
                        username=users["provider"]["name"], role="member")
    helpers.call_action("organization_member_create", context=as_bureau, id=department["id"],
                        username=reviewer["name"], role="editor")
    for tier in ("staff", "requester", "revoked", "expired"):
        helpers.call_action("organization_member_create", context=as_bureau, id=other["id"],
                            username=users[tier]["name"], role="member")

    entries = {}
    for key, combo in COMBO.items():
        entry = helpers.call_action(
            "package_create", context=dict(as_bureau),
            **{**ENTRY, **entry_fields(*combo), "title": f"矩阵 {key}",
               "owner_org": department["id"], "tags": [{"name": key}, {"name": "matrix"}],
               "groups": [{"id": group["id"]}]})
        resource = helpers.call_action(
            "resource_create", context=dict(as_bureau), package_id=entry["id"],
            name="数据", url="data.csv", format="CSV",
            upload=FileStorage(io.BytesIO(f"区县名称\n{key}\n".encode()), "data.csv"))
        view = helpers.call_action("resource_view_create", context=dict(as_bureau),
                                   resource_id=resource["id"], view_type="image_view",
                                   title="预览")
        helpers.call_action("datastore_create", context=dict(as_bureau),
                            resource_id=resource["id"], force=True,
                            fields=[{"id": "区县名称", "type": "text"}],
                            records=[{"区县名称": key}])
        entries[key] = {"id": entry["id"], "name": entry["name"], "resource": resource["id"],
                        "view": view["id"], "title": entry["title"]}

    _grant(entries, users, reviewer)
    tokens = {tier: factories.APIToken(user=user["name"])["token"] for tier, user in users.items()}
    for tier, user in users.items():
        helpers.call_action("follow_group", context={"user": user["name"]}, id=department["id"])
    app = helpers.CKANTestApp(make_app(config))
    return {"entries": entries, "tokens": tokens, "department": department, "group": group,
            "app": app}


def _grant(entries, users, reviewer):
    """Approved requests for the tiers that hold them, through the request actions."""
    as_reviewer = {"user": reviewer["name"]}
    until = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    plans = {
        "applicant": lambda k: COMBO[k][1] == "conditional",
        "requester": lambda k: COMBO[k][0] == "conditional" and COMBO[k][1] != "open",
        "revoked": lambda k: COMBO[k][0] == "conditional" and COMBO[k][1] != "open",
        "expired": lambda k: COMBO[k][0] == "conditional" and COMBO[k][1] != "open",
    }
    for tier, wanted in plans.items():
        for key in filter(wanted, entries):
            request = helpers.call_action(
                "govshare_access_request_create", context={"user": users[tier]["name"]},
                package_id=entries[key]["id"], purpose="城市运行监测", basis="《政务数据共享条例》",
                requested_until=until)
            helpers.call_action("govshare_access_request_approve", context=dict(as_reviewer),
                                id=request["id"], expires=until)
            if tier == "revoked":
                helpers.call_action("govshare_access_request_revoke", context=dict(as_reviewer),
                                    id=request["id"], reason="项目结束")
            if tier == "expired":  # time passes: the approval ran out yesterday
                model.Session.query(AccessRequest).filter_by(id=request["id"]).update(
                    {"expires": datetime.date.today() - datetime.timedelta(days=1)})
                model.Session.commit()


# --- a client per tier -------------------------------------------------------------------------

class Client:
    def __init__(self, world, tier):
        self.app = world["app"]
        token = world["tokens"].get(tier)
        self.headers = {"Authorization": token} if token else {}

    def action(self, name, **params):
        response = self.app.post(f"/api/3/action/{name}", data=json.dumps(params),
                                 headers={**self.headers, "Content-Type": "application/json"})
        body = response.get_json(silent=True)
        return response.status_code, body.get("result") if isinstance(body, dict) else None

    def get(self, url):
        return self.app.get(url, headers=self.headers)


def _keys_in(text: str) -> set[str]:
    return set(re.findall(r"mx-[a-z0-9_-]+?-l[1-4]", text))


def _by_name(world):
    return {v["name"]: k for k, v in world["entries"].items()}


# --- metadata surfaces: each returns the keys of the entries the tier is shown ---------------

def m_package_search(c, w):
    _, result = c.action("package_search", fq="tags:matrix", rows=1000, include_private=True)
    return {_keys_in(r["title"]).pop() for r in result["results"]}


def m_search_facets(c, w):
    _, result = c.action("package_search", fq="tags:matrix", rows=0,
                         **{"facet.field": ["tags"], "facet.limit": -1})
    return set(result["facets"]["tags"]) - {"matrix"}


def m_search_fl(c, w):
    _, result = c.action("package_search", fq="tags:matrix", rows=1000, fl="name,title")
    return {_keys_in(r["title"]).pop() for r in result["results"]}


def m_package_show(c, w):
    return {k for k, e in w["entries"].items() if c.action("package_show", id=e["id"])[0] == 200}


def m_package_list(c, w):
    names = _by_name(w)
    return {names[n] for n in c.action("package_list")[1] if n in names}


def m_current_package_list(c, w):
    _, result = c.action("current_package_list_with_resources", limit=1000)
    return {_keys_in(r["title"]).pop() for r in result if _keys_in(r["title"])}


def m_package_autocomplete(c, w):
    _, result = c.action("package_autocomplete", q="矩阵", limit=1000)
    return {_keys_in(r["title"]).pop() for r in result}


class Page(NamedTuple):
    """A surface that shows the first few entries and the total: no shown entry may be
    hidden from the tier, and the total must be exactly what the tier may see."""
    shown: set
    total: int


def m_organization_show(c, w):
    _, result = c.action("organization_show", id=w["department"]["id"], include_datasets=True)
    return Page({_keys_in(r["title"]).pop() for r in result["packages"]}, result["package_count"])


def m_group_show(c, w):
    _, result = c.action("group_show", id=w["group"]["id"], include_datasets=True)
    return Page({_keys_in(r["title"]).pop() for r in result["packages"]}, result["package_count"])


def m_organization_list_count(c, w):
    _, result = c.action("organization_list", all_fields=True, include_dataset_count=True)
    count = next(o["package_count"] for o in result if o["id"] == w["department"]["id"])
    return count  # a number: compared with the size of the expected set


def m_member_list(c, w):
    ids = {e["id"]: k for k, e in w["entries"].items()}
    _, result = c.action("member_list", id=w["group"]["id"], object_type="package")
    return {ids[member[0]] for member in result}


def m_tag_list(c, w):
    return set(c.action("tag_list")[1]) & set(COMBO)


def m_tag_autocomplete(c, w):
    return set(c.action("tag_autocomplete", q="mx-", limit=1000)[1]) & set(COMBO)


def _pages(c, url, stop=_keys_in):
    found, page = set(), 1
    while True:
        body = c.get(f"{url}{'&' if '?' in url else '?'}page={page}").get_data(as_text=True)
        keys = stop(body)
        if not keys - found:
            return found
        found |= keys
        page += 1


def m_search_page(c, w):
    return _pages(c, "/dataset/?tags=matrix")


def m_organization_page(c, w):
    return _pages(c, f"/organization/{w['department']['name']}")


def m_group_page(c, w):
    return _pages(c, f"/group/{w['group']['name']}")


def _activities(c, action, **params):
    """Every activity the stream shows, page by page (CKAN caps a page at 100)."""
    found, offset = set(), 0
    while True:
        status, page = c.action(action, limit=100, offset=offset, **params)
        if status != 200 or not page:
            return found
        found |= _keys_in(json.dumps(page, ensure_ascii=False))
        offset += len(page)


def m_recent_activity(c, w):
    return _activities(c, "recently_changed_packages_activity_list")


def m_organization_activity(c, w):
    return _activities(c, "organization_activity_list", id=w["department"]["id"])


def m_package_activity(c, w):
    return {k for k, e in w["entries"].items()
            if c.action("package_activity_list", id=e["id"])[0] == 200}


def m_dashboard(c, w):
    return _activities(c, "dashboard_activity_list")


def m_dcat_catalog(c, w):
    return _pages(c, "/catalog.ttl?q=tags:matrix")


def m_dcat_dataset(c, w):
    return {k for k, e in w["entries"].items()
            if c.get(f"/dataset/{e['name']}.rdf").status_code == 200}


def m_feed(c, w):
    return _pages(c, "/feeds/custom.atom?tags=matrix")


def m_export_csv(c, w):
    body = c.get("/catalog/export.csv?tags=matrix").get_data(as_text=True)
    return _keys_in(body)


METADATA_SURFACES = {
    "package_search": m_package_search,
    "package_search facets": m_search_facets,
    "package_search fl": m_search_fl,
    "package_show": m_package_show,
    "package_list": m_package_list,
    "current_package_list_with_resources": m_current_package_list,
    "package_autocomplete": m_package_autocomplete,
    "organization_show datasets": m_organization_show,
    "group_show datasets": m_group_show,
    "organization_list counts": m_organization_list_count,
    "member_list": m_member_list,
    "tag_list": m_tag_list,
    "tag_autocomplete": m_tag_autocomplete,
    "search page": m_search_page,
    "organization page": m_organization_page,
    "group page": m_group_page,
    "recently changed activity": m_recent_activity,
    "organization activity": m_organization_activity,
    "package activity": m_package_activity,
    "dashboard": m_dashboard,
    "DCAT catalog": m_dcat_catalog,
    "DCAT dataset": m_dcat_dataset,
    "Atom feed": m_feed,
    "catalog export": m_export_csv,
}


# --- data surfaces: each returns the keys of the entries whose data the tier gets ------------

def d_resource_show(c, w):
    return {k for k, e in w["entries"].items()
            if c.action("resource_show", id=e["resource"])[0] == 200}


def d_download(c, w):
    taken = set()
    for key, e in w["entries"].items():
        response = c.get(f"/dataset/{e['id']}/resource/{e['resource']}/download/data.csv")
        if response.status_code == 200:
            assert key in response.get_data(as_text=True)
            taken.add(key)
        else:
            assert response.status_code in (403, 404)
    return taken


def d_preview(c, w):
    return {k for k, e in w["entries"].items() if c.get(
        f"/dataset/{e['id']}/resource/{e['resource']}/view/{e['view']}").status_code == 200}


def d_resource_page_link(c, w):
    """The resource page offers the download link only to those who may take the data."""
    taken = set()
    for key, e in w["entries"].items():
        response = c.get(f"/dataset/{e['id']}/resource/{e['resource']}")
        if response.status_code == 200 and "/download/data.csv" in response.get_data(as_text=True):
            taken.add(key)
    return taken


def d_datastore_search(c, w):
    taken = set()
    for key, e in w["entries"].items():
        status, result = c.action("datastore_search", resource_id=e["resource"])
        if status == 200:
            assert result["records"][0]["区县名称"] == key
            taken.add(key)
    return taken


def d_datastore_dump(c, w):
    taken = set()
    for key, e in w["entries"].items():
        response = c.get(f"/datastore/dump/{e['resource']}")
        if response.status_code == 200:
            assert key in response.get_data(as_text=True)
            taken.add(key)
    return taken


DATA_SURFACES = {
    "resource_show": d_resource_show,
    "download": d_download,
    "preview": d_preview,
    "resource page link": d_resource_page_link,
    "datastore_search": d_datastore_search,
    "DataStore dump": d_datastore_dump,
}


def _compare(found, expected):
    if isinstance(found, int):
        assert found == len(expected), f"count {found}, expected {len(expected)}"
        return
    if isinstance(found, Page):
        assert found.shown and found.shown <= expected, f"leaks: {sorted(found.shown - expected)}"
        assert found.total == len(expected), f"total {found.total}, expected {len(expected)}"
        return
    leaks, denials = sorted(found - expected), sorted(expected - found)
    assert not leaks and not denials, f"leaks: {leaks}; wrong denials: {denials}"


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("surface", METADATA_SURFACES)
def test_metadata(world, surface, tier):
    if surface == "dashboard" and tier == "anonymous":
        pytest.skip("the dashboard is for signed-in users")
    found = METADATA_SURFACES[surface](Client(world, tier), world)
    _compare(found, {k for k in COMBO if sees(tier, k)})


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("surface", DATA_SURFACES)
def test_data(world, surface, tier):
    found = DATA_SURFACES[surface](Client(world, tier), world)
    _compare(found, {k for k in COMBO if takes(tier, k)})


@pytest.mark.parametrize("tier", TIERS)
def test_datastore_sql_is_disabled(world, tier):
    resource = next(iter(world["entries"].values()))["resource"]
    status, _ = Client(world, tier).action(
        "datastore_search_sql", sql=f'SELECT * FROM "{resource}"')
    assert status in (400, 403, 404)


def test_the_matrix_covers_every_valid_combination():
    assert len(COMBOS) == 52
    for share, open_ in itertools.product(SHARE_TYPES, OPEN_TYPES):
        if share != "not_shared" or open_ == "not_open":
            assert any(c[:2] == (share, open_) for c in COMBOS)
