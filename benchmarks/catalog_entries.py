"""Realistic government catalog entries in Chinese, reproducible from a seed.

A city's departments register entries under the classification tree's leaves, with data items,
resources, and sharing/open types and grades in plausible proportions: about 55 % shared
unconditionally, 35 % on conditions, 10 % not shared; half of what is shared unconditionally
is open to everyone. Open entries link to their data; the others describe their resources only
(their data is stored on the platform by the exchange, never linked).

``entries(count, seed)`` yields dicts for our schema's ``package_create``; ``stock_form`` is
the same entry for stock CKAN: core fields only, and private where ours is for government
staff only, so both portals show each kind of user the same entries.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Iterator

# ckanext-govshare's credit-code module needs no CKAN; the path is set by the caller
from ckanext.govshare.credit_code import check_character

# (url name, department, the classification leaves it registers under, what it registers)
DEPARTMENTS = [
    ("gongan", "市公安局", ["101001", "101002", "101003", "301001"], ["户籍人口", "流动人口登记", "机动车登记", "治安案件统计"]),
    ("minzheng", "市民政局", ["102002", "206001", "204001", "302001"], ["社会组织登记", "低保对象", "养老机构", "婚姻登记"]),
    ("renshe", "市人力资源和社会保障局", ["206002", "204002", "303001"], ["社会保险参保", "就业登记", "职业技能培训"]),
    ("ziran", "市自然资源和规划局", ["103001", "103003", "103004", "304001"], ["土地利用现状", "基础测绘成果", "标准地名地址", "规划许可"]),
    ("shichang", "市市场监督管理局", ["102001", "202001", "207001", "305001"], ["企业法人登记", "经营许可", "食品抽检", "特种设备"]),
    ("shengtai", "市生态环境局", ["203001", "203002", "214001", "306001"], ["空气质量监测", "重点污染源", "水质监测", "排污许可"]),
    ("weijian", "市卫生健康委员会", ["205001", "205002", "307001"], ["医疗机构名录", "出生医学证明", "卫生监督"]),
    ("jiaoyu", "市教育局", ["204001", "102003"], ["学校名录", "招生计划", "教师资格"]),
    ("jiaotong", "市交通运输局", ["204003", "201001"], ["公交线路客流", "出租汽车运营", "道路运输许可"]),
    ("zhujian", "市住房和城乡建设局", ["201002", "206003", "212001"], ["建筑物普查", "保障性住房", "建筑施工许可"]),
    ("tongji", "市统计局", ["101004", "104001", "104003"], ["常住人口统计", "地区生产总值", "规模以上工业增加值"]),
    ("fagai", "市发展和改革委员会", ["104002", "209001", "210001"], ["价格监测", "重点项目", "能源消费"]),
    ("caizheng", "市财政局", ["104001", "102003"], ["财政收支", "政府采购", "非税收入"]),
    ("shuiwu", "市税务局", ["105001", "104001"], ["纳税信用等级", "税收收入", "发票开具"]),
    ("yibao", "市医疗保障局", ["206002", "205002"], ["医保参保", "医保结算", "定点医药机构"]),
    ("yingji", "市应急管理局", ["208001", "215001"], ["安全生产许可", "应急物资储备", "自然灾害灾情"]),
    ("nongye", "市农业农村局", ["103001", "207001"], ["耕地保护", "农产品质量检测", "农业经营主体"]),
    ("shuili", "市水利局", ["201001", "214001"], ["水文监测", "水利工程", "河长制巡河"]),
    ("wenlv", "市文化和旅游局", ["204001"], ["旅游景区", "文化场馆", "星级饭店"]),
    ("shangwu", "市商务局", ["202001", "104001"], ["外贸进出口", "社会消费品零售", "商贸企业名录"]),
    ("sifa", "市司法局", ["105002", "202002"], ["律师执业", "法律援助", "公证机构"]),
    ("chengguan", "市城市管理局", ["212001", "213001"], ["市容环卫", "户外广告设置", "网格事件"]),
    ("tuiyi", "市退役军人事务局", ["206001"], ["优抚对象", "退役军人安置", "光荣院"]),
    ("tiyu", "市体育局", ["204001"], ["体育场馆", "全民健身设施", "体育赛事"]),
    ("linye", "市林业局", ["214001", "103001"], ["森林资源", "古树名木", "林木采伐许可"]),
    ("shenji", "市审计局", ["104001"], ["审计项目", "审计整改", "经济责任审计"]),
    ("gongjijin", "市住房公积金中心", ["206003", "105002"], ["公积金缴存", "公积金贷款", "缴存单位"]),
    ("budongchan", "市不动产登记中心", ["103002"], ["不动产登记", "不动产抵押", "预告登记"]),
    ("jiaoyi", "市公共资源交易中心", ["211001", "202002"], ["工程招投标", "政府采购交易", "交易主体信用"]),
    ("shuju", "市大数据管理局", ["106001", "106002", "211001"], ["电子证照目录", "政务服务事项", "数据共享申请"]),
    ("qixiang", "市气象局", ["203001", "215001"], ["气象观测", "灾害性天气预警", "气候统计"]),
    ("xiaofang", "市消防救援支队", ["208001", "215001"], ["消防安全重点单位", "火灾统计", "消防设施"]),
]
DISTRICTS = ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区", "闽侯县", "连江县",
             "罗源县", "闽清县", "永泰县", "福清市", "全市"]
KINDS = ["统计数据", "汇总表", "明细表", "月度报表", "年度报表", "名录", "台账", "监测数据"]
YEARS = range(2015, 2025)
# data items by subject word: the first word of the subject that matches picks the columns
COLUMNS = [
    ("人口", [("姓名", "C"), ("公民身份号码", "C"), ("性别", "C"), ("出生日期", "D"), ("户籍地址", "C")]),
    ("企业", [("统一社会信用代码", "C"), ("企业名称", "C"), ("法定代表人", "C"), ("注册资本", "Y"), ("成立日期", "D")]),
    ("监测", [("监测点", "C"), ("监测时间", "T"), ("监测值", "F"), ("超标标志", "L")]),
    ("许可", [("许可证编号", "C"), ("持证单位", "C"), ("许可事项", "C"), ("有效期至", "D")]),
    ("登记", [("登记编号", "C"), ("登记对象", "C"), ("登记日期", "D"), ("登记机关", "C")]),
    ("统计", [("统计期", "C"), ("指标名称", "C"), ("本期值", "N"), ("同比增长", "F")]),
    ("名录", [("机构名称", "C"), ("机构类别", "C"), ("地址", "C"), ("联系电话", "C")]),
]
DEFAULT_COLUMNS = [("编号", "C"), ("名称", "C"), ("所属区县", "C"), ("数量", "I"), ("更新时间", "T")]
CYCLES = ["realtime", "daily", "weekly", "monthly", "quarterly", "semiannual", "yearly", "irregular"]
CONDITIONS = ["仅限政务部门履行职责使用", "依据《政务数据共享条例》第十条，经提供部门审核同意后共享",
              "仅用于本部门审批服务事项核验"]
NOT_SHARED_BASIS = "依据《中华人民共和国个人信息保护法》第二十八条不予共享"
OPEN_CONDITIONS = ["申请人须注册实名账号并签署数据使用协议", "仅限科研与公益用途"]
INDUSTRIES = "ACDEFGIKLMNOPQRS"
FORMATS = [("2", "xlsx", "XLSX"), ("2", "csv", "CSV"), ("3", "达梦", "API"), ("7", "API", "API"),
           ("1", "ofd", "OFD")]


@dataclass(frozen=True)
class Department:
    name: str
    title: str
    credit_code: str


def departments() -> list[Department]:
    """The city's departments, each with a valid unified social credit code."""
    result = []
    for number, (name, title, _codes, _subjects) in enumerate(DEPARTMENTS, start=1):
        first17 = f"11350100{number:06d}000"[:17]
        result.append(Department(f"bench-{name}", title, first17 + check_character(first17)))
    return result


