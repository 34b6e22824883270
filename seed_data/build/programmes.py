# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""Programmes: the real ones the documents name, and a few invented examples.

A real programme carries only what the documents say (each fact with its quote) or
published, checkable criteria, each rule naming where it is published (`source`):
高新技术企业认定 and 科技型中小企业评价 carry their published conditions, a programme
whose name states its area carries that area (a definition, not a claim), and every
other real programme carries no rules at all, so a verdict on it says "申报条件未录入，
请以当年申报通知为准". A published criterion the graph holds no data for (a firm's
IP, its staff mix) is a `to_check` rule: always unknown, never passed over.

The demo's thresholds, industry lists and qualification rules sit on invented
example programmes (named 示例：…, flagged illustrative, invented offices as their
department), marked 示意 wherever they are read.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import P, Q, edge, node
from duijie.seed_data.build.organisations import industry_name, region_name

HIGH_TECH_RULES = "《高新技术企业认定管理办法》（国科发火〔2016〕32号）第十一条"
TECH_SME_RULES = "《科技型中小企业评价办法》（国科发政〔2017〕115号）第六条"
INCOME_TAX_LAW = "《中华人民共和国企业所得税法》第二十八条"


def R(field: str, op: str, value: Any, label: str, **more: Any) -> dict[str, Any]:
    """An invented eligibility rule (of an example programme): flagged `illustrative`."""
    return {"field": field, "op": op, "value": value, "label": label, **more,
            "illustrative": True}


def published(field: str, op: str, value: Any, label: str, label_en: str, source: str,
              **more: Any) -> dict[str, Any]:
    """A programme's published criterion, with where it is published."""
    return {"field": field, "op": op, "value": value, "label": label, "label_en": label_en,
            **more, "source": source}


def to_check(field: str, label: str, label_en: str, source: str) -> dict[str, Any]:
    """A published criterion the graph holds no data for: checked by hand (unknown)."""
    return published(field, "to_check", None, label, label_en, source)


def by_name(name: str) -> str:
    """The source of an area a programme's name states."""
    return f"项目名称（{name}）所示地域"


HIGH_TECH = [
    published("founded_year", "years_since", 1, "注册成立一年以上（按成立年份判断）",
              "registered at least one year before applying (judged by the founding year)",
              HIGH_TECH_RULES),
    published("rd_ratio_pct", ">=", [[5000, 5], [20000, 4], [None, 3]],
              "近三年研发费用总额占同期销售收入总额的比例：最近一年销售收入5,000万元（含）以下不低于5%，"
              "5,000万元至2亿元（含）不低于4%，2亿元以上不低于3%",
              "R&D expenses of the last three years over sales: at least 5% for last year's "
              "sales up to CNY 50 million, 4% up to CNY 200 million, 3% above",
              HIGH_TECH_RULES, by="revenue_wan"),
    to_check("core_ip", "拥有对其主要产品（服务）在技术上发挥核心支持作用的知识产权的所有权",
             "owns the IP that is the technical core of its main products (services)",
             HIGH_TECH_RULES),
    to_check("tech_field", "对其主要产品（服务）发挥核心支持作用的技术属于《国家重点支持的高新技术领域》规定的范围",
             "that technology lies in the State's key supported high-tech fields",
             HIGH_TECH_RULES),
    to_check("tech_staff_pct", "从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例不低于10%",
             "science and technology staff at least 10% of the year's employees",
             HIGH_TECH_RULES),
    to_check("hitech_income_pct", "近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%",
             "high-tech products (services) at least 60% of last year's total income",
             HIGH_TECH_RULES),
    to_check("innovation_score", "企业创新能力评价应达到相应要求",
             "meets the innovation capacity evaluation", HIGH_TECH_RULES),
    to_check("compliance", "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
             "no major safety or quality accident or serious environmental offence in "
             "the year before applying", HIGH_TECH_RULES),
]

