# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The Xi'an precise docking trip of 23–24 May 2019, filled in for the demo.

The seed gives the trip, its figures (11 firms, 8 reached cooperation) and three
of the firms. Everything else here is illustrative: the other eight firms, every
firm's need, the Xi'an institutes taking part, a few experts there, and which
pairs signed. The experts are invented people with generic names.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import edge, node
from duijie.seed_data.build.organisations import INSTITUTES, industry_name, region_name

EVENT = "evt:xian-docking-2019-05"
SIGNED_ON = "2019-05-24"

# slug, name, region, industry, topics, revenue 万元, employees, R&D %, flags, founded
FIRMS: list[tuple[str, str, str, str, str, float | None, int | None, float | None, list, int]] = [
    ("hengtai-titanium", "绍兴恒钛精密材料有限公司", "shaoxing", "non-ferrous", "titanium-alloys",
     26000, 210, 4.2, ["高新技术企业"], 2008),
    ("ruiguang-laser", "宁波睿光激光科技有限公司", "ningbo", "optoelectronics", "laser-technology",
     12000, 130, 6.5, ["高新技术企业", "科技型中小企业"], 2012),
    ("xince-microelectronics", "嘉兴芯测微电子有限公司", "jiaxing", "semiconductors",
     "integrated-circuits semiconductor-test", 8000, 95, 11.0, ["科技型中小企业", "高新技术企业"], 2016),
    ("hangyu-precision", "台州航宇精密机械有限公司", "taizhou-zj", "aerospace",
     "aerospace-structures cnc-machine-tools", 35000, 420, 3.1, ["高新技术企业"], 2005),
    ("ouneng-power", "温州瓯能电力电子有限公司", "wenzhou", "electric-machinery", "power-electronics",
     18000, 260, 4.8, ["高新技术企业"], 2010),
    ("zhizao-am", "金华智造增材科技有限公司", "jinhua", "equipment", "additive-manufacturing",
     5200, 60, 9.5, ["科技型中小企业"], 2017),
    ("yuntu-connected", "湖州云途智能网联科技有限公司", "deqing", "auto", "connected-vehicles",
     None, 45, 15.0, ["科技型中小企业"], 2018),
    ("qingyuan-env", "衢州清源环保科技有限公司", "quzhou", "environment", "wastewater-treatment",
     None, 80, None, [], 2011),
]

# Experts at Xi'an institutes: invented people, generic names.
# slug, name, title, institute slug, topics, languages, docs [(kind, title, text, year)]
EXPERTS: list[tuple[str, str, str, str, str, list, list]] = [
    ("han-zhenyu", "韩振宇", "研究员", "xian-institute-of-optics", "laser-technology precision-optics", ["zh", "en"], [
        ("project", "高功率超快光纤激光器关键技术", "主持国家重点研发计划课题，研究高功率超快光纤激光器的光束质量控制与非线性抑制，实现平均功率百瓦级、光束质量M²<1.3的稳定输出，已在激光精密加工企业应用。", 2018),
        ("paper", "超快激光加工中的热影响区控制", "系统研究脉宽、重复频率对热影响区的影响，提出分段扫描策略，使脆性材料加工崩边降低40%。", 2016),
        ("patent", "一种光纤激光器的模式控制装置", "发明专利：通过锥形光纤与温控结构抑制高阶模，提高光束质量与功率稳定性。", 2017)]),
    ("luo-xiaofeng", "罗晓峰", "教授", "northwestern-polytechnical-university", "composite-materials carbon-fibre aerospace-structures", ["zh"], [
        ("project", "航空复合材料构件热压罐成型变形控制", "针对大型碳纤维复合材料构件热压罐固化变形问题，建立固化-变形多物理场耦合模型，提出模具型面补偿方法，构件型面偏差控制在0.3mm以内。", 2017),
        ("achievement", "树脂基复合材料自动铺丝成套技术", "突破预浸料自动铺丝轨迹规划与张力控制，获省科学技术进步奖一等奖。", 2015),
        ("paper", "碳纤维层合板界面结合与损伤机理", "研究上浆剂与树脂界面结合对层间剪切强度的影响，提出界面改性方案。", 2019)]),
    ("tan-minghui", "谭明辉", "研究员", "xian-micromotor-institute", "micro-motors servo-drives", ["zh"], [
        ("project", "高精度无刷直流微特电机振动噪声抑制", "通过优化齿槽配合与磁钢极弧系数降低齿槽转矩，结合电流谐波注入控制，使微特电机振动噪声下降6dB。", 2018),
        ("project", "伺服用空心杯电机设计与测试平台", "建立空心杯电机电磁设计与温升仿真方法，搭建性能测试平台，服务多家电机企业。", 2016)]),
    ("shao-wenjing", "邵文静", "正高级工程师", "northwest-institute-nonferrous", "titanium-alloys rare-metals", ["zh"], [
        ("project", "大规格钛合金板材组织均匀性控制", "研究热轧与热处理制度对钛合金板材组织均匀性的影响，提出多火次轧制工艺，板材性能波动降低30%。", 2017),
        ("patent", "一种钛合金板材的热处理方法", "发明专利：通过双重退火改善钛合金板材横纵向性能一致性。", 2018)]),
    ("kong-dehua", "孔德华", "教授", "xidian-university", "integrated-circuits semiconductor-test", ["zh"], [
        ("project", "低功耗模拟集成电路设计与测试", "研究低功耗SoC中模拟电路设计与可测性设计方法，建立芯片测试良率分析模型，测试时间缩短25%。", 2018),
        ("paper", "集成电路测试数据的良率诊断方法", "基于测试数据挖掘定位良率损失原因，已应用于多家封装测试企业。", 2019)]),
    ("cao-yuhang", "曹宇航", "教授", "xian-jiaotong-university", "power-electronics high-efficiency-motors", ["zh", "en"], [
        ("project", "SiC功率模块高效逆变器", "研究SiC功率器件驱动与软开关拓扑，逆变器效率提升至99%，并解决高频开关电磁兼容问题。", 2018),
        ("paper", "高效电机系统损耗分析", "建立电机与变频器一体化损耗模型，指导超高效电机设计。", 2016)]),
    ("li-chenguang", "黎晨光", "研究员", "national-am-innovation-centre", "additive-manufacturing", ["zh"], [
        ("project", "金属选区激光熔化工艺参数优化", "针对钛合金和高温合金粉末选区激光熔化的致密度与残余应力问题，采用正交试验与熔池监测优化工艺窗口，致密度达99.7%。", 2018),
        ("achievement", "增材制造构件后处理与检测", "建立增材制造构件热等静压后处理与无损检测流程，服务航空航天与医疗企业。", 2019)]),
    ("bai-xuelin", "白雪琳", "副教授", "xian-university-of-architecture", "wastewater-treatment", ["zh"], [
        ("project", "印染废水高级氧化深度处理", "研究臭氧催化氧化与膜处理组合工艺，印染废水COD降至50mg/L以下，实现部分中水回用。", 2017),
        ("paper", "工业废水污泥减量技术", "提出厌氧-好氧耦合污泥减量工艺，污泥产量减少35%。", 2019)]),
]

