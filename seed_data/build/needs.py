# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""The real problems and requests of the seed documents, as Needs.

These are facts (quoted); fields the documents do not give (TRL, budget,
deadline) are left out rather than invented. Problems of a place or of
unnamed firms have no `submitted` edge: only an Enterprise submits a Need.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import Q, edge, node

# slug, props, quotes, submitting enterprise, topic slugs, region slug, helpers [(id, kind)]
SEED_NEEDS: list[tuple[str, dict[str, Any], list, str | None, str, str, list]] = [
    ("deqing-connected-vehicle-pilot-zone", {
        "title": "列入国家智能网联汽车先导区培育创建对象", "need_type": "policy", "status": "followed_up",
        "department": "工业和信息化部科技司", "region": "德清",
        "text": "帮助德清列入国家智能网联汽车先导区培育创建对象。",
        "resolution": "加强与工信部对接，了解有关培育创建条件和程序；协调工信部科技司领导到德清2次开展工作指导；对接电子标准院、华为等单位去德清2次具体指导。"},
     [Q(0, "帮助德清列入国家智能网联汽车先导区培育创建对象")], None, "connected-vehicles", "deqing",
     [("inst:cesi", "met"), ("ent:huawei", "met")]),
    ("wenzhou-im-summit-support", {
        "title": "恳请参与第八次中国智能制造高峰论坛工作", "need_type": "policy", "status": "followed_up",
        "region": "温州", "text": "温州市智能制造研究院恳请省经信厅参与第八次中国智能制造高峰论坛工作。",
        "resolution": "支持温州市智能制造研究院举办第八次中国智能制造高峰论坛，厉敏总工出席论坛并致辞。"},
     [Q(0, "温州市智能制造研究院恳请我厅参与第八次中国智能制造高峰论坛工作")], None,
     "digital-workshop", "wenzhou", []),
    ("hikvision-ai-conference-support", {
        "title": "“智涌钱塘”人工智能大会恳请作为支持单位", "need_type": "policy", "status": "followed_up",
        "region": "杭州", "text": "海康威视举办“智涌钱塘”人工智能大会，恳请省经信厅作为支持单位。",
        "resolution": "经报请厅领导同意，作为支持单位；会同中电集团讨论形成大会议程，协调长三角智能制造联盟作为大会协助单位。"},
     [Q(0, "海康威视举办“智涌钱塘”人工智能大会，恳请我厅作为支持单位")], "ent:hikvision",
     "artificial-intelligence", "hangzhou", [("inst:yrd-im-alliance", "met")]),
    ("yatai-new-product-appraisal", {
        "title": "省级新产品项目未能在申请期内完成鉴定", "need_type": "problem", "status": "followed_up",
        "department": "所在地经信部门", "region": "杭州",
        "text": "浙江亚太机电省级新产品项目未能在申请期内完成鉴定。",
        "resolution": "协调所在地经信部门退回，重新申报。"},
     [Q(0, "浙江亚太机电省级新产品项目未能在申请期内完成鉴定")], "ent:yatai-mechatronics",
     "standards-testing", "hangzhou", []),
    ("jiaxipera-tech-centre-statistics", {
        "title": "国家级企业技术中心统计数据口径问题", "need_type": "policy", "status": "followed_up",
        "region": "嘉兴", "text": "嘉兴嘉西贝拉国家级企业技术中心统计数据口径问题。",
        "resolution": "根据企业实际情况确定申报口径。"},
     [Q(0, "嘉兴嘉西贝拉国家级企业技术中心统计数据口径问题")], "ent:jiaxipera",
     "innovation-policy", "jiaxing", []),
    ("huadong-tech-centre-application", {
        "title": "申报国家级企业技术中心问题", "need_type": "policy", "status": "followed_up",
        "region": "杭州", "text": "华东医药申报国家级企业技术中心问题。",
        "resolution": "已向企业说明如何申报，申请条件等。"},
     [Q(0, "华东医药申报国家级企业技术中心问题")], "ent:huadong-medicine", "innovation-policy",
     "hangzhou", []),
    ("wolong-motor-innovation-centre", {
        "title": "省高效电机制造业创新中心创建问题", "need_type": "policy", "status": "followed_up",
        "region": "上虞", "text": "卧龙集团省高效电机制造业创新中心创建问题。",
        "resolution": "一起探讨建设方案；联系学习已创建运作单位模式；提出可组建方案。"},
     [Q(0, "卧龙集团省高效电机制造业创新中心创建问题")], "ent:wolong", "high-efficiency-motors",
     "shangyu", []),
    ("hengfeng-champion-tech-centre", {
        "title": "拟申报单项冠军示范企业和国家企业技术中心", "need_type": "policy", "status": "followed_up",
        "region": "海盐", "text": "企业拟申报单项冠军示范企业和国家企业技术中心，需了解申报条件和要求。",
        "resolution": "向企业详细讲解相关申报条件和要求，提出了具体的指导意见。"},
     [Q(0, "针对企业拟申报单项冠军示范企业和国家企业技术中心事宜，与恒锋工具有限公司和浙江海利集团2家企业进行座谈")],
     "ent:hengfeng-tools", "innovation-policy", "haiyan", []),
    ("haili-champion-tech-centre", {
        "title": "拟申报单项冠军示范企业和国家企业技术中心", "need_type": "policy", "status": "followed_up",
        "region": "嘉兴", "text": "企业拟申报单项冠军示范企业和国家企业技术中心，需了解申报条件和要求。",
        "resolution": "向企业详细讲解相关申报条件和要求，提出了具体的指导意见。"},
     [Q(0, "与恒锋工具有限公司和浙江海利集团2家企业进行座谈")], "ent:haili-group",
     "innovation-policy", "jiaxing", []),
    ("ailaiyi-digital-project-policy", {
        "title": "数字工程项目建设可享受的政策", "need_type": "policy", "status": "followed_up",
        "region": "丽水", "text": "丽水艾莱依数字工程项目建设可享受的一些政策。",
        "resolution": "及时向企业介绍解读省级相关政策。"},
     [Q(0, "针对丽水艾莱依数字工程项目建设可享受的一些政策，及时向企业介绍解读省级相关政策")],
     "ent:ailaiyi", "digital-workshop", "lishui", []),
    ("changchuan-innovation-centre", {
        "title": "创建省级制造业创新中心", "need_type": "policy", "status": "followed_up",
        "region": "杭州", "text": "高兴夫副省长“三服务”期间交办：指导长川科技创建省级制造业创新中心。",
        "resolution": "提出先组建联盟后成立公司的创建方案；由省半导体行业协会牵头，提出联盟组建初步方案。"},
     [Q(0, "我们提出先组建联盟后成立公司的创建方案")], "ent:changchuan-tech",
     "semiconductor-test", "hangzhou", [("inst:zj-semiconductor-association", "met")]),
    ("netease-yanxuan-brand-recognition", {
        "title": "网易严选品牌与“品字标”互认", "need_type": "problem", "status": "followed_up",
        "department": "浙江省市场监督管理局", "region": "杭州",
        "text": "发挥网易严选“引擎性公司”作用，助力传统制造业转型升级；协商网易严选品牌与“品字标”互认事宜。",
        "resolution": "起草支持方案，与市场监管局、滨江区政府研究讨论，初步达成企业诉求；考虑签订三方合作协议。"},
     [Q(0, "协商网易严选品牌与“品字标”互认事宜")], "ent:netease-yanxuan", "standards-testing",
     "binjiang", [("inst:zj-market-regulation", "met")]),
    ("jinguo-boiler-technology-promotion", {
        "title": "新技术推广支持", "need_type": "problem", "status": "matched", "region": "金华",
        "text": "金锅锅炉有限公司希望对新技术推广提供支持。",
        "resolution": "若企业技术成熟度达到可推广的基础，列入金华市“四新”成果推进计划，以推介会形式组织推广。"},
     [Q(0, "针对金锅锅炉有限公司希望对新技术推广提供支持的交办事项")], "ent:jinguo-boiler",
     "boilers", "jinhua", [("inst:zj-tech-innovation-service-centre", "met")]),
    ("haoting-furniture-process-upgrade", {
        "title": "提升家具工艺技术水平", "need_type": "technology", "status": "met", "region": "金华",
        "tech_field": "家具设计与工艺",
        "text": "新回归金华发展的豪庭家具公司提出提升工艺技术水平问题，希望提升产品科技含量和市场竞争力。",
        "resolution": "带队领导及时帮助联系浙江大学专家，给予技术支持。"},
     [Q(2, "针对新回归金华发展的豪庭家具公司提出的提升工艺技术水平问题"),
      Q(2, "给予提升产品科技含量和市场竞争力方面的技术支持")], "ent:haoting-furniture",
     "furniture-design", "jinhua", [("inst:zhejiang-university", "met")]),
    ("jushi-smart-manufacturing-acceptance", {
        "title": "“玻璃纤维智能制造新模式”项目验收准备", "need_type": "policy", "status": "followed_up",
        "region": "桐乡", "text": "听取项目进展及指标完成情况介绍，察看智能制造新厂区建设情况。",
        "resolution": "对项目验收准备工作提出意见和具体要求。"},
     [Q(0, "对项目验收准备工作提出意见和具体要求")], "ent:jushi", "digital-workshop",
     "tongxiang", []),
    ("huiyou-medical-data-platform", {
        "title": "智慧医疗数据平台建设支持", "need_type": "policy", "status": "met", "region": "杭州",
        "text": "针对支持惠优科技智慧医疗数据平台建设进行交流讨论。"},
     [Q(0, "针对支持惠优科技智慧医疗数据平台")], "ent:huiyou-tech", "medical-data", "hangzhou", []),
    ("arcsoft-ai-open-platform", {
        "title": "人工智能开源开放平台建设支持", "need_type": "policy", "status": "met", "region": "杭州",
        "text": "针对支持虹软股份人工智能开源开放平台建设进行交流讨论。"},
     [Q(0, "虹软股份人工智能开源开放平台建设进行交流讨论")], "ent:arcsoft",
     "artificial-intelligence", "binjiang", []),
    ("yingfeng-innovation-centre", {
        "title": "印染行业制造业创新中心建设", "need_type": "policy", "status": "met", "region": "柯桥",
        "text": "赴柯桥区迎丰科技、红绿蓝等印染企业帮扶指导制造业创新中心建设。"},
     [Q(0, "赴柯桥区迎丰科技、红绿蓝等印染企业帮扶指导制造业创新中心建设")], "ent:yingfeng-tech",
     "dyeing-finishing", "keqiao", []),
    ("tax-relief-not-reaching-firms", {
        "title": "企业未在减税降费中成为真正受益者", "need_type": "problem", "status": "followed_up",
        "department": "税务部门", "region": "浙江省",
        "text": "企业反映由于上游垄断企业压价或因合同预设条件等原因，企业没有在减税降费中成为真正的受益者。",
        "resolution": "耐心做好解释工作，将企业合理诉求按程序上报。"},
     [Q(0, "企业没有在减税降费中成为真正的受益者")], None, "innovation-policy", "zhejiang", []),
    ("fiscal-support-regional-difference", {
        "title": "省级财政扶持资金竞争性分配未考虑地区差异", "need_type": "policy",
        "status": "followed_up", "department": "财政部门", "region": "浙江省",
        "text": "有企业反映省级财政扶持资金采取竞争性分配没有考虑地区差异化，对于经济基础较差地区来说不合理。",
        "resolution": "耐心做好解释工作，将企业合理诉求按程序上报。"},
     [Q(0, "省级财政扶持资金采取竞争性分配没有考虑地区差异化")], None, "innovation-policy",
     "zhejiang", []),
    ("shandong-key-firm-difficulties", {
        "title": "54家重点企业反映的近百条困难问题", "need_type": "problem", "status": "followed_up",
        "department": "山东省各有关部门", "region": "山东省",
        "text": "对54家重点企业反应的近百条困难问题进行梳理，印发各部门协调解决。",
        "resolution": "要求各部门组织专人负责办理，并建立台账销号管理。"},
     [Q(4, "要求各部门组织专人负责办理,并建立台账销号管理")], None, "innovation-policy",
     "shandong", []),
    ("shandong-financing-difficulty", {
        "title": "企业融资难", "need_type": "financing", "status": "followed_up", "region": "山东省",
        "text": "针对企业融资难问题，组织各市梳理企业需求。",
        "resolution": "联合省金融办、人民银行向金融机构推介“白名单”企业311家，资金1180亿元，协调银行对接，跟踪对接效果。"},
     [Q(4, "针对企业融资难问题,组织各市梳理企业需求")], None, "tech-finance", "shandong", []),
    ("hangzhou-bay-park-facilities", {
        "title": "企业园区公共配套设施不足", "need_type": "problem", "status": "followed_up",
        "region": "杭州湾新区",
        "text": "杭州湾新区企业园区公共配套设施不足。",
        "resolution": "提出集装箱便利超市进园区、布点临时商铺、规范露天餐饮买卖等建议。"},
     [Q(2, "针对杭州湾新区企业园区公共配套设施不足等问题")], None, "innovation-policy",
     "hangzhou-bay", []),
    ("zheshang-capital-talent-shortage", {
        "title": "浙商创业创新缺资金、缺人才", "need_type": "financing", "status": "followed_up",
        "region": "浙江省", "text": "当前浙商创业创新中存在缺资金、缺人才等问题。",
        "resolution": "通过上门走访、组团服务、综合帮扶等方式，为企业量身定做服务套餐。"},
     [Q(2, "针对当前浙商创业创新中存在的缺资金、缺人才等问题")], None, "tech-finance",
     "zhejiang", []),
    ("xinchang-innovation-difficulties", {
        "title": "企业科技创新难题（新昌“云局”联动解决）", "need_type": "technology",
        "status": "followed_up", "region": "新昌",
        "text": "对全县所有规上企业开展研发投入、成果转化等方面的“精准画像”，联动解决企业科技创新难题300余个。"},
     [Q(3, "联动解决企业科技创新难题300 余个")], None, "innovation-policy", "xinchang", []),
]


def seed_need_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for slug, props, quotes, submitter, topics, region, helpers in SEED_NEEDS:
        nid = f"need:{slug}"
        nodes.append(node("Need", nid, props, *quotes))
        if submitter:
            edges.append(edge(submitter, "submitted", nid, None, quotes[0]))
        edges.extend(edge(nid, "about_topic", f"topic:{t}", None, quotes[0])
                     for t in topics.split())
        edges.append(edge(nid, "located_in", f"reg:{region}", None, quotes[0]))
        edges.extend(edge(nid, kind, helper, None, quotes[-1]) for helper, kind in helpers)
    return nodes, edges