def entries(count: int, seed: int) -> Iterator[dict]:
    """``count`` catalog entries with unique names and titles; the same for the same seed."""
    rng = random.Random(seed)
    depts = departments()
    for number in range(count):
        index = rng.randrange(len(DEPARTMENTS))
        yield make_entry(rng, number, depts[index], DEPARTMENTS[index])


def make_entry(rng: random.Random, number: int, dept: Department, spec) -> dict:
    _name, _title, leaves, subjects = spec
    subject = rng.choice(subjects)
    district = rng.choice(DISTRICTS)
    year, kind = rng.choice(YEARS), rng.choice(KINDS)
    category, format_type, resource_format = rng.choice(FORMATS)
    columns = next((cols for word, cols in COLUMNS if word in subject + kind), DEFAULT_COLUMNS)
    draw = rng.random()
    share = "not_shared" if draw < 0.10 else "conditional" if draw < 0.45 else "unconditional"
    opened = "not_open"
    if share == "unconditional":
        opened = rng.choices(["open", "conditional", "not_open"], [0.5, 0.15, 0.35])[0]
    elif share == "conditional":
        opened = rng.choices(["conditional", "not_open"], [0.1, 0.9])[0]
    grade = rng.choices(["general", "important", "core"], [0.8, 0.17, 0.03])[0]
    if grade == "core":  # the entry rules: core data is never opened
        opened = "not_open"
    # open data is not sensitive (L1), conditionally open data at most L3
    sensitivity = {"open": "L1", "conditional": rng.choice(["L2", "L3"])}.get(
        opened, rng.choices(["L1", "L2", "L3", "L4"], [0.3, 0.3, 0.25, 0.15])[0])
    entry = {
        "name": f"bench-{number + 1:06d}",
        "title": f"{year}年{district}{subject}{kind}（{number + 1}）",
        "notes": f"{dept.title}登记的{district}{subject}{kind}，{year}年度，"
                 f"含{'、'.join(col for col, _t in columns[:3])}等信息项。",
        "owner_org": dept.name,
        "classification": rng.choice(leaves),
        "format_category": category,
        "format_type": format_type,
        "tags": [{"name": subject}, {"name": district}, {"name": kind}],
        "industry": rng.choice(INDUSTRIES),
        "share_type": share,
        "share_channel": "platform",
        "open_type": opened,
        "update_cycle": rng.choice(CYCLES),
        "release_date": (datetime.date(year, 1, 1)
                         + datetime.timedelta(days=rng.randrange(365))).isoformat(),
        "data_grade": grade,
        "sensitivity": sensitivity,
        "data_items": [{"name": col, "type": kind_, "sensitive": str(col in ("姓名", "公民身份号码")).lower()}
                       for col, kind_ in columns],
        "resources": resources(rng, number, dept, resource_format, opened == "open",
                               f"{subject}{kind}"),
    }
    if share == "conditional":
        entry["share_condition"] = rng.choice(CONDITIONS)
    elif share == "not_shared":
        entry["share_condition"] = NOT_SHARED_BASIS
    if opened == "conditional":
        entry["open_condition"] = rng.choice(OPEN_CONDITIONS)
    return entry


