"""Column headers and cell values of import files, as data.

Chinese offices fill in forms with Chinese headers (企业名称, 营业收入（万元）) and
Chinese values (需求类型 = 技术需求); engineers write English ones (name,
revenue_wan, technology). This module maps both onto the property names of
`graph.model`, one header map per kind, so the importer itself stays generic.

>>> header_field("Enterprise", "营业收入（万元）")
'revenue_wan'
>>> header_field("Enterprise", " Credit Code ")
'credit_code'
>>> canonical_kind("需求")
'Need'
>>> VALUE_MAPS["need_type"]["融资"]
'financing'
"""

from __future__ import annotations

import json
import re
import types
import typing
import unicodedata
from functools import cache
from typing import Any

from pydantic import BaseModel

from duijie.graph.errors import InvalidInput, at
from duijie.graph.import_words import CellError
from duijie.graph.model import EDGE_KINDS, EDGE_PROPS, NODE_KINDS, PROPS_SCHEMAS

EDGES = "edges"
"""The pseudo-kind of a file of edges (columns src, kind, dst)."""

IMPORT_KINDS = ("Enterprise", "Need", "Institute", "Expert", "Programme", "Event",
                "Topic", "Industry", "Region", "Official", EDGES)

KIND_NAMES: dict[str, str] = {
    "enterprise": "Enterprise", "enterprises": "Enterprise", "企业": "Enterprise",
    "need": "Need", "needs": "Need", "需求": "Need", "问题": "Need",
    "institute": "Institute", "institutes": "Institute", "机构": "Institute",
    "院所": "Institute", "高校院所": "Institute",
    "expert": "Expert", "experts": "Expert", "专家": "Expert",
    "programme": "Programme", "programmes": "Programme", "program": "Programme",
    "项目": "Programme", "政策": "Programme",
    "event": "Event", "events": "Event", "活动": "Event", "对接会": "Event",
    "topic": "Topic", "topics": "Topic", "技术领域": "Topic", "领域": "Topic",
    "industry": "Industry", "industries": "Industry", "行业": "Industry",
    "region": "Region", "regions": "Region", "地区": "Region",
    "official": "Official", "officials": "Official", "联系干部": "Official",
    "干部": "Official",
    "edges": EDGES, "edge": EDGES, "关系": EDGES,
}

# Columns every node kind understands; values are the accepted header spellings.
_COMMON: dict[str, list[str]] = {
    "id": ["id", "编号", "编码"],
    "aliases": ["aliases", "alias", "别名", "简称", "曾用名"],
    "confidentiality": ["confidentiality", "密级", "保密等级", "公开程度"],
    "description": ["description", "简介", "介绍"],
    "tags": ["tags", "标签"],
    "illustrative": ["illustrative", "示例", "示例数据"],
}

_VOCABULARY = {
    "name_en": ["name_en", "英文名称", "英文名"],
    "synonyms": ["synonyms", "同义词", "近义词"],
}

