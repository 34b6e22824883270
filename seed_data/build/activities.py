# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""Events of the seed documents (programmes are in `programmes.py`).

Every figure a document gives for an event is a `figures` entry with its
qualifier (余/多: more than; 近: nearly) and quote; the flat counts (`firms`,
`cooperation_reached`, …) are kept only where the document's figure is exact.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import Q, edge, node


def F(measure: str, value: float, unit: str, doc: int, quote: str, *, label: str | None = None,
      qualifier: str = "exact") -> dict[str, Any]:
    """A figure a document gives for an event, with its qualifier and quote (checked in
    the document like every quote); see `graph.model.PublishedFigure`."""
    out = {"measure": measure, "value": value, "qualifier": qualifier, "unit": unit,
           "quote": quote}
    if label:
        out["label"] = label
    Q(doc, quote)  # the document number must exist
    return {**out, "doc": doc}


# slug, props, quotes, participants [(actor id, role, quote or None)], organiser id or None
EVENTS: list[tuple[str, dict[str, Any], list, list, str | None]] = [
    ("xian-docking-2019-05", {
        "name": "赴西安精准对接“三服务”活动", "event_type": "docking_trip", "place": "西安",
        "region": "西安", "start_date": "2019-05-23", "end_date": "2019-05-24",
        "organiser": "浙江省经济和信息化厅技术创新处", "firms": 11, "cooperation_reached": 8,
        "status": "held", "figures": [
            F("firms", 11, "家", 0, "11家企业赴西安开展精准对接活动", label="浙江企业"),
            F("cooperation_reached", 8, "家", 0, "8家企业达成合作", label="达成合作的企业")],
        "description": "针对企业技术项目引接需求，组织浙江省11家企业赴西安开展精准对接，8家企业达成合作。"},
     [Q(0, "组织浙江大立科技、精功（绍兴）复合材料、湖州太平微特电机等11家企业赴西安开展精准对接“三服务”活动"),
      Q(0, "组织我省11家企业赴西安开展精准对接活动，8家企业达成合作")],
     [("ent:dali-technology", "need_side", (0, "组织浙江大立科技")),
      ("ent:jinggong-composites", "need_side", (0, "精功（绍兴）复合材料")),
      ("ent:huzhou-taiping-motor", "need_side", (0, "湖州太平微特电机等11家企业赴西安"))],
     "inst:zj-eit-innovation-division"),
    ("zj-eit-sanfuwu-2019-h1", {
        "name": "技术创新处2019年上半年“三服务”活动", "event_type": "service_event",
        "region": "浙江省", "status": "closed", "organiser": "浙江省经济和信息化厅技术创新处",
        "firms": 52, "figures": [
            F("trips", 17, "次", 0, "外出开展“三服务”活动17次", label="外出“三服务”活动"),
            F("firms", 52, "家", 0, "走访服务企业（单位）52家", label="走访服务的企业（单位）"),
            F("firms_served_remotely", 26, "家", 0, "服务企业（单位）26家",
              label="以座谈、电话等方式服务的企业（单位）"),
            F("problems", 29, "件", 0, "解决问题和困难29件", label="帮助解决的问题和困难"),
            F("assigned_tasks", 5, "件", 0, "重要交办事项5件", label="推进落实的重要交办事项")],
        "description": "2019年上半年外出开展“三服务”活动17次，走访服务企业（单位）52家，帮助地方和企业解决问题和困难29件。"},
     [Q(0, "外出开展“三服务”活动17次"), Q(0, "解决问题和困难29件")], [],
     "inst:zj-eit-innovation-division"),
    ("jiaxing-zheshang-fair", {
        "name": "天下浙商嘉兴行暨大院名校科技成果对接会", "event_type": "fair", "place": "嘉兴",
        "region": "嘉兴", "agreements": 9, "status": "held", "figures": [
            F("agreements", 9, "家", 2, "9家省外浙江商会", label="签订战略合作框架协议的省外浙江商会")],
        "organiser": "省直服务组第四组协助嘉兴举办",
        "description": "促成9家省外浙江商会与嘉兴签订战略合作框架协议。"},
     [Q(2, "协助嘉兴举办了“天下浙商嘉兴行暨大院名校科技成果对接会”大型活动"),
      Q(2, "促成了9家省外浙江商会与嘉兴签订了战略合作框架协议")], [], None),
    ("international-carriers-service", {
        "name": "国际科技合作创新载体创新服务活动", "event_type": "service_event",
        "region": "浙江省", "firms": 130, "status": "held", "figures": [
            F("events", 5, "场", 1, "组织5场活动", label="活动"),
            F("teams", 6, "个", 1, "6个小分队", label="小分队"),
            F("carriers", 55, "家", 1, "共55家国际科技合作创新载体参加", label="国际科技合作创新载体"),
            F("items_published", 300, "个", 1, "300多个", qualifier="more_than",
              label="发布的人才、成果与合作伙伴信息"),
            F("firms", 130, "家", 1, "服务园区、企业130家", label="服务的园区、企业"),
            F("agreements", 20, "个", 1, "近20个", qualifier="nearly", label="合作意向和签约")],
        "organiser": "浙江省科学技术厅",
        "description": "组织5场活动、6个小分队，55家国际科技合作创新载体参加，发布海外高层次人才、国际合作成果、"
                       "国外合作伙伴信息300多个，服务园区、企业130家，达成合作意向和签约近20个。"},
     [Q(1, "共55家国际科技合作创新载体参加"), Q(1, "服务园区、企业130家,达成合作意向和签约近20个")],
     [], "inst:zj-sci-tech-dept"),
    ("zhoushan-expert-visits", {
        "name": "高校专家舟山产学研合作对接活动", "event_type": "expert_visit", "place": "舟山",
        "region": "舟山", "status": "held", "figures": [
            F("experts", 40, "名", 2, "40余名高校专家教授", qualifier="more_than", label="高校专家教授"),
            F("projects", 10, "项", 2, "10多项产业技术提升科技成果", qualifier="more_than",
              label="产业技术提升科技成果")],
        "organiser": "省直服务组第十一组",
        "description": "分两批组织40余名高校专家教授与舟山企业开展产学研合作对接，推出10多项产业技术提升科技成果。"},
     [Q(2, "分两批组织了40余名高校专家教授"), Q(2, "推出了10多项产业技术提升科技成果")], [], None),
    ("japan-experts-zhejiang", {
        "name": "日本专家浙江行", "event_type": "expert_visit", "region": "浙江省", "experts": 5,
        "figures": [F("experts", 5, "位", 1, "日本5位行业专家", label="日本行业专家")],
        "status": "held", "organiser": "浙江省科学技术厅",
        "description": "分两轮举行，邀请日本5位行业专家走进宁波、武义、嘉善等地开展定向诊断和主题讲座。"},
     [Q(1, "以品牌活动“日本专家浙江行”为切入点"), Q(1, "共邀请日本5位行业专家走进宁波、武义、嘉善等地")],
     [], "inst:zj-sci-tech-dept"),
    ("zhejiang-shizuoka-seminar", {
        "name": "浙江省·静冈县企业管理研讨会", "event_type": "conference", "place": "衢州",
        "region": "衢州", "status": "held", "organiser": "浙江省科学技术厅"},
     [Q(1, "还在衢州组织实施了浙江省·静冈县企业管理研讨会")], [], "inst:zj-sci-tech-dept"),
    ("xinchang-cloud-bureau-matching", {
        "name": "新昌县创新服务“云局”人才与产学研对接", "event_type": "talent_matching",
        "place": "新昌", "region": "新昌", "experts": 37, "projects": 14, "status": "held",
        "figures": [
            F("firms", 16, "家", 3, "推进创新企业多跨培育16 家", label="多跨培育的创新企业"),
            F("experts", 37, "名", 3, "匹配科技人才37 名", label="匹配的科技人才"),
            F("projects", 14, "个", 3, "对接产学研项目14 个", label="对接的产学研项目"),
            F("problems", 300, "个", 3, "难题300 余个", qualifier="more_than",
              label="联动解决的企业科技创新难题")],
        "organiser": "新昌县科技局",
        "description": "对全县规上企业“精准画像”，推进创新企业多跨培育16家，匹配科技人才37名，对接产学研项目14个，"
                       "联动解决企业科技创新难题300余个。"},
     [Q(3, "匹配科技人才37 名,对接产学研项目14 个"), Q(3, "联动解决企业科技创新难题300 余个")], [],
     None),
    ("ningbo-robot-fair-2019-04", {
        "name": "全省工业机器人新产品暨融资融物融服务推介会", "event_type": "fair", "place": "宁波",
        "region": "宁波", "start_date": "2019-04-24", "end_date": "2019-04-24", "status": "held",
        "organiser": "浙江省经济和信息化厅技术创新处"},
     [Q(0, "在宁波召开“全省工业机器人新产品暨融资融物融服务推介会”")],
     [("ent:ningbo-siasun-robot", "exhibitor", (0, "宁波新松机器人")),
      ("ent:ningbo-zhongke-lion-robot", "exhibitor", (0, "宁波中科莱恩机器人")),
      ("ent:zhichang-robot", "exhibitor", (0, "浙江智昌机器人")),
      ("ent:wanfeng-tech", "exhibitor", (0, "浙江万丰科技")),
      ("ent:wahaha-precision", "exhibitor", (0, "杭州娃哈哈精密机械等工业机器人新产品")),
      ("inst:czbank", "financier", (0, "浙商银行融资融物融服务"))],
     "inst:zj-eit-innovation-division"),
    ("lishui-service-visit-2019-04", {
        "name": "赴丽水“三服务”走访", "event_type": "expert_visit", "place": "丽水", "region": "丽水",
        "start_date": "2019-04-22", "end_date": "2019-04-24", "firms": 6, "status": "held"},
     [Q(0, "厉总工带队赴丽水“三服务”")],
     [("ent:ailaiyi", "visited", (0, "走访艾莱依集团")),
      ("ent:xinyun-wood", "visited", (0, "浙江新云木业")),
      ("ent:jincheng-wood", "visited", (0, "云和金成木业")),
      ("ent:fulida-crafts", "visited", (0, "景宁富利达木制工艺品")),
      ("ent:zhongteng-electric", "visited", (0, "浙江众腾电器")),
      ("ent:songyang-tea-iot-base", "visited", (0, "松阳新兴镇物联网茶园种植基地等6家公司和基地"))],
     "inst:zj-eit-innovation-division"),
    ("longyou-service-visit-2019-04", {
        "name": "赴龙游“三服务”走访", "event_type": "expert_visit", "place": "龙游", "region": "龙游县",
        "start_date": "2019-04-24", "end_date": "2019-04-25", "firms": 3, "status": "held"},
     [Q(0, "赴龙游走访浙江禾川科技有限公司、浙江耐特玻璃科技有限公司、浙江博特生物科技有限公司3家企业")],
     [("ent:hechuan-tech", "visited", (0, "赴龙游走访浙江禾川科技有限公司")),
      ("ent:naite-glass", "visited", (0, "浙江耐特玻璃科技有限公司")),
      ("ent:bote-bio", "visited", (0, "浙江博特生物科技有限公司3家企业"))],
     "inst:zj-eit-innovation-division"),
    ("jiangshan-service-visit-2019-04", {
        "name": "赴江山“三服务”走访及企业代表座谈会", "event_type": "expert_visit", "place": "江山",
        "region": "江山市", "start_date": "2019-04-25", "end_date": "2019-04-26", "firms": 11,
        "status": "held"},
     [Q(0, "赴江山走访服务浙江天际互感器、浙江金凯门业、江山欧派门业、浙江科力等4家公司"),
      Q(0, "等7家江山企业代表召开座谈会")],
     [("ent:tianji-transformer", "visited", (0, "赴江山走访服务浙江天际互感器")),
      ("ent:jinkai-door", "visited", (0, "浙江金凯门业")),
      ("ent:oupai-door", "visited", (0, "江山欧派门业")),
      ("ent:zhejiang-keli", "visited", (0, "浙江科力等4家公司")),
      ("ent:wangpai-door", "symposium", (0, "邀请王牌门业")),
      ("ent:kaiyang-door", "symposium", (0, "开洋门业")),
      ("ent:kerun-smart", "symposium", (0, "科润智能")),
      ("ent:zhejiang-xingcai", "symposium", (0, "浙江星菜等7家江山企业代表"))],
     "inst:zj-eit-innovation-division"),
    ("hangzhou-service-visit-2019-05-07", {
        "name": "赴杭州惠优科技、虹软股份走访交流", "event_type": "expert_visit", "place": "杭州",
        "region": "杭州", "start_date": "2019-05-07", "end_date": "2019-05-07", "firms": 2,
        "status": "held"},
     [Q(0, "赴杭州惠优科技、虹软股份有限公司")],
     [("ent:huiyou-tech", "visited", (0, "赴杭州惠优科技")),
      ("ent:arcsoft", "visited", (0, "虹软股份有限公司"))], "inst:zj-eit-innovation-division"),
    ("keqiao-service-visit-2019-05-13", {
        "name": "赴柯桥帮扶指导印染企业制造业创新中心建设", "event_type": "expert_visit", "place": "柯桥",
        "region": "柯桥区", "start_date": "2019-05-13", "end_date": "2019-05-13", "status": "held"},
     [Q(0, "赴柯桥区迎丰科技、红绿蓝等印染企业帮扶指导制造业创新中心建设")],
     [("ent:yingfeng-tech", "visited", (0, "赴柯桥区迎丰科技")),
      ("ent:honglvlan", "visited", (0, "红绿蓝等印染企业"))], "inst:zj-eit-innovation-division"),
    ("tongxiang-haiyan-visit-2019-05-17", {
        "name": "赴桐乡、海盐“三服务”走访", "event_type": "expert_visit", "place": "桐乡、海盐",
        "region": "嘉兴", "start_date": "2019-05-17", "end_date": "2019-05-17", "firms": 4,
        "status": "held",
        "description": "察看智能制造新模式项目进展、5G智能车间建设应用；讲解单项冠军和国家企业技术中心申报条件。"},
     [Q(0, "5月17日，我处赴桐乡和海盐两地开展“三服务”活动")],
     [("ent:jushi", "visited", (0, "走访服务巨石")),
      ("ent:xinfengming", "visited", (0, "新凤鸣")),
      ("ent:hengfeng-tools", "visited", (0, "恒峰工具")),
      ("ent:haili-group", "visited", (0, "浙江海利集团等4家企业"))],
     "inst:zj-eit-innovation-division"),
    ("am-centre-study-visit-2019", {
        "name": "赴增材制造国家制造业创新中心调研学习", "event_type": "other", "place": "西安",
        "region": "西安", "status": "held"},
     [Q(0, "并带浙江省北大信息技术高等研究院赴“增材制造国家制造业创新中心”调研学习")],
     [("inst:pku-itai-zhejiang", "visitor", (0, "并带浙江省北大信息技术高等研究院赴")),
      ("inst:national-am-innovation-centre", "host", (0, "增材制造国家制造业创新中心"))],
     "inst:zj-eit-innovation-division"),
    ("zj-mfg-innovation-centre-symposium-2019-03", {
        "name": "全省制造业创新中心企业座谈会", "event_type": "conference", "region": "浙江省",
        "start_date": "2019-03-01", "status": "held",
        "description": "2019年3月召开（具体日期种子文档未载，记为当月1日）。"},
     [Q(0, "3月份召开全省制造业创新中心企业座谈会")], [], "inst:zj-eit-innovation-division"),
    ("ai-cloud-ecosystem-conference-2019", {
        "name": "“智涌钱塘”2019人工智能云生态大会", "event_type": "conference", "place": "杭州",
        "region": "杭州", "status": "held", "organiser": "海康威视"},
     [Q(0, "计划3月底举办“智涌钱塘”2019人工智能云生态大会")],
     [("ent:zhongdian-group", "co_organiser", (0, "会同中电集团讨论形成大会议程")),
      ("inst:yrd-im-alliance", "supporter", (0, "协调长三角智能制造联盟作为支持单位"))],
     "ent:hikvision"),
    ("china-intelligent-manufacturing-summit-8", {
        "name": "第八次中国智能制造高峰论坛", "event_type": "conference", "region": "温州",
        "status": "held", "organiser": "温州市智能制造研究院"},
     [Q(0, "支持温州市智能制造研究院举办第八次中国智能制造高峰论坛")], [],
     "inst:wenzhou-im-institute"),
    ("deqing-iov-gis-seminar-2019-06-15", {
        "name": "2019年全国“车联网+地理信息”产业高端研讨会", "event_type": "conference",
        "place": "德清", "region": "德清县", "start_date": "2019-06-15", "end_date": "2019-06-15",
        "status": "held", "description": "在全国率先发布全域开发等7条政策。"},
     [Q(0, "指导德清县于6月15日召开了2019年全国“车联网+地理信息”产业高端研讨会")],
     [("inst:cesi", "guide", (0, "协调对接电子标准院、华为等单位与德清县开展对接合作")),
      ("ent:huawei", "guide", (0, "协调对接电子标准院、华为等单位与德清县开展对接合作"))], None),
    ("zhejiang-innovation-contest", {
        "name": "中国创新创业大赛(浙江赛区)暨浙江省“火炬杯”创新创业大赛", "event_type": "fair",
        "region": "浙江省", "status": "held", "organiser": "浙江省科学技术厅"},
     [Q(1, "中国创新创业大赛(浙江赛区)暨浙江省“火炬杯”创新创业大赛")], [], "inst:zj-sci-tech-dept"),
    ("province-academy-docking", {
        "name": "省院合作成果推广对接活动", "event_type": "fair", "region": "浙江省", "status": "held",
        "description": "收集整理企业需求，以需求导向凝练合作项目，匹配科研院所；分区域、分专业组织成果推广与对接。"},
     [Q(1, "以需求导向凝练合作项目,匹配科研院所")], [], "inst:zj-sci-tech-dept"),
    ("shaoxing-challenge-list-2023", {
        "name": "绍兴市“双尖双领”攻关需求征集与榜单凝练", "event_type": "other", "region": "绍兴",
        "projects": 23, "status": "closed", "figures": [
            F("needs", 164, "项", 3, "重大攻关需求164 项", label="申报的省“双尖双领”重大攻关需求"),
            F("projects", 23, "项", 3, "攻关榜单23 项", label="凝练的攻关榜单")],
        "description": "组织申报省“双尖双领”重大攻关需求164项，凝练“进口替代”“技术领跑”攻关榜单23项。"},
     [Q(3, "凝练“进口替代”“技术领跑”攻关榜单23 项")], [], None),
    ("shandong-key-firm-problem-triage-2019-12", {
        "name": "山东省重点企业困难问题梳理与协调", "event_type": "service_event", "region": "山东省",
        "start_date": "2019-12-01", "firms": 54, "status": "closed", "figures": [
            F("firms", 54, "家", 4, "54家重点企业", label="重点企业"),
            F("problems", 100, "条", 4, "近百条困难问题", qualifier="nearly", label="困难问题")],
        "description": "对54家重点企业反映的近百条困难问题进行梳理，印发各部门协调解决并台账销号管理。"},
     [Q(4, "我们对54家重点企业反应的近百条困难问题进行梳理")], [], "inst:shandong-miit"),
    ("huzhou-zheshang-support-series", {
        "name": "“我为企业送一计”“我为企业解一难”“助力浙商”系列活动", "event_type": "service_event",
        "place": "湖州", "region": "湖州", "status": "held", "organiser": "省直服务组第五组"},
     [Q(2, "在湖州组织开展了“我为企业送一计”、“我为企业解一难”等“助力浙商”系列活动")], [], None),
    ("quzhou-zheshang-return-visits", {
        "name": "省直服务组第八组衢州“双服务”走访浙商回归企业", "event_type": "expert_visit",
        "place": "衢州", "region": "衢州", "status": "held", "organiser": "省直服务组第八组",
        "figures": [F("firms", 20, "家", 2, "深入20余家浙商回归企业", qualifier="more_than",
                      label="浙商回归企业")],
        "description": "深入20余家浙商回归企业，听取意见建议，现场解决或帮助协调难题。"},
     [Q(2, "省直服务组第八组在衢州开展“双服务”期间，深入20余家浙商回归企业")], [], None),
    ("commerce-policy-training", {
        "name": "商务促进政策培训班", "event_type": "conference", "place": "杭州", "region": "杭州",
        "status": "held", "organiser": "浙江省商务厅",
        "description": "为杭州市、县（市、区）商务管理部门人员和进出口企业负责人开办。"},
     [Q(2, "开办了“商务促进政策培训班”")], [], None),
    ("shandong-cadres-to-grassroots", {
        "name": "山东省千名干部下基层服务民营企业", "event_type": "service_event", "region": "山东省",
        "status": "held", "organiser": "山东省委组织部等", "figures": [
            F("cadres", 1000, "名", 4, "近千名党员干部", qualifier="nearly", label="省直部门党员干部"),
            F("firms", 170, "户", 4, "170户民营企业", label="民营企业"),
            F("firms", 30, "户", 4, "30户省属企业", label="省属企业")],
        "description": "选派省直部门（单位）近千名党员干部，服务170户民营企业和30户省属企业，服务时间为两年。"},
     [Q(4, "选派省直部门(单位)近千名党员干部"), Q(4, "250个村、170户民营企业和30户省属企业")], [], None),
    ("shandong-whitelist-push-2019", {
        "name": "山东省“白名单”企业金融机构推介", "event_type": "service_event", "region": "山东省",
        "firms": 311, "status": "held", "figures": [
            F("firms", 311, "家", 4, "白名单”企业311家", label="“白名单”企业"),
            F("funds", 1180, "亿元", 4, "资金1180亿元", label="资金")],
        "description": "联合省金融办、人民银行向金融机构推介“白名单”企业311家，资金1180亿元。"},
     [Q(4, "向金融机构推介“白名单”企业311家,资金1180亿元")], [], "inst:shandong-miit"),
]


def event_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for slug, props, quotes, participants, organiser in EVENTS:
        eid = f"evt:{slug}"
        figures = [{k: v for k, v in f.items() if k != "doc"} for f in props.get("figures", [])]
        nodes.append(node("Event", eid, {**props, "figures": figures},
                          *quotes, *(Q(f["doc"], f["quote"]) for f in props.get("figures", []))))
        region = _region_slug(props.get("region"))
        if region:
            edges.append(edge(eid, "located_in", f"reg:{region}", None, quotes[0]))
        for actor, role, quote in participants:
            edges.append(edge(actor, "participated_in", eid, {"role": role}, Q(*quote)))
        if organiser:
            edges.append(edge(eid, "organised_by", organiser, None, quotes[0]))
    return nodes, edges


def _region_slug(name: str | None) -> str | None:
    from duijie.seed_data.build.vocabulary import REGIONS
    for slug, rname, _en, _level, _parent, synonyms, _q in REGIONS:
        if name and (name == rname or name in synonyms.split("|")):
            return slug
    return None