TECH_SME = [
    to_check("resident", "在中国境内（不包括港、澳、台地区）注册的居民企业",
             "a resident enterprise registered in mainland China", TECH_SME_RULES),
    published("employees", "<=", 500, "职工总数不超过500人", "at most 500 employees",
              TECH_SME_RULES),
    published("revenue_wan", "<=", 20000, "年销售收入不超过2亿元",
              "annual sales of at most CNY 200 million", TECH_SME_RULES),
    to_check("total_assets", "资产总额不超过2亿元", "total assets of at most CNY 200 million",
             TECH_SME_RULES),
    to_check("products", "提供的产品和服务不属于国家规定的禁止、限制和淘汰类",
             "its products and services are not of a prohibited, restricted or "
             "phased-out kind", TECH_SME_RULES),
    to_check("compliance", "上一年及当年内未发生重大安全、重大质量事故和严重环境违法、科研严重失信行为，"
             "且未列入经营异常名录和严重违法失信企业名单",
             "no major accident, serious environmental offence or research misconduct "
             "this year or last, and not on the abnormal-operation or serious-violation "
             "lists", TECH_SME_RULES),
    to_check("evaluation_score", "按评价指标综合评价得分不低于60分，且科技人员指标得分不为0分"
             "（或符合该条所列可直接确认的条件）",
             "an evaluation score of at least 60 with a non-zero S&T staff score (or one "
             "of the direct confirmations of that article)", TECH_SME_RULES),
]


def _real(slug: str, name: str, level: str, department: str | None, quotes: list,
          *, rules: list | None = None, regions: tuple = (), benefit: str | None = None,
          supports: tuple = ()) -> dict[str, Any]:
    """A real programme. `regions` (slugs) are the area its name or quote states;
    `supports` are (topic or industry id, quote) pairs the documents state."""
    return {"slug": slug, "name": name, "level": level, "department": department,
            "quotes": quotes, "rules": rules or [], "regions": regions, "benefit": benefit,
            "supports": supports}


def _area_rule(name: str, places: list[str] | str, label: str, label_en: str
               ) -> dict[str, Any]:
    op = "in" if isinstance(places, list) else "=="
    return published("region", op, places, label, label_en, by_name(name))


KEQIAO_POLICY = "柯桥区《关于加快科技创新的若干政策》"
JINHUA_SIXIN = "金华市“四新”成果推进计划"