HEADERS: dict[str, dict[str, list[str]]] = {
    "Enterprise": {
        "name": ["name", "企业名称", "企业", "公司名称", "单位名称", "名称"],
        "legal_name": ["legal_name", "企业全称", "法定名称", "工商注册名称"],
        "credit_code": ["credit_code", "统一社会信用代码", "信用代码"],
        "region": ["region", "所在地区", "所在地", "地区", "区域"],
        "industry": ["industry", "所属行业", "行业"],
        "revenue_wan": ["revenue_wan", "revenue", "营业收入（万元）", "营业收入", "营收"],
        "employees": ["employees", "员工人数", "职工人数", "从业人数"],
        "rd_ratio_pct": ["rd_ratio_pct", "研发投入占比", "研发投入占比（%）", "研发占比"],
        "flags": ["flags", "企业资质", "资质", "荣誉称号"],
        "founded_year": ["founded_year", "成立年份"],
        "listed": ["listed", "是否上市", "上市"],
        "group": ["group", "所属集团"],
        "website": ["website", "网址", "网站"],
    },
    "Need": {
        "title": ["title", "需求名称", "需求标题", "问题名称", "标题"],
        "text": ["text", "需求描述", "需求内容", "问题描述", "具体内容", "描述"],
        "need_type": ["need_type", "需求类型", "类型"],
        "status": ["status", "状态", "进展"],
        "owner": ["owner", "负责人", "责任人"],
        "tech_field": ["tech_field", "技术领域", "领域"],
        "trl": ["trl", "技术成熟度"],
        "ip_status": ["ip_status", "知识产权", "知识产权状态"],
        "budget_wan": ["budget_wan", "budget", "预算（万元）", "预算", "拟投入（万元）"],
        "deadline": ["deadline", "截止日期", "完成期限", "期限"],
        "priority": ["priority", "优先级"],
        "department": ["department", "责任部门", "牵头部门"],
        "submitted_at": ["submitted_at", "提交日期", "提出日期"],
        "resolution": ["resolution", "解决情况", "办理结果"],
        "region": ["region", "所在地区", "地区"],
        # Not properties of the need: they name the enterprise that submitted it.
        "enterprise": ["enterprise", "企业名称", "企业", "需求单位", "提出单位", "提出企业"],
        "enterprise_credit_code": ["enterprise_credit_code", "credit_code",
                                   "统一社会信用代码", "信用代码"],
    },
    "Institute": {
        "name": ["name", "机构名称", "单位名称", "机构", "名称"],
        "institute_type": ["institute_type", "机构类型", "类型"],
        "region": ["region", "所在地区", "地区"],
        "website": ["website", "网址", "网站"],
        "country": ["country", "国家"],
    },
    "Expert": {
        "name": ["name", "专家姓名", "姓名"],
        "title": ["title", "职称"],
        "affiliation": ["affiliation", "所在单位", "工作单位", "单位"],
        "fields": ["fields", "研究领域", "专业领域", "擅长领域", "领域"],
        "languages": ["languages", "语言", "工作语言"],
        "region": ["region", "所在地区", "地区"],
        "max_meetings": ["max_meetings", "最多会谈数"],
        # One document per line or per ；, or a JSON list of ExpertDoc records.
        "docs": ["docs", "代表性成果/项目", "代表性成果", "代表性项目", "主要成果", "科研项目",
                 "代表作"],
    },
    "Programme": {
        "name": ["name", "项目名称", "政策名称", "名称"],
        "level": ["level", "级别", "层级"],
        "department": ["department", "主管部门", "部门"],
        "rules": ["rules", "申报条件"],
        "required_flags": ["required_flags", "必备资质"],
        "regions": ["regions", "适用地区"],
        "industries": ["industries", "适用行业"],
        "deadline": ["deadline", "截止日期", "申报截止"],
        "benefit": ["benefit", "支持内容", "扶持内容"],
    },
    "Event": {
        "name": ["name", "活动名称", "名称"],
        "event_type": ["event_type", "活动类型", "类型"],
        "place": ["place", "地点", "举办地点"],
        "region": ["region", "所在地区", "地区"],
        "start_date": ["start_date", "开始日期", "日期"],
        "end_date": ["end_date", "结束日期"],
        "organiser": ["organiser", "organizer", "主办单位", "组织单位"],
        "firms": ["firms", "参与企业数", "企业数"],
        "cooperation_reached": ["cooperation_reached", "达成合作数"],
        "agreements": ["agreements", "签约数", "协议数"],
        "experts": ["experts", "专家数"],
        "projects": ["projects", "项目数"],
        "status": ["status", "状态"],
    },
    "Topic": {"name": ["name", "领域名称", "名称"], **_VOCABULARY},
    "Industry": {"name": ["name", "行业名称", "名称"], "code": ["code", "行业代码", "代码"],
                 **_VOCABULARY},
    "Region": {"name": ["name", "地区名称", "名称"], "level": ["level", "级别", "层级"],
               **_VOCABULARY},
    "Official": {
        "name": ["name", "姓名", "干部姓名", "联系人"],
        "department": ["department", "所在处室", "处室", "部门", "所在部门"],
        "title": ["title", "职务"],
        "fields": ["fields", "熟悉领域", "联系领域", "领域"],
        "regions": ["regions", "联系地区", "负责地区", "地区"],
        "capacity": ["capacity", "可联系企业数", "联系企业数"],
    },
    EDGES: {
        "src": ["src", "source", "from", "起点"],
        "kind": ["kind", "type", "关系", "关系类型"],
        "dst": ["dst", "target", "to", "终点"],
        "key": ["key", "键"],
        "weight": ["weight", "权重"], "year": ["year", "年份"], "result": ["result", "结果"],
        "role": ["role", "角色"], "score": ["score", "得分"],
        "value_wan": ["value_wan", "金额（万元）", "金额"], "date": ["date", "日期"],
        "meeting_id": ["meeting_id", "会谈编号"], "note": ["note", "备注"],
        "illustrative": ["illustrative", "示例"], "since": ["since", "起始"],
        "status": ["status", "状态"], "source_event": ["source_event", "来源活动"],
    },
}
for _kind in NODE_KINDS:
    if _kind in HEADERS:
        HEADERS[_kind] = {**_COMMON, **HEADERS[_kind]}

