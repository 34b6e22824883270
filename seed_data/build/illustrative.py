# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The illustrative bulk: more firms, experts at real institutes, needs, cooperation.

All of it is invented (provenance `illustrative`, flag set) and built with a
fixed random seed, so rebuilding gives the same files. Expert names are common
generic names and never those of the real people the seeds mention.
"""

from __future__ import annotations

import random
from typing import Any

from duijie.graph.generate import TopicTerm, expert_doc, need_text
from duijie.seed_data.build.common import edge, node
from duijie.seed_data.build.organisations import ENTERPRISES, INSTITUTES, industry_name, region_name
from duijie.seed_data.build.vocabulary import TOPICS
from duijie.seed_data.build.xian import FIRMS as XIAN_FIRMS

SEED = 20190523
REAL_PEOPLE = {"高从塔", "余浩", "厉敏", "金永辉", "冯飞", "高兴夫", "刘家义"}
"""People the seeds name: no invented record may carry these names."""

# name, region slug, industry slug, topic slugs
FIRMS: list[tuple[str, str, str, str]] = [
    ("杭州曜石光电科技有限公司", "hangzhou", "optoelectronics", "machine-vision thermal-imaging"),
    ("杭州数衡工业软件有限公司", "hangzhou", "software", "industrial-software industrial-internet"),
    ("杭州康晟医疗器械有限公司", "hangzhou", "medical-devices", "medical-devices medical-imaging"),
    ("杭州微诊生物科技有限公司", "hangzhou", "pharma", "in-vitro-diagnostics"),
    ("宁波甬驰伺服电机有限公司", "ningbo", "electric-machinery", "servo-drives permanent-magnet-motors"),
    ("宁波海拓机器人有限公司", "ningbo", "robotics", "industrial-robots machine-vision"),
    ("宁波科瑞涂层技术有限公司", "ningbo", "composites", "functional-coatings"),
    ("余姚智谷自动化设备有限公司", "yuyao", "robotics", "industrial-robots digital-workshop"),
    ("温州瓯江激光装备有限公司", "wenzhou", "equipment", "laser-technology cnc-machine-tools"),
    ("温州鹿城电气有限公司", "wenzhou", "electric-machinery", "instrument-transformers power-electronics"),
    ("嘉兴禾联纤维科技有限公司", "jiaxing", "chemical-fibre", "chemical-fibre functional-textiles"),
    ("嘉善精工压缩机配件有限公司", "jiashan", "electric-machinery", "compressors"),
    ("平湖光储新能源有限公司", "pinghu", "new-energy", "photovoltaics energy-storage"),
    ("湖州南太湖电池材料有限公司", "huzhou", "new-energy", "power-batteries"),
    ("德清地信科技有限公司", "deqing", "software", "geographic-information uav"),
    ("绍兴越锦数码印花有限公司", "keqiao", "textiles", "digital-inkjet-printing"),
    ("绍兴柯桥染整科技有限公司", "keqiao", "textiles", "dyeing-finishing wastewater-treatment"),
    ("上虞恒新化工材料有限公司", "shangyu", "chemical-fibre", "polymer-materials voc-treatment"),
    ("诸暨五金精密刀具有限公司", "zhuji", "tools", "cutting-tools functional-coatings"),
    ("嵊州厨电智能科技有限公司", "shengzhou", "consumer-goods", "iot digital-workshop"),
    ("新昌精密轴承有限公司", "xinchang", "equipment", "cnc-machine-tools predictive-maintenance"),
    ("新昌药业制剂有限公司", "xinchang", "pharma", "pharmaceutical-formulation"),
    ("金华永盛电动工具有限公司", "jinhua", "tools", "micro-motors"),
    ("武义温泉食品机械有限公司", "wuyi", "equipment", "food-machinery"),
    ("衢州氟硅新材料有限公司", "quzhou", "composites", "polymer-materials"),
    ("江山木作智能家居有限公司", "jiangshan", "wood", "wooden-doors wood-coatings"),
    ("龙游特种纸业有限公司", "longyou", "consumer-goods", "energy-saving"),
    ("舟山海工装备制造有限公司", "zhoushan", "marine", "marine-equipment"),
    ("舟山定海修船有限公司", "zhoushan", "marine", "shipbuilding functional-coatings"),
    ("舟山群岛水产食品有限公司", "zhoushan", "marine", "aquatic-processing"),
    ("丽水云和木玩有限公司", "yunhe", "wood", "wood-processing wood-coatings"),
    ("松阳茶香农业科技有限公司", "songyang", "agriculture", "tea-iot"),
    ("台州黄岩模塑有限公司", "taizhou-zj", "equipment", "polymer-materials digital-workshop"),
    ("济南齐鲁数控机床有限公司", "jinan", "equipment", "cnc-machine-tools"),
    ("青岛海澜船舶配套有限公司", "qingdao", "marine", "shipbuilding"),
    ("潍坊磁浮动力科技有限公司", "weifang", "equipment", "permanent-magnet-motors high-efficiency-motors"),
    ("烟台蓝海智能装备有限公司", "yantai", "robotics", "industrial-robots"),
    ("淄博齐纤复合材料有限公司", "zibo", "composites", "glass-fibre composite-materials"),
    ("西安秦川精密传动有限公司", "xian", "equipment", "servo-drives"),
]

# Japanese and German experts for the international events (English docs).
FOREIGN = [
    ("Kenji Sato", "shizuoka-university", "lean-management", "ja en"),
    ("Hiroshi Suzuki", "shizuoka-university", "lean-management precision-optics", "ja en"),
    ("Makoto Takahashi", "tokyo-tech", "industrial-robots", "ja en"),
    ("Yuki Tanaka", "tokyo-tech", "compressors", "ja en"),
    ("Naoki Ito", "shizuoka-university", "machine-vision", "ja en"),
    ("Kazuo Yamamoto", "tokyo-tech", "lean-management digital-workshop", "ja en"),
    ("Michael Schneider", "fraunhofer", "additive-manufacturing", "de en"),
    ("Andreas Fischer", "fraunhofer", "laser-technology", "de en"),
    ("Stefan Weber", "tum", "power-batteries", "de en"),
    ("Julia Becker", "tum", "industrial-software", "de en"),
    ("Katrin Hoffmann", "fraunhofer", "digital-workshop", "de en"),
]
JAPAN_EVENT_EXPERTS = 5  # the published figure: 5 Japanese experts
SKIP_TYPES = {"government", "financial", "association"}


def _terms() -> dict[str, TopicTerm]:
    return {slug: TopicTerm(f"topic:{slug}", name, name_en, tuple(syn.split("|")),
                            tuple(kw.split("|")), parent)
            for slug, name, name_en, parent, syn, kw in TOPICS}


def _name(rng: random.Random, taken: set[str]) -> str:
    from duijie.graph.generate import GIVEN, SURNAMES
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in taken and name not in REAL_PEOPLE:
            taken.add(name)
            return name


def illustrative_records(taken_names: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(SEED)
    terms = _terms()
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []

    # -- firms -------------------------------------------------------------------
    firm_topics: dict[str, list[str]] = {}
    firm_industry: dict[str, str] = {f"ent:{slug}": industry_name(ind) for slug, _n, _r, ind, *_x
                                     in ENTERPRISES if ind}
    for n, (name, region, industry, topics) in enumerate(FIRMS, start=1):
        eid = f"ent:ill-firm-{n:03d}"
        revenue = round(rng.lognormvariate(9.3, 1.2), 0)
        props = {"name": name, "region": region_name(region), "industry": industry_name(industry),
                 "revenue_wan": revenue, "employees": max(12, int(revenue / rng.uniform(50, 110))),
                 "rd_ratio_pct": round(rng.uniform(0.8, 8.5), 1),
                 "flags": sorted(rng.sample(["高新技术企业", "科技型中小企业", "省级企业技术中心"],
                                            k=rng.randint(0, 2))),
                 "founded_year": rng.randint(1995, 2020),
                 "description": "示例企业（虚构），用于演示需求匹配与政策资格评估。"}
        if n % 7 == 0:  # some firms leave fields blank, as real registers do
            props.pop("revenue_wan")
        if n % 9 == 0:
            props.pop("rd_ratio_pct")
        nodes.append(node("Enterprise", eid, props))
        edges.append(edge(eid, "located_in", f"reg:{region}"))
        edges.append(edge(eid, "in_industry", f"ind:{industry}"))
        edges.extend(edge(eid, "has_expertise", f"topic:{t}") for t in topics.split())
        firm_topics[eid] = topics.split()
        firm_industry[eid] = industry_name(industry)
        for flag, prog in (("高新技术企业", "high-tech-enterprise"), ("科技型中小企业", "tech-sme"),
                           ("省级企业技术中心", "provincial-enterprise-tech-centre")):
            if flag in props["flags"]:
                edges.append(edge(eid, "awarded", f"prog:{prog}", {"year": rng.randint(2015, 2022)}))
    for slug, _firm, _region, industry, topics, _rev, _emp, _rd, flags, _f in XIAN_FIRMS:
        firm_topics[f"ent:ill-{slug}"] = topics.split()
        firm_industry[f"ent:ill-{slug}"] = industry_name(industry)
        for flag, prog in (("高新技术企业", "high-tech-enterprise"), ("科技型中小企业", "tech-sme")):
            if flag in flags:
                edges.append(edge(f"ent:ill-{slug}", "awarded", f"prog:{prog}", {"year": 2018}))

    # -- experts at real institutes -------------------------------------------------
    experts: list[tuple[str, list[str]]] = []
    for slug, name, itype, region, _al, topics, *_rest in INSTITUTES:
        if itype in SKIP_TYPES or region in ("shizuoka", "tokyo", "munich"):
            continue
        topic_list = topics.split()
        for _ in range(5 if region == "xian" else 4):
            xid = f"exp:ill-{len(experts) + 1:04d}"
            mine = rng.sample(topic_list, k=min(len(topic_list), rng.randint(1, 2)))
            docs = [expert_doc(rng, terms[rng.choice(mine)], d + 1) for d in range(rng.randint(2, 5))]
            nodes.append(node("Expert", xid, {
                "name": _name(rng, taken_names),
                "title": rng.choice(("教授", "研究员", "副教授", "副研究员", "正高级工程师", "高级工程师")),
                "affiliation": name, "region": region_name(region),
                "fields": [terms[t].name for t in mine], "languages": ["zh"],
                "docs": docs, "max_meetings": rng.choice((4, 6, 8))}))
            edges.append(edge(xid, "affiliated_with", f"inst:{slug}"))
            edges.append(edge(xid, "located_in", f"reg:{region}"))
            edges.extend(edge(xid, "has_expertise", f"topic:{t}") for t in mine)
            experts.append((xid, mine))
    for n, (name, inst, topics, langs) in enumerate(FOREIGN, start=1):
        xid = f"exp:ill-foreign-{n:02d}"
        inst_row = next(i for i in INSTITUTES if i[0] == inst)
        mine = topics.split()
        nodes.append(node("Expert", xid, {
            "name": name, "title": "Professor" if inst_row[2] == "university" else "Senior Engineer",
            "affiliation": inst_row[1], "region": region_name(inst_row[3]),
            "fields": [terms[t].name for t in mine], "languages": langs.split(),
            "docs": [expert_doc(rng, terms[rng.choice(mine)], d + 1, english=True)
                     for d in range(rng.randint(2, 4))], "max_meetings": 6}))
        edges.append(edge(xid, "affiliated_with", f"inst:{inst}"))
        edges.extend(edge(xid, "has_expertise", f"topic:{t}") for t in mine)
        event = ("evt:japan-experts-zhejiang" if langs.startswith("ja") and n <= JAPAN_EVENT_EXPERTS
                 else "evt:international-carriers-service")
        edges.append(edge(xid, "participated_in", event, {"role": "expert"}))

    # Some of the Zhoushan and Xinchang experts (the seeds give counts, not names).
    zhoushan = [x for x, t in experts if set(t) & {"marine-equipment", "shipbuilding", "aquatic-processing"}]
    for xid in zhoushan[:10]:
        edges.append(edge(xid, "participated_in", "evt:zhoushan-expert-visits", {"role": "expert"}))
    for xid, _t in rng.sample(experts, 12):
        edges.append(edge(xid, "participated_in", "evt:xinchang-cloud-bureau-matching",
                          {"role": "talent"}))

    # -- needs ------------------------------------------------------------------------
    owners = ("省经信厅技术创新处", "省科技厅", "绍兴市科技局", "新昌县科技局", "宁波市经信局", "山东省工信厅")
    real_with_topics = [(f"ent:{slug}", topics.split()) for slug, _n, _r, _i, _a, topics, *_x
                        in ENTERPRISES if topics.strip()]
    submitters = list(firm_topics.items()) * 2 + real_with_topics
    types = ["technology"] * 6 + ["problem", "policy", "financing", "talent"]
    for n, (firm, topics) in enumerate(submitters, start=1):
        slug = rng.choice(topics)
        need_type = rng.choice(types)
        title, text, extra = need_text(rng, terms[slug], need_type,
                                       firm_industry.get(firm, "制造"))
        year = rng.choice((2019, 2020, 2021, 2022, 2023))
        nid = f"need:ill-{n:04d}"
        status = rng.choice(("submitted", "submitted", "matched", "matched", "met", "signed",
                             "not_pursued", "followed_up"))
        nodes.append(node("Need", nid, {
            "title": title, "text": text, "need_type": need_type, "status": status,
            "owner": rng.choice(owners), "priority": rng.randint(1, 5),
            "submitted_at": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "deadline": f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", **extra},
            confidentiality="confidential" if rng.random() < 0.12 else "public"))
        edges.append(edge(firm, "submitted", nid))
        edges.append(edge(nid, "about_topic", f"topic:{slug}"))
        if status in ("met", "signed", "followed_up"):
            fits = [x for x, t in experts if slug in t] or [x for x, _t in experts]
            helper = rng.choice(fits)
            edges.append(edge(nid, "met", helper, {"year": year}))
            if status == "signed":
                edges.append(edge(nid, "signed", helper, {"year": year}))

    # -- past cooperation ---------------------------------------------------------------
    for firm, topics in list(firm_topics.items()) + real_with_topics[:15]:
        fits = [x for x, t in experts if set(t) & set(topics)]
        for xid in rng.sample(fits, k=min(len(fits), rng.randint(0, 2))):
            edges.append(edge(xid, "collaborated_with", firm, {
                "year": rng.randint(2012, 2019),
                "result": rng.choice(("联合攻关", "技术咨询", "专利许可", "共建实验室", "人才培养"))}))
    return nodes, edges