def resources(rng: random.Random, number: int, dept: Department, fmt: str, linked: bool,
              label: str) -> list[dict]:
    """One to three resources; links only for data open to everyone."""
    result = []
    for part in range(rng.choice([1, 1, 2, 3])):
        resource = {"name": f"{label}（第{part + 1}部分）", "format": fmt,
                    "description": f"{dept.title}提供，{label}数据。",
                    "channel_type": "api" if fmt == "API" else "file"}
        if linked:
            resource["url"] = (f"https://data.fuzhou.gov.example/{dept.name}/"
                               f"{number + 1:06d}-{part + 1}.{fmt.lower()}")
        result.append(resource)
    return result


def is_public(entry: dict) -> bool:
    """What our tiered access shows everyone (the open types); the rest is for staff."""
    return entry["open_type"] in ("open", "conditional")


STOCK_FIELDS = ("name", "title", "notes", "owner_org", "tags")


def stock_form(entry: dict) -> dict:
    """The entry for stock CKAN: core fields and resources only."""
    stock = {key: entry[key] for key in STOCK_FIELDS}
    stock["private"] = not is_public(entry)
    stock["resources"] = [{key: value for key, value in resource.items()
                           if key in ("name", "format", "description", "url")}
                          for resource in entry["resources"]]
    return stock