IGNORED_HEADERS = {"序号", "行号", "no", "no.", "#"}
"""Row-number columns that Chinese forms start with: read past, never an error."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "Need": ("title",), EDGES: ("src", "kind", "dst"), "Official": ("name", "department"),
    **{k: ("name",) for k in ("Enterprise", "Institute", "Expert", "Programme", "Event",
                              "Topic", "Industry", "Region")},
}

NOT_PROPS = {"id", "aliases", "confidentiality", "enterprise", "enterprise_credit_code"}
"""Columns that are not node properties: they shape the record or name a link."""

VALUE_MAPS: dict[str, dict[str, str]] = {
    "need_type": {"技术需求": "technology", "技术": "technology", "技术难题": "technology",
                  "问题": "problem", "困难": "problem", "问题与困难": "problem",
                  "困难问题": "problem", "政策": "policy", "政策咨询": "policy",
                  "融资": "financing", "融资需求": "financing", "人才": "talent",
                  "人才需求": "talent"},
    "status": {"已提交": "submitted", "已匹配": "matched", "已对接": "met", "已会谈": "met",
               "已签约": "signed", "不再跟进": "not_pursued", "已回访": "followed_up",
               "计划": "planned", "已发布": "published", "已举办": "held", "已结束": "closed"},
    "confidentiality": {"公开": "public", "内部": "internal", "机密": "confidential",
                        "保密": "confidential", "秘密": "confidential"},
    "institute_type": {"高校": "university", "大学": "university", "科研院所": "research_institute",
                       "研究院": "research_institute", "研究所": "research_institute",
                       "创新中心": "innovation_centre", "实验室": "laboratory",
                       "平台": "platform", "政府部门": "government", "协会": "association",
                       "商会": "association", "企业研发机构": "company_rd",
                       "金融机构": "financial", "其他": "other"},
    "level": {"国家级": "national", "国家": "national", "省级": "provincial", "省": "province",
              "市级": "city", "市": "city", "县级": "county", "县": "county", "区": "district",
              "镇": "town", "园区": "zone", "国际": "international", "国": "country"},
    "event_type": {"精准对接": "docking_trip", "对接活动": "docking_trip", "对接会": "fair",
                   "专家行": "expert_visit", "专家送上门": "expert_visit",
                   "服务活动": "service_event", "人才对接": "talent_matching",
                   "会议": "conference", "其他": "other"},
    "ip_status": {"无": "none", "申请中": "pending", "已授权": "granted", "已许可": "licensed",
                  "未知": "unknown"},
}

# `level` means different things for a programme and for a region.
KIND_VALUE_MAPS: dict[tuple[str, str], dict[str, str]] = {
    ("Programme", "level"): {"国家级": "national", "国家": "national", "省级": "provincial",
                             "省": "provincial", "市级": "city", "市": "city",
                             "县级": "county", "县": "county", "国际": "international"},
    ("Region", "level"): {"国家": "country", "省": "province", "省级": "province",
                          "市": "city", "地级市": "city", "县": "county", "县级市": "county",
                          "区": "district", "镇": "town", "乡镇": "town", "园区": "zone",
                          "开发区": "zone"},
}


def value_map(kind: str, field_name: str) -> dict[str, str]:
    """Chinese cell values of a field and the model values they stand for.

    >>> value_map("Region", "level")["省"], value_map("Programme", "level")["省"]
    ('province', 'provincial')
    """
    return KIND_VALUE_MAPS.get((kind, field_name)) or VALUE_MAPS.get(field_name, {})


EDGE_KIND_NAMES: dict[str, str] = {
    "提交": "submitted", "隶属": "affiliated_with", "任职于": "affiliated_with",
    "擅长": "has_expertise", "涉及领域": "about_topic", "所属行业": "in_industry",
    "位于": "located_in", "属于": "part_of", "合作": "collaborated_with",
    "参加": "participated_in", "支持": "supports", "获得": "awarded",
    "符合条件": "eligible_for", "会谈": "met", "签约": "signed", "主办": "organised_by",
}

TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", ""}
LIST_SEPARATORS = re.compile(r"[；;、|]")
DATE_FIELDS = {"deadline", "submitted_at", "start_date", "end_date", "date", "since"}


def canonical_kind(name: str) -> str:
    """The model kind (or `"edges"`) a user's kind name means; raises on unknown names.

    >>> canonical_kind("Expert"), canonical_kind("关系")
    ('Expert', 'edges')
    """
    key = (name or "").strip()
    kind = KIND_NAMES.get(key.lower()) or KIND_NAMES.get(key)
    if kind is None and key in IMPORT_KINDS:
        kind = key
    if kind is None:
        known = ", ".join(k.lower() for k in IMPORT_KINDS)
        raise InvalidInput(key="imports.not_kind", params={"known": known}, value=name,
                           where=at("where.import_kind"))
    return kind


def _header_key(header: str) -> str:
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return re.sub(r"[\s_\-]+", "_", text)


@cache
def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for field_name, spellings in HEADERS[kind].items():
        for spelling in spellings:
            table.setdefault(_header_key(spelling), field_name)
    return table


def is_ignored(header: str) -> bool:
    """True for a row-number column such as 序号.

    >>> is_ignored(" 序号 "), is_ignored("名称")
    (True, False)
    """
    return _header_key(header) in IGNORED_HEADERS


def header_field(kind: str, header: str) -> str | None:
    """The field a column header means for `kind`, or None if it is unknown.

    A unit in brackets may be added or left out: 营业收入 and 营业收入(万元) both work.

    >>> header_field("Expert", "所在单位"), header_field("Expert", "身高")
    ('affiliation', None)
    """
    table = _lookup(kind)
    key = _header_key(header)
    if key in table:
        return table[key]
    bare = re.sub(r"\([^)]*\)$", "", key).strip("_")
    return table.get(bare)


def known_headers(kind: str) -> str:
    """The accepted columns, one `中文/english` pair per field, for error messages."""
    out = []
    for field_name, spellings in HEADERS[kind].items():
        chinese = next((s for s in spellings if not s.isascii()), None)
        out.append(f"{chinese}/{field_name}" if chinese else field_name)
    return ", ".join(out)


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


@cache
def field_shape(kind: str, field_name: str) -> str:
    """How a cell is read for a field: list, json, bool, int, float, date or str.

    >>> field_shape("Enterprise", "flags"), field_shape("Need", "budget_wan")
    ('list', 'float')
    """
    if field_name in DATE_FIELDS:
        return "date"
    if kind == EDGES:
        return {float: "float", int: "int", bool: "bool"}.get(EDGE_PROPS.get(field_name), "str")
    if field_name == "aliases":
        return "list"
    model_field = PROPS_SCHEMAS[kind].model_fields.get(field_name)
    if model_field is None:
        return "str"
    annotation = _unwrap(model_field.annotation)
    if typing.get_origin(annotation) is list:
        item = _unwrap(typing.get_args(annotation)[0])
        return "json" if isinstance(item, type) and issubclass(item, BaseModel) else "list"
    for python_type, shape in ((bool, "bool"), (int, "int"), (float, "float")):
        if annotation is python_type:
            return shape
    return "str"


# -- cells ----------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
CODE_FIELDS = {"credit_code", "enterprise_credit_code"}
_NUMBER_NOISE = re.compile(r"[,，\s]|%$")


def convert_cell(kind: str, field_name: str, value: Any) -> Any:
    """A cell's value in the shape the model wants; raises `CellError` with a reason.

    >>> convert_cell("Enterprise", "revenue_wan", "1,200.5")
    1200.5
    >>> convert_cell("Enterprise", "flags", "高新技术企业；科技型中小企业")
    ['高新技术企业', '科技型中小企业']
    >>> convert_cell("Need", "deadline", "2019年5月23日"), convert_cell("Need", "need_type", "融资")
    ('2019-05-23', 'financing')
    """
    shape = field_shape(kind, field_name)
    if shape == "json" and field_name == "docs" and isinstance(value, str) \
            and not value.lstrip().startswith(("[", "{")):
        return split_docs(value)
    if field_name in CODE_FIELDS and isinstance(value, float) and abs(value) >= 1e15:
        raise CellError("excel_lost_digits")
    if isinstance(value, str):
        value = value_map(kind, field_name).get(value, value)
    if shape == "list":
        if isinstance(value, str):
            return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]
        return [_text(value)]
    if shape == "bool":
        if isinstance(value, bool):
            return value
        word = _text(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError("not_yes_no")
    if shape in ("int", "float"):
        number = value
        if isinstance(value, str):
            try:
                number = float(_NUMBER_NOISE.sub("", value))
            except ValueError:
                raise CellError("not_number") from None
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise CellError("not_number")
        if shape == "int":
            if number != int(number):
                raise CellError("not_whole_number")
            return int(number)
        return float(number)
    if shape == "date" and isinstance(value, str):
        match = _DATE.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
        return value
    if shape == "json":
        if not isinstance(value, str):
            raise CellError("not_json_text")
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise CellError("not_json") from None
    return _text(value)


_DOC_SEPARATORS = re.compile(r"[\r\n；;]+")
_DOC_YEAR = re.compile(r"\s*[(（]((?:19|20)\d{2})\s*年?[)）]\s*$")


def split_docs(cell: str) -> list[dict[str, Any]]:
    """An expert's documents typed in one cell: one per line or separated by ；, a
    trailing year in brackets read as the year. 、 does not separate (it lists
    things inside one title).

    >>> for doc in split_docs("碳纤维预浸料工艺、装备（2018）；红外读出电路"): print(doc)
    {'id': 'd1', 'text': '碳纤维预浸料工艺、装备', 'year': 2018}
    {'id': 'd2', 'text': '红外读出电路'}
    """
    docs: list[dict[str, Any]] = []
    for part in _DOC_SEPARATORS.split(cell):
        text = part.strip()
        if not text:
            continue
        doc: dict[str, Any] = {"id": f"d{len(docs) + 1}"}
        year = _DOC_YEAR.search(text)
        if year and year.start() > 0:
            doc["text"], doc["year"] = text[:year.start()], int(year.group(1))
        else:
            doc["text"] = text
        docs.append(doc)
    return docs


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores codes and years as floats
    return str(value)


def _check_maps() -> None:
    # A header that meant two fields of one kind would silently drop data.
    for kind in HEADERS:
        seen: dict[str, str] = {}
        for field_name, spellings in HEADERS[kind].items():
            for spelling in spellings:
                key = _header_key(spelling)
                if seen.get(key, field_name) != field_name:
                    raise AssertionError(f"{kind}: header {spelling!r} means two fields")
                seen[key] = field_name
    assert set(EDGE_KIND_NAMES.values()) <= set(EDGE_KINDS)


_check_maps()