# firm id, slug, title, text, topics, trl, ip, budget, status, helper id, confidential
NEEDS: list[tuple[str, str, str, str, str, int, str, float, str, str | None, bool]] = [
    ("ent:dali-technology", "dali-uncooled-fpa-noise", "非制冷红外焦平面探测器噪声抑制",
     "公司红外热像仪产品采用非制冷红外焦平面探测器，噪声等效温差与读出电路噪声仍高于进口器件，影响测温精度。希望与光学精密机械研究院所合作，在微测辐射热计结构与读出电路降噪方面联合攻关。",
     "infrared-detection thermal-imaging", 5, "pending", 300, "signed", "inst:xian-institute-of-optics", True),
    ("ent:dali-technology", "dali-athermal-ir-lens", "红外锗镜头无热化光学设计",
     "热像仪在-40℃至70℃环境下出现离焦，需要红外光学系统无热化设计与非球面加工方面的支持。",
     "precision-optics thermal-imaging", 4, "none", 120, "met", "inst:xian-institute-of-applied-optics", False),
    ("ent:jinggong-composites", "jinggong-cfrp-aero-parts", "航空级碳纤维复合材料构件热压罐成型工艺",
     "公司拟进入航空结构件市场，碳纤维复合材料构件热压罐成型后变形偏大，层合板孔隙率不稳定。希望与航空院校合作建立固化变形预测与模具补偿方法。",
     "composite-materials carbon-fibre aerospace-structures", 4, "none", 500, "signed", "inst:northwestern-polytechnical-university", False),
    ("ent:huzhou-taiping-motor", "taiping-bldc-noise", "微特电机齿槽转矩与振动噪声优化",
     "公司无刷直流微特电机出口客户对振动噪声要求提高，现有产品齿槽转矩偏大，需要电磁设计优化与测试方法支持。",
     "micro-motors servo-drives", 6, "granted", 150, "signed", "inst:xian-micromotor-institute", False),
    ("ent:ill-hengtai-titanium", "hengtai-titanium-plate", "钛合金板材热处理组织均匀性提升",
     "大规格钛合金板材热处理后组织不均匀，横纵向性能差异大，影响航空客户认证。",
     "titanium-alloys", 5, "none", 200, "signed", "inst:northwest-institute-nonferrous", False),
    ("ent:ill-ruiguang-laser", "ruiguang-ultrafast-beam", "超快激光器光束质量与功率稳定性提升",
     "公司皮秒激光器在高功率下光束质量下降，功率稳定性不足，希望在光纤激光器模式控制方面合作。",
     "laser-technology", 5, "pending", 260, "signed", "exp:xian-han-zhenyu", True),
    ("ent:ill-xince-microelectronics", "xince-test-yield", "芯片测试良率分析与低功耗设计",
     "公司模拟芯片量产测试良率波动，测试时间长，希望与高校合作建立良率诊断与可测性设计方法。",
     "integrated-circuits semiconductor-test", 6, "pending", 180, "signed", "inst:xidian-university", False),
    ("ent:ill-hangyu-precision", "hangyu-titanium-machining", "钛合金航空结构件高效数控加工",
     "钛合金结构件五轴数控加工效率低、刀具磨损快，热变形影响装配精度。",
     "aerospace-structures cnc-machine-tools", 6, "none", 220, "met", "inst:northwestern-polytechnical-university", False),
    ("ent:ill-ouneng-power", "ouneng-sic-inverter", "SiC功率模块逆变器效率提升",
     "公司光伏逆变器拟采用SiC功率器件，面临驱动设计与电磁兼容难题，希望合作开发高效软开关拓扑。",
     "power-electronics photovoltaics", 5, "none", 350, "signed", "inst:xian-jiaotong-university", False),
    ("ent:ill-zhizao-am", "zhizao-slm-parameters", "金属粉末选区激光熔化工艺参数优化",
     "公司金属3D打印零件致密度和残余应力不稳定，希望获得选区激光熔化工艺窗口与后处理方案。",
     "additive-manufacturing", 4, "none", 160, "signed", "inst:national-am-innovation-centre", False),
    ("ent:ill-yuntu-connected", "yuntu-roadside-fusion", "车路协同路侧单元多源数据融合",
     "路侧单元摄像头与毫米波雷达数据融合精度不足，需要车路协同测试场景与算法支持。",
     "connected-vehicles", 3, "none", 100, "not_pursued", "inst:changan-university", False),
    ("ent:ill-qingyuan-env", "qingyuan-dyeing-wastewater", "印染废水高级氧化深度处理",
     "承接的印染园区废水COD波动大，现有工艺难以稳定达标，希望引进高级氧化与膜处理组合工艺。",
     "wastewater-treatment dyeing-finishing", 5, "none", 120, "met", "exp:xian-bai-xuelin", False),
]


