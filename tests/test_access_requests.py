"""Conditional sharing requests and open-data applications, end to end through the Action
API and the web pages: submission, the department inbox, approval with expiry and narrowed
scope, refusal, revocation, expiry, overdue flags, mail, history, and the bad inputs."""
from __future__ import annotations

import datetime
import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.govshare import working_days
from ckanext.govshare.model import AccessRequest

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")

TODAY = datetime.date.today()
UNTIL = (TODAY + datetime.timedelta(days=60)).isoformat()
CONDITIONAL_SHARE = {"share_type": "conditional", "share_condition": "经审批后共享",
                     "open_type": "not_open", "sensitivity": "L3"}
CONDITIONAL_OPEN = {"open_type": "conditional", "open_condition": "签订协议后开放",
                    "sensitivity": "L2"}
NOT_SHARED = {"share_type": "not_shared", "share_condition": "《个人信息保护法》",
              "open_type": "not_open", "sensitivity": "L4"}
UNCONDITIONAL_SHARE = {"open_type": "not_open", "sensitivity": "L3"}


@pytest.fixture
def people(department, data_bureau_admin):
    as_bureau = {"user": data_bureau_admin["name"]}
    other = factories.Organization(credit_code="12100000400000624D", user=data_bureau_admin)
    people = {"reviewer": factories.User(email="reviewer@example.gov.cn"),
              "staff": factories.User(email="staff@example.gov.cn"),
              "colleague": factories.User(email="colleague@example.gov.cn"),
              "citizen": factories.User(email="citizen@example.com"),
              "bureau": data_bureau_admin}
    helpers.call_action("organization_member_create", context=as_bureau, id=department["id"],
                        username=people["reviewer"]["name"], role="editor")
    for name in ("staff", "colleague"):
        helpers.call_action("organization_member_create", context=as_bureau, id=other["id"],
                            username=people[name]["name"], role="editor")
    return people


@pytest.fixture
def entry(create_entry, data_bureau_admin):
    """An entry of the given type with two uploaded files."""
    def make(fields, title="企业登记信息"):
        pkg = create_entry(title=title, **fields)
        for name in ("登记表", "变更表"):
            helpers.call_action(
                "resource_create", context={"user": data_bureau_admin["name"]},
                package_id=pkg["id"], name=name, url="data.csv",
                upload=FileStorage(io.BytesIO(f"名称\n{name}\n".encode()), "data.csv"))
        return helpers.call_action("package_show", id=pkg["id"])
    return make


def act(user, action, **params):
    return helpers.call_action(action, context={"user": user["name"], "ignore_auth": False},
                               **params)


def may_use(user, resource_id) -> bool:
    try:
        helpers.call_auth("resource_show", context={"user": user["name"], "model": model},
                          id=resource_id)
        return True
    except helpers.logic.NotAuthorized:
        return False


def request_for(user, pkg, **fields):
    return act(user, "govshare_access_request_create", package_id=pkg["id"],
               purpose="核验企业登记状态", basis="《优化营商环境条例》", requested_until=UNTIL,
               **fields)


def test_a_sharing_request_approved_grants_the_data_until_expiry(people, entry, mail_server):
    pkg = entry(CONDITIONAL_SHARE)
    resource = pkg["resources"][0]["id"]
    assert not may_use(people["staff"], resource)

    request = request_for(people["staff"], pkg)
    assert request["kind"] == "share" and request["state"] == "pending"
    assert request["reply_due"] == working_days.add_working_days(TODAY, 10).isoformat()
    notified = {r for message in mail_server.get_smtp_messages() for r in message[2]}
    assert "reviewer@example.gov.cn" in notified and "staff@example.gov.cn" not in notified

    inbox = act(people["reviewer"], "govshare_access_request_list", scope="inbox")
    assert [r["id"] for r in inbox["results"]] == [request["id"]]
    approved = act(people["reviewer"], "govshare_access_request_approve", id=request["id"],
                   expires=UNTIL, note="同意")

    assert approved["state"] == "approved" and approved["expires"] == UNTIL
    assert [e["action"] for e in approved["history"]] == ["submitted", "approved"]
    assert approved["history"][1]["actor"] == people["reviewer"]["name"]
    assert may_use(people["staff"], resource)
    assert not may_use(people["colleague"], resource)  # the grant is personal
    assert mail_server.get_smtp_messages()[-1][2] == ["staff@example.gov.cn"]


def test_approval_can_narrow_the_resources(people, entry):
    pkg = entry(CONDITIONAL_SHARE)
    first, second = (r["id"] for r in pkg["resources"])
    request = request_for(people["staff"], pkg)

    act(people["reviewer"], "govshare_access_request_approve", id=request["id"],
        expires=UNTIL, resource_ids=[first])

    assert may_use(people["staff"], first) and not may_use(people["staff"], second)