PROGRAMMES: list[dict[str, Any]] = [
    _real("national-enterprise-tech-centre", "国家企业技术中心", "national", "国家发展改革委等",
          [Q(0, "向企业讲解单项冠军和国家企业技术中心申报条件和要求")]),
    _real("provincial-enterprise-tech-centre", "浙江省省级企业技术中心", "provincial",
          "浙江省经济和信息化厅", [P("https://jxt.zj.gov.cn/", "浙江省经济和信息化厅认定省级企业技术中心")],
          regions=("zhejiang",)),
    _real("single-champion", "制造业单项冠军示范企业", "national", "工业和信息化部",
          [Q(0, "针对企业拟申报单项冠军示范企业和国家企业技术中心事宜")]),
    _real("first-set-national", "首台（套）重大技术装备", "national", "工业和信息化部等",
          [Q(4, "做好首台(套)产品认定、首台(套)保险补偿")]),
    _real("zhejiang-first-set", "浙江省首台（套）装备认定", "provincial", "浙江省经济和信息化厅",
          [Q(1, "医疗设备首台(套)认定和保险补偿制度")], regions=("zhejiang",),
          benefit="医疗设备首台（套）认定和保险补偿制度",
          supports=(("topic:medical-devices", Q(1, "医疗设备首台(套)认定和保险补偿制度")),
                    ("ind:medical-devices", Q(1, "医疗设备首台(套)认定和保险补偿制度")))),
    _real("shandong-first-set", "山东省首台（套）技术装备认定及保险补偿", "provincial",
          "山东省工业和信息化厅",
          [Q(4, "新培育认定首台(套)产品143个"), Q(4, "对13家企业的13种首台(套)产品进行保费补贴")],
          regions=("shandong",), benefit="对13家企业的13种首台（套）产品进行保费补贴",
          supports=(("ind:equipment", Q(4, "以首台(套)产品培育和保险补偿为抓手,积极支持高端装备研发创新和推广应用")),)),
    _real("zhejiang-mfg-innovation-centre", "省制造业创新中心", "provincial", "浙江省经济和信息化厅",
          [Q(0, "针对卧龙集团反映省制造业创新中心创建问题")], regions=("zhejiang",),
          supports=(("topic:high-efficiency-motors", Q(0, "卧龙集团省高效电机制造业创新中心创建问题")),)),
    _real("national-mfg-innovation-centre", "国家制造业创新中心", "national", "工业和信息化部",
          [Q(0, "针对争创智慧视频安防国家制造业创新中心事")],
          supports=(("topic:video-surveillance", Q(0, "针对争创智慧视频安防国家制造业创新中心事")),
                    ("topic:additive-manufacturing", Q(0, "增材制造国家制造业创新中心")))),
    _real("high-tech-enterprise", "高新技术企业认定", "national", "科技部、财政部、税务总局",
          [Q(1, "高新技术企业9152家")], rules=HIGH_TECH,
          benefit=f"企业所得税减按15%的税率征收（{INCOME_TAX_LAW}）。"),
    _real("tech-sme", "科技型中小企业评价", "national", "科技部、财政部、税务总局",
          [Q(3, "省科技型中小企业从843 家增长到1655 家")], rules=TECH_SME),
    _real("tech-enterprise-doubling", "浙江省科技企业“倍增”行动计划", "provincial", "浙江省科学技术厅",
          [Q(1, "《浙江省科技企业“倍增”行动计划(2016-2020年)》"),
           Q(1, "加快构建科技企业“微成长、小升高、高壮大”梯次培育机制")],
          regions=("zhejiang",), benefit="科技企业“微成长、小升高、高壮大”梯次培育机制"),
    _real("smart-manufacturing-new-model", "智能制造新模式应用项目", "national", "工业和信息化部",
          [Q(0, "针对巨石集团“玻璃纤维智能制造新模式”项目")]),
    _real("jianbing-lingyan", "浙江省“尖兵”“领雁”研发攻关计划", "provincial", "浙江省科学技术厅",
          [Q(3, "引导企业申报省“尖兵”“领雁”计划等")], regions=("zhejiang",)),
    _real("shuangjian-shuangling", "省“双尖双领”重大攻关需求征集", "provincial", "浙江省科学技术厅",
          [Q(3, "组织申报省“双尖双领”重大攻关需求164 项"), Q(3, "凝练“进口替代”“技术领跑”攻关榜单23 项")],
          regions=("zhejiang",), benefit="凝练“进口替代”“技术领跑”攻关榜单"),
    _real("jinhua-sixin", JINHUA_SIXIN, "city", "金华市经信局",
          [Q(0, "将该项目列入金华市“四新”成果推进计划"),
           Q(0, "由金华市经信局会同浙江省技术创新服务中心以推介会的形式组织推广")],
          rules=[_area_rule(JINHUA_SIXIN, ["金华", "永康", "义乌", "东阳", "武义"], "企业位于金华市",
                            "the firm is in Jinhua")],
          regions=("jinhua",), benefit="由金华市经信局会同浙江省技术创新服务中心以推介会的形式组织推广"),
    _real("industrial-innovation-complex", "省级产业创新服务综合体", "provincial", "浙江省科学技术厅",
          [Q(0, "江山木门产业创新服务综合体建设"), Q(3, "培育五大省级产业创新服务综合体")],
          regions=("zhejiang",),
          supports=(("ind:wood", Q(0, "江山木门产业创新服务综合体建设")),
                    ("topic:wooden-doors", Q(0, "江山木门产业创新服务综合体建设")),
                    ("ind:medical-devices", Q(3, "其中医疗器械、节能环保、现代医药获省级综合体评价优秀")),
                    ("ind:environment", Q(3, "其中医疗器械、节能环保、现代医药获省级综合体评价优秀")),
                    ("ind:pharma", Q(3, "其中医疗器械、节能环保、现代医药获省级综合体评价优秀")))),
    _real("new-product-appraisal", "浙江省省级新产品（新技术）鉴定", "provincial", "浙江省经济和信息化厅",
          [Q(0, "浙江亚太机电省级新产品项目未能在申请期内完成鉴定")], regions=("zhejiang",)),
    _real("shandong-whitelist", "山东省重点企业融资“白名单”推介", "provincial", "山东省工业和信息化厅",
          [Q(4, "向金融机构推介“白名单”企业311家"), Q(4, "协调银行对接")], regions=("shandong",),
          benefit="向金融机构推介“白名单”企业，协调银行对接",
          supports=(("topic:tech-finance", Q(4, "针对企业融资难问题")),)),
    _real("shandong-key-enterprise-liaison", "山东省千户重点企业双向联系服务", "provincial",
          "山东省工业和信息化厅", [Q(4, "筛选出1268家作为省级双向联系服务重点"),
                                  Q(4, "建立起一对一、点对点、直通车服务")],
          regions=("shandong",), benefit="一对一、点对点、直通车服务"),
    _real("shandong-smart-benchmark", "山东省智能制造标杆企业", "provincial", "山东省工业和信息化厅",
          [Q(4, "已培育21家智能制造标杆企业"),
           Q(4, "开展智能制造“1+N”带动提升行动,已培育21家智能制造标杆企业")],
          regions=("shandong",), benefit="智能制造“1+N”带动提升行动"),
    _real("connected-vehicle-pilot-zone", "国家智能网联汽车先导区", "national", "工业和信息化部",
          [Q(0, "目前工信部已同意并积极支持德清县创建国家智能网联汽车先导区")],
          supports=(("topic:connected-vehicles", Q(0, "目前工信部已同意并积极支持德清县创建国家智能网联汽车先导区")),)),
    _real("guohe-daojia", "“国合到家”国际科技合作服务", "provincial", "浙江省科学技术厅",
          [Q(1, "“国合到家”服务项目"), Q(1, "“项目送上门”服务"), Q(1, "“专家送上门”服务"),
           Q(1, "“对接会开在家门口”服务")],
          regions=("zhejiang",), benefit="项目送上门、专家送上门、对接会开在家门口"),
    _real("shangyu-little-giant", "上虞区科技“小巨人”培育计划", "county", "上虞区科技局",
          [Q(3, "深化科技企业“双倍增”行动和科技“小巨人”培育计划"), Q(3, "上虞区科技局全面")],
          regions=("shangyu",)),
    _real("leading-innovation-team", "浙江省领军型创新创业团队", "provincial", None,
          [Q(3, "省领军型创新创业团队3 个")], regions=("zhejiang",),
          supports=(("topic:talent-development", Q(3, "省领军型创新创业团队3 个")),)),
    _real("zj-315-programme", "浙江省“315”科技创新体系建设工程", "provincial", "浙江省委、省政府",
          [Q(3, "启动实施“315”科技创新体系建设工程"),
           Q(3, "省委十五届二次全会暨省委经济工作会议提出启动实施“315”科技创新体系建设工程")],
          regions=("zhejiang",)),
    _real("qianxiang-wanyi", "浙江省扩大有效投资“千项万亿”工程", "provincial", "浙江省发展改革委",
          [Q(3, "7项列入省扩大有效投资“千项万亿”工程")], regions=("zhejiang",)),
    _real("west-lake-friendship-award", "浙江省西湖友谊奖", "provincial", "浙江省人民政府",
          [Q(3, "2 名外国专家入选2022 年度省西湖友谊奖")], regions=("zhejiang",)),
    _real("zj-sci-tech-commissioner", "浙江省科技特派员制度", "provincial", "浙江省科学技术厅",
          [Q(3, "获评省科技特派员工作20 周年成绩突出集体")], regions=("zhejiang",)),
    _real("keqiao-tech-policy", KEQIAO_POLICY, "county", "柯桥区科技局",
          [Q(3, "研究出台《关于加快科技创新的若干政策》"), Q(3, "兑付“1+9”政策资金8809 万元"),
           Q(3, "柯桥区科技局坚持")],
          rules=[_area_rule(KEQIAO_POLICY, "柯桥", "企业位于柯桥区", "the firm is in Keqiao")],
          regions=("keqiao",), benefit="兑付“1+9”政策资金"),
]
"""The real programmes the documents name (quotes checked against them by the build)."""

