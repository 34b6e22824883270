# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The Xi'an precise docking trip of 23–24 May 2019, filled in for the demo.

What the record gives (document 000): the trip, its dates, three of the firms
(浙江大立科技, 精功（绍兴）复合材料, 湖州太平微特电机), that the firms went with
their 技术项目引接需求, and the figures 11 firms, 8 reached cooperation. The three
firms' needs say only that, with the quote; their fields come from the firm's
own name or its public listing.

Everything else is illustrative and sits on invented organisations and people
only: the other eight firms (示例…), their needs, the Xi'an institutes and
experts on the other side (示例西安…), and which of the invented pairs met or
signed. The record does not say which firms reached cooperation or with whom, so
no real firm is given an outcome.
"""

from __future__ import annotations

from typing import Any

from duijie.graph.fields import FIELDS, expert_docs, need_text
from duijie.seed_data.build.common import Q, edge, node
from duijie.seed_data.build.organisations import industry_name, region_name

EVENT = "evt:xian-docking-2019-05"
SIGNED_ON = "2019-05-24"
TRIP = Q(0, "针对企业技术项目引接需求，组织我省11家企业赴西安开展精准对接活动")

# The three firms the record names: their need is the record's sentence.
# firm id, need slug, fields (from the firm's name or public listing: see organisations.py)
REAL_FIRMS: list[tuple[str, str, str]] = [
    ("ent:dali-technology", "dali-technology", "infrared-detection thermal-imaging"),
    ("ent:jinggong-composites", "jinggong-composites", "composite-materials"),
    ("ent:huzhou-taiping-motor", "huzhou-taiping-motor", "micro-motors"),
]

# Invented firms (the other eight): slug, name, region, industry, field, revenue 万元,
# employees, R&D %, flags, founded
FIRMS: list[tuple[str, str, str, str, str, float | None, int | None, float | None, list, int]] = [
    ("hengtai-titanium", "示例绍兴钛材科技", "shaoxing", "non-ferrous", "titanium-alloys",
     26000, 210, 4.2, ["高新技术企业"], 2008),
    ("ruiguang-laser", "示例宁波激光器科技", "ningbo", "optoelectronics", "laser-technology",
     12000, 130, 6.5, ["高新技术企业", "科技型中小企业"], 2012),
    ("xince-microelectronics", "示例嘉兴芯片设计", "jiaxing", "semiconductors", "integrated-circuits",
     8000, 95, 11.0, ["科技型中小企业", "高新技术企业"], 2016),
    ("hangyu-precision", "示例台州航空结构件", "taizhou-zj", "aerospace", "aerospace-structures",
     35000, 420, 3.1, ["高新技术企业"], 2005),
    ("ouneng-power", "示例温州电力电子", "wenzhou", "electric-machinery", "power-electronics",
     18000, 260, 4.8, ["高新技术企业"], 2010),
    ("zhizao-am", "示例金华增材制造", "jinhua", "equipment", "additive-manufacturing",
     5200, 60, 9.5, ["科技型中小企业"], 2017),
    ("yuntu-connected", "示例德清网联科技", "deqing", "auto", "connected-vehicles",
     None, 45, 15.0, ["科技型中小企业"], 2018),
    ("qingyuan-env", "示例衢州水处理科技", "quzhou", "environment", "wastewater-treatment",
     None, 80, None, [], 2011),
]

# Invented institutes on the Xi'an side: slug, name, type, fields
INSTITUTES: list[tuple[str, str, str, str]] = [
    ("ill-xian-optics", "示例西安光电研究所", "research_institute",
     "infrared-detection precision-optics laser-technology"),
    ("ill-xian-materials", "示例西安材料研究院", "research_institute",
     "composite-materials additive-manufacturing aerospace-structures"),
    ("ill-xian-titanium", "示例西安钛材研究所", "research_institute", "titanium-alloys"),
    ("ill-xian-motors", "示例西安电机与电力电子研究所", "research_institute",
     "micro-motors servo-drives power-electronics"),
    ("ill-xian-electronics", "示例西安电子信息大学", "university",
     "integrated-circuits semiconductor-test connected-vehicles"),
    ("ill-xian-environment", "示例西安环境工程研究院", "research_institute", "wastewater-treatment"),
]

# Invented experts there (ids kept from earlier versions of the dataset):
# slug, name, title, institute slug, field, languages
EXPERTS: list[tuple[str, str, str, str, str, list]] = [
    ("han-zhenyu", "示例专家西01", "研究员", "ill-xian-optics", "laser-technology", ["zh", "en"]),
    ("infrared", "示例专家西02", "研究员", "ill-xian-optics", "infrared-detection", ["zh"]),
    ("optics-design", "示例专家西03", "副研究员", "ill-xian-optics", "precision-optics", ["zh"]),
    ("luo-xiaofeng", "示例专家西04", "教授", "ill-xian-materials", "composite-materials", ["zh"]),
    ("shao-wenjing", "示例专家西05", "正高级工程师", "ill-xian-titanium", "titanium-alloys", ["zh"]),
    ("li-chenguang", "示例专家西06", "研究员", "ill-xian-materials", "additive-manufacturing", ["zh"]),
    ("aero-structures", "示例专家西07", "教授", "ill-xian-materials", "aerospace-structures", ["zh"]),
    ("tan-minghui", "示例专家西08", "研究员", "ill-xian-motors", "micro-motors", ["zh"]),
    ("cao-yuhang", "示例专家西09", "教授", "ill-xian-motors", "power-electronics", ["zh", "en"]),
    ("kong-dehua", "示例专家西10", "教授", "ill-xian-electronics", "integrated-circuits", ["zh"]),
    ("connected", "示例专家西11", "副教授", "ill-xian-electronics", "connected-vehicles", ["zh"]),
    ("bai-xuelin", "示例专家西12", "副教授", "ill-xian-environment", "wastewater-treatment", ["zh"]),
]

# The invented firms' needs and how each went (invented): firm slug, status, helper id,
# confidential. Five signed, two met without signing, one not pursued.
NEEDS: list[tuple[str, str, str | None, bool]] = [
    ("hengtai-titanium", "signed", "exp:xian-shao-wenjing", False),
    ("ruiguang-laser", "signed", "exp:xian-han-zhenyu", True),
    ("xince-microelectronics", "signed", "inst:ill-xian-electronics", False),
    ("hangyu-precision", "met", "inst:ill-xian-materials", False),
    ("ouneng-power", "signed", "exp:xian-cao-yuhang", False),
    ("zhizao-am", "signed", "inst:ill-xian-materials", False),
    ("yuntu-connected", "not_pursued", "exp:xian-connected", False),
    ("qingyuan-env", "met", "exp:xian-bai-xuelin", False),
]


def xian_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for firm, slug, topics in REAL_FIRMS:
        nid = f"need:xian-{slug}"
        nodes.append(node("Need", nid, {
            "title": "赴西安精准对接的技术项目引接需求", "need_type": "technology",
            "status": "submitted", "owner": "技术创新处", "submitted_at": "2019-05-23",
            "text": "企业技术项目引接需求（赴西安精准对接）。"}, TRIP))
        edges.append(edge(firm, "submitted", nid, None, TRIP))
        edges.extend(edge(nid, "about_topic", f"topic:{t}", None, TRIP) for t in topics.split())
    for slug, name, region, industry, field, revenue, staff, rd, flags, founded in FIRMS:
        eid = f"ent:ill-{slug}"
        nodes.append(node("Enterprise", eid, {
            "name": name, "region": region_name(region), "industry": industry_name(industry),
            "revenue_wan": revenue, "employees": staff, "rd_ratio_pct": rd, "flags": flags,
            "founded_year": founded}))
        edges.append(edge(eid, "located_in", f"reg:{region}"))
        edges.append(edge(eid, "in_industry", f"ind:{industry}"))
        edges.append(edge(eid, "has_expertise", f"topic:{field}"))
        edges.append(edge(eid, "participated_in", EVENT, {"role": "need_side"}))
    for slug, name, itype, topics in INSTITUTES:
        iid = f"inst:{slug}"
        nodes.append(node("Institute", iid, {
            "name": name, "institute_type": itype, "region": "西安", "country": "中国"}))
        edges.append(edge(iid, "located_in", "reg:xian"))
        edges.extend(edge(iid, "has_expertise", f"topic:{t}") for t in topics.split())
        edges.append(edge(iid, "participated_in", EVENT, {"role": "candidate_side"}))
    for n, (slug, name, title, inst, field, languages) in enumerate(EXPERTS):
        xid = f"exp:xian-{slug}"
        affiliation = next(i[1] for i in INSTITUTES if i[0] == inst)
        nodes.append(node("Expert", xid, {
            "name": name, "title": title, "affiliation": affiliation, "region": "西安",
            "fields": [_topic_name(field)], "languages": languages, "max_meetings": 6,
            "docs": expert_docs(FIELDS[field], 2012 + n % 5, 3)}))
        edges.append(edge(xid, "affiliated_with", f"inst:{inst}"))
        edges.append(edge(xid, "located_in", "reg:xian"))
        edges.append(edge(xid, "has_expertise", f"topic:{field}"))
        edges.append(edge(xid, "participated_in", EVENT, {"role": "candidate_side"}))
    firms = {f[0]: f for f in FIRMS}
    for slug, status, helper, confidential in NEEDS:
        field = firms[slug][4]
        case = FIELDS[field].cases[0]
        nid = f"need:xian-{slug}"
        nodes.append(node("Need", nid, {
            "title": case.title, "text": need_text(case),
            "need_type": "technology", "status": status, "owner": "经办人07",
            "tech_field": _topic_name(field), "trl": 5, "ip_status": "none", "budget_wan": 200.0,
            "deadline": "2019-12-31", "priority": 4, "submitted_at": "2019-05-10"},
            confidentiality="confidential" if confidential else "public"))
        edges.append(edge(f"ent:ill-{slug}", "submitted", nid))
        edges.append(edge(nid, "about_topic", f"topic:{field}"))
        if helper:
            edges.append(edge(nid, "met", helper, {"date": "2019-05-23", "source_event": EVENT}))
            if status == "signed":
                edges.append(edge(nid, "signed", helper, {"date": SIGNED_ON, "year": 2019,
                                                          "source_event": EVENT}))
    return nodes, edges


def _topic_name(slug: str) -> str:
    from duijie.seed_data.build.vocabulary import TOPICS
    return next(t[1] for t in TOPICS if t[0] == slug)