def xian_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for slug, name, region, industry, topics, revenue, staff, rd, flags, founded in FIRMS:
        eid = f"ent:ill-{slug}"
        nodes.append(node("Enterprise", eid, {
            "name": name, "region": region_name(region), "industry": industry_name(industry),
            "revenue_wan": revenue, "employees": staff, "rd_ratio_pct": rd, "flags": flags,
            "founded_year": founded,
            "description": "示例企业（虚构），参加2019年5月西安精准对接活动的浙江企业之一。"}))
        edges.append(edge(eid, "located_in", f"reg:{region}"))
        edges.append(edge(eid, "in_industry", f"ind:{industry}"))
        edges.extend(edge(eid, "has_expertise", f"topic:{t}") for t in topics.split())
        edges.append(edge(eid, "participated_in", EVENT, {"role": "need_side"}))
    for slug, *_rest in INSTITUTES:
        inst = next(i for i in INSTITUTES if i[0] == slug)
        if inst[3] == "xian" and slug != "qinchuangyuan":  # 秦创原 dates from 2021
            edges.append(edge(f"inst:{slug}", "participated_in", EVENT, {"role": "candidate_side"}))
    for slug, name, title, inst, topics, languages, docs in EXPERTS:
        xid = f"exp:xian-{slug}"
        affiliation = next(i[1] for i in INSTITUTES if i[0] == inst)
        nodes.append(node("Expert", xid, {
            "name": name, "title": title, "affiliation": affiliation, "region": "西安",
            "fields": [_topic_name(t) for t in topics.split()], "languages": languages, "max_meetings": 6,
            "docs": [{"id": f"d{n + 1}", "kind": kind, "title": t, "text": text, "year": year}
                     for n, (kind, t, text, year) in enumerate(docs)],
            "description": "虚构专家（示例数据），姓名为常见名，不指向任何真实人物。"}))
        edges.append(edge(xid, "affiliated_with", f"inst:{inst}"))
        edges.append(edge(xid, "located_in", "reg:xian"))
        edges.extend(edge(xid, "has_expertise", f"topic:{t}") for t in topics.split())
        edges.append(edge(xid, "participated_in", EVENT, {"role": "candidate_side"}))
    for (firm, slug, title, text, topics, trl, ip, budget, status, helper,
         confidential) in NEEDS:
        nid = f"need:xian-{slug}"
        nodes.append(node("Need", nid, {
            "title": title, "text": text, "need_type": "technology", "status": status,
            "owner": "技术创新处", "tech_field": _topic_name(topics.split()[0]), "trl": trl,
            "ip_status": ip, "budget_wan": budget, "deadline": "2019-12-31", "priority": 4,
            "submitted_at": "2019-05-10"},
            confidentiality="confidential" if confidential else "public"))
        edges.append(edge(firm, "submitted", nid))
        edges.extend(edge(nid, "about_topic", f"topic:{t}") for t in topics.split())
        if helper:
            edges.append(edge(nid, "met", helper, {"date": "2019-05-23",
                                                   "source_event": EVENT}))
            if status == "signed":
                edges.append(edge(nid, "signed", helper, {"date": SIGNED_ON, "year": 2019,
                                                          "source_event": EVENT}))
    return nodes, edges


def _topic_name(slug: str) -> str:
    from duijie.seed_data.build.vocabulary import TOPICS
    return next(t[1] for t in TOPICS if t[0] == slug)