# slug, name, level, department, rules, required flags, region slugs, industry slugs,
# supported topic slugs, benefit, support to one firm (万元)
EXAMPLE_PROGRAMMES: list[tuple[str, str, str, str, list, list, list, list, list, str,
                               float | None]] = [
    ("example-rd-reward", "示例：研发投入奖励计划", "city", "示例市科技服务中心",
     [R("revenue_wan", ">=", 20000, "营业收入2亿元以上"),
      R("rd_ratio_pct", ">=", 3, "研发投入占营业收入比重不低于3%")],
     [], [], [], ["innovation-policy"], "示例：按上年研发投入给予奖励。", 50),
    ("example-rd-centre", "示例：企业研发中心培育计划", "provincial", "示例省产业创新服务中心",
     [R("revenue_wan", ">=", 30000, "年营业收入不低于3亿元"),
      R("rd_ratio_pct", ">=", 2.5, "研发经费占营业收入比重不低于2.5%")],
     [], ["zhejiang"], [], ["innovation-policy"], "示例：研发中心建设补助。", 100),
    ("example-equipment-first-use", "示例：装备首用推广计划", "provincial", "示例省装备推广服务中心",
     [R("industry", "in", ["高端装备制造", "工业机器人", "电机电器", "医疗器械", "光电与红外"],
        "属于装备类行业")],
     [], [], ["equipment", "robotics", "electric-machinery", "medical-devices"],
     ["industrial-robots", "cnc-machine-tools", "medical-devices"], "示例：新装备首次应用的保险补偿。",
     200),
    ("example-hitech-project", "示例：高企研发攻关专项", "provincial", "示例省科技项目服务中心",
     [R("flags", "has_flag", "高新技术企业", "申报企业为高新技术企业"),
      R("rd_ratio_pct", ">=", 3, "研发投入占比不低于3%")],
     ["高新技术企业"], ["zhejiang"], [],
     ["artificial-intelligence", "integrated-circuits", "composite-materials"],
     "示例：重点研发攻关项目资助。", 300),
    ("example-keqiao-dyeing", "示例：柯桥印染节水技改补助", "county", "示例区产业服务中心",
     [R("region", "==", "柯桥", "企业位于柯桥区"), R("industry", "in", ["纺织印染"], "印染企业")],
     [], ["keqiao"], [], ["dyeing-finishing"],
     "示例：印染企业节水、印染废水处理技术改造补助。", 30),
]
"""Invented programmes that carry the demo's thresholds: push, "one condition away",
industry lists and qualification rules. Nothing here is a real programme's rule."""