def test_revocation_ends_access_at_once(people, entry, mail_server):
    pkg = entry(CONDITIONAL_SHARE)
    request = request_for(people["staff"], pkg)
    act(people["reviewer"], "govshare_access_request_approve", id=request["id"], expires=UNTIL)

    revoked = act(people["reviewer"], "govshare_access_request_revoke", id=request["id"],
                  reason="项目已结束")

    assert revoked["state"] == "revoked" and revoked["reason"] == "项目已结束"
    assert not may_use(people["staff"], pkg["resources"][0]["id"])
    assert mail_server.get_smtp_messages()[-1][2] == ["staff@example.gov.cn"]


def _age(request_id, **values):
    """Time passes: move a request's dates into the past."""
    model.Session.query(AccessRequest).filter_by(id=request_id).update(values)
    model.Session.commit()


def test_expiry_ends_access_and_the_check_records_it(people, entry, mail_server):
    pkg = entry(CONDITIONAL_SHARE)
    request = request_for(people["staff"], pkg)
    act(people["reviewer"], "govshare_access_request_approve", id=request["id"], expires=UNTIL)
    _age(request["id"], expires=TODAY - datetime.timedelta(days=1))

    assert not may_use(people["staff"], pkg["resources"][0]["id"])  # before any check ran
    result = act(people["bureau"], "govshare_access_request_check")

    assert result["expired"] == 1
    shown = act(people["staff"], "govshare_access_request_show", id=request["id"])
    assert shown["state"] == "expired" and shown["history"][-1]["action"] == "expired"
    assert mail_server.get_smtp_messages()[-1][2] == ["staff@example.gov.cn"]


def test_overdue_requests_are_flagged_once_to_department_and_bureau(people, entry,
                                                                     mail_server):
    helpers.call_action("user_patch", id=people["bureau"]["id"], email="bureau@example.gov.cn")
    pkg = entry(CONDITIONAL_SHARE)
    request = request_for(people["staff"], pkg)
    _age(request["id"], reply_due=TODAY - datetime.timedelta(days=1))
    sent_before = len(mail_server.get_smtp_messages())

    assert act(people["bureau"], "govshare_access_request_check")["overdue"] == 1
    assert act(people["bureau"], "govshare_access_request_check")["overdue"] == 0

    recipients = {m[2][0] for m in mail_server.get_smtp_messages()[sent_before:]}
    assert recipients == {"reviewer@example.gov.cn", "bureau@example.gov.cn"}
    overdue = act(people["reviewer"], "govshare_access_request_list", scope="inbox",
                  overdue=True)
    assert overdue["count"] == 1 and overdue["results"][0]["overdue"] is True


def test_an_open_data_application_by_a_registered_user(people, entry):
    pkg = entry(CONDITIONAL_OPEN)
    request = request_for(people["citizen"], pkg)
    assert request["kind"] == "open"

    act(people["reviewer"], "govshare_access_request_approve", id=request["id"], expires=UNTIL)

    assert may_use(people["citizen"], pkg["resources"][0]["id"])


def test_refusal_needs_a_reason_and_is_shown_to_the_requester(people, entry):
    pkg = entry(CONDITIONAL_SHARE)
    request = request_for(people["staff"], pkg)

    with pytest.raises(helpers.logic.ValidationError) as error:
        act(people["reviewer"], "govshare_access_request_refuse", id=request["id"], reason=" ")
    assert "reason" in error.value.error_dict

    refused = act(people["reviewer"], "govshare_access_request_refuse", id=request["id"],
                  reason="用途与共享条件不符")
    mine = act(people["staff"], "govshare_access_request_list")
    assert refused["state"] == "refused"
    assert mine["results"][0]["reason"] == "用途与共享条件不符"


@pytest.mark.parametrize("case, field", [
    ("unconditional entry", "package_id"),
    ("not shared entry", "package_id"),
    ("share-only entry applied for by the public", "package_id"),
    ("second open request", "resource_ids"),
    ("resource of another entry", "resource_ids"),
    ("past expiry", "expires"),
    ("expiry beyond the period requested", "expires"),
    ("missing purpose", "purpose"),
])
def test_bad_requests_get_field_errors(people, entry, case, field):
    share = entry(CONDITIONAL_SHARE)
    with pytest.raises(helpers.logic.ValidationError) as error:
        if case == "unconditional entry":
            request_for(people["staff"], entry(UNCONDITIONAL_SHARE, title="统一共享"))
        elif case == "not shared entry":
            request_for(people["staff"], entry(NOT_SHARED, title="不予共享数据"))
        elif case == "share-only entry applied for by the public":
            request_for(people["citizen"], share)
        elif case == "second open request":
            request_for(people["staff"], share)
            request_for(people["staff"], share)
        elif case == "resource of another entry":
            other = entry(CONDITIONAL_SHARE, title="另一条目")
            request_for(people["staff"], share, resource_ids=[other["resources"][0]["id"]])
        elif case == "missing purpose":
            act(people["staff"], "govshare_access_request_create", package_id=share["id"],
                basis="x", requested_until=UNTIL)
        else:
            request = request_for(people["staff"], share)
            expires = ((TODAY - datetime.timedelta(days=1)) if case == "past expiry"
                       else TODAY + datetime.timedelta(days=365)).isoformat()
            act(people["reviewer"], "govshare_access_request_approve", id=request["id"],
                expires=expires)
    assert list(error.value.error_dict) == [field]
    assert model.Session.query(AccessRequest).filter_by(state="approved").count() == 0


