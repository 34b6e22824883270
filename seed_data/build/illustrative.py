# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The illustrative bulk: invented firms, institutes, experts, needs and cooperation.

All of it is invented (provenance `illustrative`, flag set), and all of it sits on
invented organisations and people, named 示例… (foreign experts too: 示例外籍专家01)
so that no real firm, institute or person holds the name. Nothing here is attached to a
real organisation: invented firms may hold a real programme's recognition
(`awarded`) or take part in a real event, and the flag on the edge says so.

Each invented firm, expert and need works in exactly one technical field and
its text comes from that field's vocabulary (`fields.py`). Built with a fixed
random seed, so rebuilding gives the same files.
"""

from __future__ import annotations

import random
from typing import Any

from duijie.graph.fields import FIELDS, Case, expert_docs, need_text
from duijie.seed_data.build.common import edge, node
from duijie.seed_data.build.organisations import industry_name, region_name
from duijie.seed_data.build.vocabulary import TOPICS
from duijie.seed_data.build.xian import EXPERTS as XIAN_EXPERTS
from duijie.seed_data.build.xian import FIRMS as XIAN_FIRMS

SEED = 20190523
REAL_PEOPLE = {"高从塔", "余浩", "厉敏", "金永辉", "冯飞", "高兴夫", "刘家义"}
"""People the seeds name: no invented record may carry these names."""

# field, name, region slug, industry slug
FIRMS: list[tuple[str, str, str, str]] = [
    ("infrared-detection", "示例杭州红外探测科技", "hangzhou", "optoelectronics"),
    ("precision-optics", "示例杭州精密光学", "hangzhou", "optoelectronics"),
    ("machine-vision", "示例宁波视觉检测", "ningbo", "equipment"),
    ("composite-materials", "示例淄博复材科技", "zibo", "composites"),
    ("functional-coatings", "示例宁波涂层技术", "ningbo", "composites"),
    ("polymer-materials", "示例台州改性塑料", "taizhou-zj", "auto"),
    ("micro-motors", "示例金华微电机", "jinhua", "electric-machinery"),
    ("permanent-magnet-motors", "示例潍坊永磁电机", "weifang", "electric-machinery"),
    ("servo-drives", "示例西安伺服传动", "xian", "equipment"),
    ("compressors", "示例嘉善压缩机配件", "jiashan", "electric-machinery"),
    ("industrial-robots", "示例烟台机器人装备", "yantai", "robotics"),
    ("cnc-machine-tools", "示例济南数控机床", "jinan", "equipment"),
    ("cutting-tools", "示例诸暨精密刀具", "zhuji", "tools"),
    ("semiconductor-test", "示例杭州芯测装备", "hangzhou", "semiconductors"),
    ("medical-devices", "示例杭州医疗器械", "hangzhou", "medical-devices"),
    ("in-vitro-diagnostics", "示例杭州体外诊断", "hangzhou", "pharma"),
    ("pharmaceutical-formulation", "示例新昌制剂", "xinchang", "pharma"),
    ("power-batteries", "示例湖州动力电池", "huzhou", "new-energy"),
    ("photovoltaics", "示例平湖光伏科技", "pinghu", "new-energy"),
    ("dyeing-finishing", "示例柯桥染整科技", "keqiao", "textiles"),
    ("digital-inkjet-printing", "示例柯桥数码印花", "keqiao", "textiles"),
    ("wooden-doors", "示例江山木门制造", "jiangshan", "wood"),
    ("marine-equipment", "示例舟山海工装备", "zhoushan", "marine"),
    ("shipbuilding", "示例青岛修造船", "qingdao", "marine"),
    ("aquatic-processing", "示例舟山水产食品", "zhoushan", "marine"),
    ("tea-iot", "示例松阳智慧茶园", "songyang", "agriculture"),
    ("digital-workshop", "示例丽水数字化车间", "lishui", "textiles"),
    ("laser-technology", "示例温州激光装备", "wenzhou", "equipment"),
]

# slug, name, type, region slug, country, fields (two experts each)
INSTITUTES: list[tuple[str, str, str, str, str, str]] = [
    ("ill-hangzhou-optics", "示例杭州光电研究院", "research_institute", "hangzhou", "中国",
     "infrared-detection precision-optics machine-vision semiconductor-test laser-technology"),
    ("ill-hangzhou-manufacturing", "示例杭州智能制造研究院", "research_institute", "hangzhou", "中国",
     "industrial-robots cnc-machine-tools cutting-tools servo-drives digital-workshop"),
    ("ill-ningbo-materials", "示例宁波材料研究所", "research_institute", "ningbo", "中国",
     "functional-coatings polymer-materials composite-materials"),
    ("ill-jinan-motors", "示例济南电机工程大学", "university", "jinan", "中国",
     "micro-motors permanent-magnet-motors compressors"),
    ("ill-hangzhou-medicine", "示例杭州医药研究院", "research_institute", "hangzhou", "中国",
     "medical-devices in-vitro-diagnostics pharmaceutical-formulation"),
    ("ill-jiaxing-energy", "示例嘉兴新能源研究院", "research_institute", "jiaxing", "中国",
     "power-batteries photovoltaics"),
    ("ill-shaoxing-textiles", "示例绍兴纺织研究院", "research_institute", "keqiao", "中国",
     "dyeing-finishing digital-inkjet-printing wastewater-treatment"),
    ("ill-zhoushan-marine", "示例舟山海洋大学", "university", "zhoushan", "中国",
     "marine-equipment shipbuilding aquatic-processing"),
    ("ill-lishui-forestry", "示例丽水林茶研究所", "research_institute", "lishui", "中国",
     "wooden-doors tea-iot"),
    # known only through the firm it worked with (a graph path through another firm)
    ("ill-lishui-design", "示例丽水工业设计研究院", "research_institute", "lishui", "中国", ""),
]

# Foreign experts for the international events: English documents (they test
# cross-language matching), Chinese invented names and titles (示例外籍专家NN), as
# every name a person reads is in one language.
# institute (slug, name, region, country), [(field, product, method)]
FOREIGN: list[tuple[tuple[str, str, str, str], list[tuple[str, str, str]]]] = [
    (("ill-japan-institute", "示例日本工业研究所", "tokyo", "日本"), [
        ("industrial-robots", "robotic arc welding cells", "seam tracking sensors and robot calibration"),
        ("industrial-robots", "collaborative robot assembly", "force-controlled compliant insertion"),
        ("compressors", "inverter refrigerator compressors", "valve plate design and motor efficiency matching"),
        ("compressors", "rotary compressors", "discharge muffler acoustics"),
        ("machine-vision", "stamped part inspection systems", "multi-angle lighting and defect classification"),
        ("machine-vision", "structured-light 3D cameras", "multi-exposure fusion and phase unwrapping"),
    ]),
    (("ill-germany-institute", "示例德国应用研究所", "munich", "德国"), [
        ("additive-manufacturing", "metal powder-bed fusion parts", "process windows and melt-pool monitoring"),
        ("additive-manufacturing", "wire-arc deposited structures", "interpass temperature and path planning"),
        ("laser-technology", "picosecond fibre lasers", "large-mode-area fibre and mode control"),
        ("laser-technology", "laser cladding repair", "powder feeding and scan strategy"),
        ("power-batteries", "traction battery modules", "thermal propagation barriers"),
    ]),
]
DESCRIPTIONS = {"ill-lishui-design": "为丽水企业做数字化车间改造和工业设计咨询的服务机构。"}
JAPAN_EVENT_EXPERTS = 5  # the published figure: 5 Japanese experts
OTHER_TYPES = ("problem", "policy", "financing", "talent")
STATUSES = ("submitted", "matched", "met", "signed", "submitted", "not_pursued", "followed_up",
            "matched", "met")
# invented handlers: an invented need is never said to be handled by a real office
OWNERS = ("经办人01", "经办人02", "经办人03", "经办人04", "经办人05", "经办人06")


def _topic_name(slug: str) -> str:
    return next(t[1] for t in TOPICS if t[0] == slug)


def other_need(kind: str, field: str, case: Case) -> tuple[str, str, dict[str, Any]]:
    """Title, text and fields of a non-technology need of a firm in `field`."""
    name = _topic_name(field)
    if kind == "problem":
        return (f"{case.product}扩产项目审批进度", f"企业反映{case.product}扩产项目的环评与用地审批进度慢，"
                "影响新产线按期投产，请求有关部门协调。", {"department": "自然资源和生态环境部门"})
    if kind == "policy":
        return ("高新技术企业认定申报咨询", f"企业拟申报高新技术企业认定，希望了解研发费用归集口径，"
                f"以及{name}方向可申报的省级研发项目。", {"department": "科技部门"})
    if kind == "financing":
        return (f"{case.product}新产线融资", f"公司拟建设{case.product}新产线，设备投入较大，"
                "希望对接科技贷款或知识产权质押融资。", {"tech_field": name, "budget_wan": 800.0})
    return (f"引进{name}方向研发工程师", f"公司需要{name}方向研发工程师，能够开展{case.method}，"
            "可采用柔性引才或校企联合培养方式。", {"tech_field": name})


def illustrative_records(taken_names: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(SEED)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    # -- firms ---------------------------------------------------------------------
    firm_field: dict[str, str] = {}
    for n, (field, name, region, industry) in enumerate(FIRMS, start=1):
        eid = f"ent:ill-firm-{n:03d}"
        revenue = round(rng.lognormvariate(9.3, 1.2), 0)
        props = {"name": name, "region": region_name(region), "industry": industry_name(industry),
                 "revenue_wan": revenue, "employees": max(12, int(revenue / rng.uniform(50, 110))),
                 "rd_ratio_pct": round(rng.uniform(0.8, 8.5), 1),
                 "flags": sorted(rng.sample(["高新技术企业", "科技型中小企业", "省级企业技术中心"],
                                            k=rng.randint(0, 2))),
                 "founded_year": rng.randint(1995, 2020)}
        if n % 7 == 0:  # some firms leave fields blank, as real registers do
            props.pop("revenue_wan")
        if n % 9 == 0:
            props.pop("rd_ratio_pct")
        nodes.append(node("Enterprise", eid, props))
        edges.append(edge(eid, "located_in", f"reg:{region}"))
        edges.append(edge(eid, "in_industry", f"ind:{industry}"))
        edges.append(edge(eid, "has_expertise", f"topic:{field}"))
        firm_field[eid] = field
        for flag, prog in (("高新技术企业", "high-tech-enterprise"), ("科技型中小企业", "tech-sme"),
                           ("省级企业技术中心", "provincial-enterprise-tech-centre")):
            if flag in props["flags"]:
                edges.append(edge(eid, "awarded", f"prog:{prog}", {"year": rng.randint(2015, 2022)}))
    for slug, _name, _region, _industry, _field, _rev, _emp, _rd, flags, _f in XIAN_FIRMS:
        for flag, prog in (("高新技术企业", "high-tech-enterprise"), ("科技型中小企业", "tech-sme")):
            if flag in flags:
                edges.append(edge(f"ent:ill-{slug}", "awarded", f"prog:{prog}", {"year": 2018}))

    # -- institutes and their experts ----------------------------------------------------
    experts: list[tuple[str, str]] = [(f"exp:xian-{x[0]}", x[4]) for x in XIAN_EXPERTS]
    titles = ("教授", "研究员", "副教授", "副研究员", "正高级工程师", "高级工程师")
    for slug, name, itype, region, country, fields in INSTITUTES:
        iid = f"inst:{slug}"
        nodes.append(node("Institute", iid, {
            "name": name, "institute_type": itype, "region": region_name(region),
            "country": country, "description": DESCRIPTIONS.get(slug)}))
        edges.append(edge(iid, "located_in", f"reg:{region}"))
        for field in fields.split():
            edges.append(edge(iid, "has_expertise", f"topic:{field}"))
            for _ in range(2):
                xid = f"exp:ill-{len(experts) + 1:04d}"
                nodes.append(node("Expert", xid, {
                    "name": f"示例专家{len(experts) + 1:03d}", "title": rng.choice(titles),
                    "affiliation": name, "region": region_name(region),
                    "fields": [_topic_name(field)], "languages": ["zh"],
                    "docs": expert_docs(FIELDS[field], rng.randint(2008, 2016), rng.randint(2, 4)),
                    "max_meetings": rng.choice((4, 6, 8))}))
                edges.append(edge(xid, "affiliated_with", iid))
                edges.append(edge(xid, "located_in", f"reg:{region}"))
                edges.append(edge(xid, "has_expertise", f"topic:{field}"))
                experts.append((xid, field))
    n_foreign = 0
    for (slug, name, region, country), people in FOREIGN:
        iid = f"inst:{slug}"
        nodes.append(node("Institute", iid, {"name": name, "institute_type": "research_institute",
                                             "region": region_name(region), "country": country}))
        edges.append(edge(iid, "located_in", f"reg:{region}"))
        for field in dict.fromkeys(p[0] for p in people):
            edges.append(edge(iid, "has_expertise", f"topic:{field}"))
        for field, product, method in people:
            n_foreign += 1
            xid = f"exp:ill-foreign-{n_foreign:02d}"
            year = rng.randint(2010, 2020)
            nodes.append(node("Expert", xid, {
                "name": f"示例外籍专家{n_foreign:02d}", "title": "高级研究员",
                "affiliation": name, "region": region_name(region),
                "fields": [_topic_name(field)], "languages": ["ja" if country == "日本" else "de", "en"],
                "docs": [{"id": "d1", "kind": "project", "title": f"{product}: {method}",
                          "text": f"Led a joint industry project on {product}, working on {method} "
                                  "with manufacturers' engineers on their own lines.", "year": year},
                         {"id": "d2", "kind": "paper", "title": f"{method} for {product}",
                          "text": f"Compared {method} options for {product} and gave design and "
                                  "process guidance.", "year": year + 2}],
                "max_meetings": 6}))
            edges.append(edge(xid, "affiliated_with", iid))
            edges.append(edge(xid, "has_expertise", f"topic:{field}"))
            event = ("evt:japan-experts-zhejiang" if country == "日本" and n_foreign <= JAPAN_EVENT_EXPERTS
                     else "evt:international-carriers-service")
            edges.append(edge(xid, "participated_in", event, {"role": "expert"}))

    # Some of the Zhoushan and Xinchang experts (the seeds give counts, not names).
    marine = [x for x, f in experts if f in ("marine-equipment", "shipbuilding", "aquatic-processing")]
    for xid in marine:
        edges.append(edge(xid, "participated_in", "evt:zhoushan-expert-visits", {"role": "expert"}))
    for xid, _f in rng.sample(experts, 12):
        edges.append(edge(xid, "participated_in", "evt:xinchang-cloud-bureau-matching",
                          {"role": "talent"}))

    # -- needs: two technology needs per firm (its field's cases) and one other ---------------
    count = 0
    for firm, field in firm_field.items():
        vocab = FIELDS[field]
        wanted = [("technology", c) for c in vocab.cases]
        wanted.append((OTHER_TYPES[count % len(OTHER_TYPES)], vocab.cases[0]))
        for need_type, case in wanted:
            count += 1
            if need_type == "technology":
                title, text = case.title, need_text(case)
                extra: dict[str, Any] = {"tech_field": _topic_name(field),
                                         "trl": rng.randint(3, 7),
                                         "ip_status": rng.choice(("none", "pending", "granted")),
                                         "budget_wan": float(rng.choice((50, 80, 100, 150, 200, 300)))}
            else:
                title, text, extra = other_need(need_type, field, case)
            year = rng.choice((2019, 2020, 2021, 2022, 2023))
            status = STATUSES[count % len(STATUSES)]
            nid = f"need:ill-{count:04d}"
            nodes.append(node("Need", nid, {
                "title": title, "text": text, "need_type": need_type, "status": status,
                "owner": rng.choice(OWNERS), "priority": rng.randint(1, 5),
                "submitted_at": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "deadline": f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                **extra}, confidentiality="confidential" if count % 8 == 0 else "public"))
            edges.append(edge(firm, "submitted", nid))
            edges.append(edge(nid, "about_topic", f"topic:{field}"))
            if status in ("met", "signed", "followed_up"):
                helper = rng.choice([x for x, f in experts if f == field])
                edges.append(edge(nid, "met", helper, {"year": year}))
                if status == "signed":
                    edges.append(edge(nid, "signed", helper, {"year": year}))

    # -- past cooperation, within one field: an institute of the field, and experts --------
    for firm, field in firm_field.items():
        institute = next(f"inst:{i[0]}" for i in INSTITUTES if field in i[5].split())
        edges.append(edge(institute, "collaborated_with", firm, {
            "year": rng.randint(2012, 2019), "result": "联合攻关"}))
        if field == "digital-workshop":
            edges.append(edge("inst:ill-lishui-design", "collaborated_with", firm, {
                "year": 2018, "result": "技术咨询"}))
        fits = [x for x, f in experts if f == field]
        for xid in rng.sample(fits, k=min(len(fits), rng.randint(0, 2))):
            edges.append(edge(xid, "collaborated_with", firm, {
                "year": rng.randint(2012, 2019),
                "result": rng.choice(("联合攻关", "技术咨询", "专利许可", "共建实验室", "人才培养"))}))
    taken_names.update(n["props"]["name"] for n in nodes if n["kind"] == "Expert")
    return nodes, edges