GRANTS_FLAG = {
    "high-tech-enterprise": "高新技术企业", "tech-sme": "科技型中小企业",
    "provincial-enterprise-tech-centre": "省级企业技术中心",
    "zhejiang-mfg-innovation-centre": "省制造业创新中心",
}
"""The qualification a firm holds once a programme recognised it: a firm with the flag
holds the programme, so it is not pushed to it again (a definition, not a claim)."""


def programme_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for p in PROGRAMMES:
        pid = f"prog:{p['slug']}"
        nodes.append(node("Programme", pid, {
            "name": p["name"], "level": p["level"], "department": p["department"],
            "rules": p["rules"], "regions": [region_name(r) for r in p["regions"]],
            "benefit": p["benefit"], "grants_flag": GRANTS_FLAG.get(p["slug"])}, *p["quotes"]))
        # an area the name states, quoted where the programme is named
        edges.extend(edge(pid, "supports", f"reg:{r}", None, p["quotes"][0])
                     for r in p["regions"])
        edges.extend(edge(pid, "supports", dst, None, quote) for dst, quote in p["supports"])
    for (slug, name, level, dept, rules, flags, regions, industries, topics, benefit,
         value) in EXAMPLE_PROGRAMMES:
        pid = f"prog:{slug}"
        nodes.append(node("Programme", pid, {
            "name": name, "level": level, "department": dept, "rules": rules,
            "required_flags": flags, "regions": [region_name(r) for r in regions],
            "industries": [industry_name(i) for i in industries], "benefit": benefit,
            "value_wan": value}))
        edges.extend(edge(pid, "supports", f"topic:{t}") for t in topics)
        edges.extend(edge(pid, "supports", f"ind:{i}") for i in industries)
        edges.extend(edge(pid, "supports", f"reg:{r}") for r in regions)
    return nodes, edges