@pytest.mark.parametrize("who", ["the requester", "a reviewer of another department"])
def test_only_the_providing_departments_reviewers_decide(people, entry, department,
                                                         data_bureau_admin, who):
    pkg = entry(CONDITIONAL_SHARE)
    if who == "the requester":  # staff who asked, then joined the providing department
        request = request_for(people["staff"], pkg)
        helpers.call_action("organization_member_create",
                            context={"user": data_bureau_admin["name"]}, id=department["id"],
                            username=people["staff"]["name"], role="editor")
        decider = people["staff"]
    else:
        request = request_for(people["staff"], pkg)
        decider = people["colleague"]
    with pytest.raises(helpers.logic.NotAuthorized):
        act(decider, "govshare_access_request_approve", id=request["id"], expires=UNTIL)
    assert act(people["reviewer"], "govshare_access_request_show",
               id=request["id"])["state"] == "pending"


def test_errors_come_in_the_users_language(app, people, entry):
    pkg = entry(NOT_SHARED, title="不予共享数据")
    token = factories.APIToken(user=people["staff"]["name"])["token"]
    for lang, phrase in (("zh_Hans_CN", "不予共享"), ("en", "cannot be requested")):
        response = app.post(f"/{lang}/api/3/action/govshare_access_request_create",
                            json={"package_id": pkg["id"], "purpose": "x", "basis": "y",
                                  "requested_until": UNTIL},
                            headers={"Authorization": token})
        assert response.status_code == 409
        assert phrase in response.json["error"]["package_id"][0]


@pytest.mark.ckan_config("ckanext.govshare.calendar.holidays", "2027-10-01 2027-10-04")
@pytest.mark.ckan_config("ckanext.govshare.calendar.working_weekends", "2027-10-09")
@pytest.mark.ckan_config("ckanext.govshare.requests.reply_working_days", "5")
def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    # Thu 30 Sep 2027 + 5 working days: Fri 1 Oct and Mon 4 Oct are holidays, Sat 9 Oct a
    # make-up working day: 5, 6, 7, 8, 9 October
    assert working_days.add_working_days(datetime.date(2027, 9, 30), 5) == \
        datetime.date(2027, 10, 9)
    assert working_days.add_working_days(datetime.date(2027, 9, 30), 0) == \
        datetime.date(2027, 9, 30)


def test_the_whole_flow_through_the_web_pages(app, people, entry):
    pkg = entry(CONDITIONAL_SHARE)
    staff = {"Authorization": factories.APIToken(user=people["staff"]["name"])["token"]}
    reviewer = {"Authorization": factories.APIToken(user=people["reviewer"]["name"])["token"]}
    download = pkg["resources"][0]["url"].replace("http://test.govshare.invalid", "")

    page = app.get(f"/dataset/{pkg['name']}", headers=staff).get_data(as_text=True)
    assert f"/dataset/{pkg['name']}/request" in page and "govshare-data-access" in page
    assert app.get(download, headers=staff).status_code == 403

    form = app.get(f"/dataset/{pkg['name']}/request", headers=staff)
    assert form.status_code == 200 and "登记表" in form.get_data(as_text=True)
    bad = app.post(f"/dataset/{pkg['name']}/request", headers=staff,
                   data={"purpose": "", "basis": "依据", "requested_until": UNTIL})
    assert bad.status_code == 200 and "error-block" in bad.get_data(as_text=True)
    sent = app.post(f"/dataset/{pkg['name']}/request", headers=staff, follow_redirects=False,
                    data={"purpose": "核验", "basis": "依据", "requested_until": UNTIL,
                          "resource_ids": [r["id"] for r in pkg["resources"]]})
    assert sent.status_code == 302
    request_url = sent.headers["Location"].replace("http://test.govshare.invalid", "")

    inbox = app.get("/requests/inbox", headers=reviewer).get_data(as_text=True)
    assert request_url.split("?")[0] in inbox and "企业登记信息" in inbox
    exported = app.get("/requests/inbox.csv", headers=reviewer).get_data(as_text=True)
    assert "企业登记信息" in exported and "核验" in exported
    assert "数据申请 (1)" in app.get("/dataset/", headers=reviewer).get_data(as_text=True)

    request_id = request_url.rstrip("/").split("/")[-1]
    refused = app.post(f"/requests/{request_id}/refuse", headers=reviewer, data={"reason": ""})
    assert refused.status_code == 400
    approved = app.post(f"/requests/{request_id}/approve", headers=reviewer,
                        follow_redirects=True,
                        data={"expires": UNTIL, "resource_ids": [pkg["resources"][0]["id"]]})
    assert approved.status_code == 200

    history = app.get(request_url, headers=staff).get_data(as_text=True)
    assert "govshare-request-history" in history and people["reviewer"]["name"] in history
    assert app.get(download, headers=staff).status_code == 200
    signed_out = app.get(f"/requests/{request_id}", follow_redirects=False)
    assert signed_out.status_code == 302 and "/user/login" in signed_out.headers["Location"]
