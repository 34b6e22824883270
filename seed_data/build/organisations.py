# ruff: noqa: E501 - data tables: long Chinese lines read better whole
"""Institutes and the real enterprises the seed documents name.

Organisations a seed names carry its quote (two quotes where it spells the name
two ways). A few real Xi'an institutes the seeds do not name are kept with their
name, type and place only, sourced to their public websites (`P`). A real
organisation carries nothing else: its fields (`has_expertise`) are the ones its
quote or its own name states, and every edge from it carries the same sources.
Invented organisations, people and facts live in `illustrative.py` and `xian.py`.
"""

from __future__ import annotations

from typing import Any

from duijie.seed_data.build.common import P, Q, edge, node

# slug, name, type, region slug, aliases, topic slugs, description, quotes, parent slug, country
INSTITUTES: list[tuple[str, str, str, str, str, str, str, list, str | None, str]] = [
    # -- real institutes in Xi'an the seeds do not name: name, type and place from their
    #    public websites, nothing else (no fields, no people, no part in any event) -----
    ("xian-jiaotong-university", "西安交通大学", "university", "xian", "西安交大", "",
     "种子文档记载其与嵊州共建长三角新能源产教融合研究院，与诸暨共建西交网络空间安全研究院。",
     [Q(3, "西安交大共建长三角新能源产教融合研究院"), P("https://www.xjtu.edu.cn/", "西安交通大学，位于西安")],
     None, "中国"),
    ("northwestern-polytechnical-university", "西北工业大学", "university", "xian", "西工大", "", "",
     [P("https://www.nwpu.edu.cn/", "西北工业大学，位于西安")], None, "中国"),
    ("xidian-university", "西安电子科技大学", "university", "xian", "西电", "", "",
     [P("https://www.xidian.edu.cn/", "西安电子科技大学，位于西安")], None, "中国"),
    ("xian-institute-of-optics", "中国科学院西安光学精密机械研究所", "research_institute", "xian",
     "西安光机所|中科院西安光机所", "", "",
     [P("http://www.opt.cas.cn/", "中国科学院西安光学精密机械研究所，位于西安")], None, "中国"),
    ("northwest-institute-nonferrous", "西北有色金属研究院", "research_institute", "xian", "", "", "",
     [P("http://www.c-nin.com/", "西北有色金属研究院，位于西安")], None, "中国"),
    ("xian-university-of-technology", "西安理工大学", "university", "xian", "西理工", "", "",
     [P("https://www.xaut.edu.cn/", "西安理工大学，位于西安")], None, "中国"),
    ("changan-university", "长安大学", "university", "xian", "", "", "",
     [P("https://www.chd.edu.cn/", "长安大学，位于西安")], None, "中国"),
    ("national-am-innovation-centre", "增材制造国家制造业创新中心", "innovation_centre", "xian",
     "国家增材制造创新中心", "additive-manufacturing",
     "种子文档记载技术创新处带浙江省北大信息技术高等研究院赴该中心调研学习。",
     [Q(0, "赴“增材制造国家制造业创新中心”调研学习")], None, "中国"),
    # -- named in the seeds: what the quoted sentence says, fields only where it (or the
    #    organisation's own name) says them ---------------------------------------------
    ("zhejiang-university", "浙江大学", "university", "hangzhou", "浙大", "",
     "种子文档记载省直服务组帮助金华豪庭家具公司联系浙江大学专家。",
     [Q(2, "带队领导及时帮助联系浙江大学专家")], None, "中国"),
    ("zju-silk-centre", "蚕丝蛋白微纳材料创新中心", "innovation_centre", "shengzhou", "",
     "silk-protein", "浙江大学动物科学学院与嵊州共建。",
     [Q(3, "浙江大学动物科学学院共建蚕丝蛋白微纳材料创新中心")], "zhejiang-university", "中国"),
    ("zju-semiconductor-centre", "浙大半导体材料联合创新中心", "innovation_centre", "shangyu", "",
     "semiconductor-materials", "上虞区签约落地的浙江大学半导体材料联合创新中心。",
     [Q(3, "浙大半导体材料联合创新中心签约落地")], "zhejiang-university", "中国"),
    ("zhejiang-university-of-technology", "浙江工业大学", "university", "hangzhou", "浙工大",
     "digital-inkjet-printing",
     "种子文档记载浙工大团队研发超高速纺织数码喷墨印花活性染料墨水，上浆量为现有数码的50%。",
     [Q(0, "浙工大高从塔院士牵头研发的超高速纺织数码喷墨印花活性染料墨水")], None, "中国"),
    ("pku-itai-zhejiang", "浙江省北大信息技术高等研究院", "research_institute", "hangzhou",
     "北大信息技术高等研究院", "",
     "种子文档记载技术创新处带其赴增材制造国家制造业创新中心调研学习。",
     [Q(0, "并带浙江省北大信息技术高等研究院赴")], None, "中国"),
    ("wenzhou-im-institute", "温州市智能制造研究院", "research_institute", "wenzhou", "",
     "intelligent-manufacturing", "举办第八次中国智能制造高峰论坛。",
     [Q(0, "支持温州市智能制造研究院举办第八次中国智能制造高峰论坛")], None, "中国"),
    ("cesi", "中国电子技术标准化研究院", "research_institute", "beijing", "电子标准院",
     "standards-testing connected-vehicles", "协调赴德清指导国家智能网联汽车先导区创建。",
     [Q(0, "对接电子标准院、华为等单位")], None, "中国"),
    ("yrd-im-alliance", "长三角智能制造联盟", "association", "shanghai", "",
     "intelligent-manufacturing", "作为“智涌钱塘”人工智能大会的支持单位。",
     [Q(0, "协调长三角智能制造联盟作为支持单位")], None, "中国"),
    ("zj-semiconductor-association", "浙江省半导体行业协会", "association", "hangzhou",
     "省半导体行业协会", "", "牵头提出长川科技省级制造业创新中心的联盟组建方案。",
     [Q(0, "由省半导体行业协会牵头")], None, "中国"),
    ("zj-tech-innovation-service-centre", "浙江省技术创新服务中心", "platform", "hangzhou", "",
     "", "会同金华市经信局以推介会形式组织新技术推广。",
     [Q(0, "会同浙江省技术创新服务中心以推介会的形式组织推广")], None, "中国"),
    ("casisd", "中国科学院科技战略咨询研究院", "research_institute", "beijing",
     "中国科学院发展战略研究院", "innovation-policy", "参与长三角科技智库联合协作机制。",
     [Q(1, "联合中国科学院发展战略研究院")], None, "中国"),
    ("shanghai-institute-of-science", "上海市科学学研究所", "research_institute", "shanghai", "",
     "innovation-policy", "参与长三角科技智库联合协作机制。",
     [Q(1, "上海市科学学研究所")], None, "中国"),
    ("jiangsu-strategy-institute", "江苏省科技发展战略研究院", "research_institute", "nanjing", "",
     "innovation-policy", "参与长三角科技智库联合协作机制。",
     [Q(1, "江苏省科技发展战略研究院")], None, "中国"),
    ("sjtu", "上海交通大学", "university", "shanghai", "", "", "在越城区共建研究院。",
     [Q(3, "依托浙江大学、上海交通大学等11")], None, "中国"),
    ("tongji-university", "同济大学", "university", "shanghai", "", "", "与嵊州共建创新中心。",
     [Q(3, "同济大学嵊州共建创新中心")], None, "中国"),
    ("shaoxing-vocational-college", "绍兴职业技术学院", "university", "yuecheng", "",
     "talent-development", "与越城区共建产教联合体。",
     [Q(3, "与绍兴职业技术学院共建")], None, "中国"),
    ("shaoxing-ic-innovation-centre", "省级集成电路产业创新中心（越城）", "innovation_centre", "yuecheng",
     "省级集成电路产业创新中心", "integrated-circuits", "越城区加快建设的省级集成电路产业创新中心。",
     [Q(3, "加快建设省级集成电路产业创新中心")], None, "中国"),
    ("cao-e-river-lab", "曹娥江实验室", "laboratory", "shangyu", "", "", "上虞区推进建设的实验室。",
     [Q(3, "推进曹娥江实验室建设")], None, "中国"),
    ("huanjiang-lab", "浣江实验室", "laboratory", "zhuji", "", "", "诸暨市与浙江大学等签约共建。",
     [Q(3, "签约共建浣江实验室")], None, "中国"),
    ("china-russia-zhuji-lab", "中俄(诸暨)国际实验室", "laboratory", "zhuji", "中俄（诸暨）国际实验室",
     "", "诸暨市签约共建的国际实验室。", [Q(3, "中俄(诸暨)国际实验室")], None, "中国"),
    ("xjtu-cyberspace-institute", "西交网络空间安全研究院", "research_institute", "zhuji", "",
     "cybersecurity", "诸暨市与西安交通大学共建的研究院。",
     [Q(3, "西交网络空间安全研究院")], "xian-jiaotong-university", "中国"),
    ("yrd-new-energy-institute", "长三角新能源产教融合研究院", "research_institute", "shengzhou",
     "", "", "西安交大与嵊州达成合作意向共建。",
     [Q(3, "西安交大共建长三角新能源产教融合研究院")], "xian-jiaotong-university", "中国"),
    ("zj-modern-textile-centre", "浙江省现代纺织技术创新中心", "innovation_centre", "keqiao",
     "省现代纺织技术创新中心", "textiles",
     "集聚高端人才290余人，牵头实施关键技术攻关项目120余项。",
     [Q(3, "稳步推进省现代纺织技术创新中心建设"), Q(3, "集聚高端人才290 余人")], None, "中国"),
    ("guoke-pilot-base", "国科中试基地", "platform", "shangyu", "", "", "全周期项目管理和全链条孵化。",
     [Q(3, "推动国科中试基地全周期项目管理")], None, "中国"),
    ("weifang-maglev-institute", "潍坊磁悬浮产业技术研究院", "research_institute", "weifang", "",
     "", "被推荐争取列入山东产业技术研究院。", [Q(4, "推荐潍坊磁悬浮产业技术研究院等4家单位")],
     None, "中国"),
    ("shandong-industrial-tech-research", "山东产业技术研究院", "research_institute", "jinan", "",
     "", "山东省产业技术研究平台。", [Q(4, "积极争取列入山东产业技术研究院")], None, "中国"),
    ("zj-rural-credit-union", "浙江省农村信用社联合社", "financial", "hangzhou", "省农信联社",
     "tech-finance", "在湖州成立全省首家小微企业信贷服务机构。",
     [Q(2, "省农信联社在湖州成立了全省首家小微企业信贷服务机构")], None, "中国"),
    ("czbank", "浙商银行", "financial", "hangzhou", "", "tech-finance",
     "在工业机器人推介会上推介融资融物融服务。", [Q(0, "浙商银行融资融物融服务")], None, "中国"),
    ("miit-sci-dept", "工业和信息化部科技司", "government", "beijing", "工信部科技司",
     "innovation-policy", "指导德清国家智能网联汽车先导区创建。",
     [Q(0, "协调工信部科技司领导到德清2次开展工作指导")], None, "中国"),
    ("zj-market-regulation", "浙江省市场监督管理局", "government", "hangzhou", "省市场监管局",
     "standards-testing", "协商网易严选品牌与“品字标”互认。",
     [Q(0, "走访省市场监管局质量运行处")], None, "中国"),
    ("zj-eit-innovation-division", "浙江省经济和信息化厅技术创新处", "government", "hangzhou",
     "技术创新处（人工智能处）|技创处", "innovation-policy",
     "2019年上半年外出开展“三服务”活动17次，走访服务企业（单位）52家，帮助解决问题和困难29件。",
     [Q(0, "技术创新处（人工智能处）"), Q(0, "走访服务企业（单位）52家")], None, "中国"),
    ("zj-sci-tech-dept", "浙江省科学技术厅", "government", "hangzhou", "省科技厅",
     "innovation-policy", "组织“国合到家”、省院合作与产业创新地图等服务。",
     [Q(1, "浙江省科技厅党组")], None, "中国"),
    ("shandong-miit", "山东省工业和信息化厅", "government", "jinan", "山东省工信厅",
     "innovation-policy", "建立千户重点企业双向联系服务机制，梳理重点企业困难问题并台账销号。",
     [Q(4, "筛选出1268家作为省级双向联系服务重点")], None, "中国"),
    ("jinhua-eit-bureau", "金华市经济和信息化局", "government", "jinhua", "金华市经信局",
     "innovation-policy", "会同浙江省技术创新服务中心组织新技术推广。",
     [Q(0, "由金华市经信局会同浙江省技术创新服务中心")], None, "中国"),
]

# slug, name, region slug, industry slug, aliases, topic slugs, description, quotes, extra props
ENTERPRISES: list[tuple[str, str, str, str | None, str, str, str, list, dict]] = [
    ("ailaiyi", "艾莱依集团", "lishui", "textiles", "丽水艾莱依", "digital-workshop",
     "丽水艾莱依数字工程项目。", [Q(0, "走访艾莱依集团"), Q(0, "针对丽水艾莱依数字工程项目建设")], {}),
    ("xinyun-wood", "浙江新云木业", "lishui", "wood", "", "wood-processing", "",
     [Q(0, "浙江新云木业")], {}),
    ("jincheng-wood", "云和金成木业", "yunhe", "wood", "", "wood-processing", "",
     [Q(0, "云和金成木业")], {}),
    ("fulida-crafts", "景宁富利达木制工艺品", "jingning", "wood", "", "wood-processing", "",
     [Q(0, "景宁富利达木制工艺品")], {}),
    ("zhongteng-electric", "浙江众腾电器", "lishui", None, "", "", "",
     [Q(0, "浙江众腾电器")], {}),
    ("songyang-tea-iot-base", "松阳新兴镇物联网茶园种植基地", "songyang", "agriculture", "",
     "tea-iot", "物联网茶园种植基地。", [Q(0, "松阳新兴镇物联网茶园种植基地")], {}),
    ("ningbo-siasun-robot", "宁波新松机器人", "ningbo", "robotics", "", "industrial-robots",
     "在全省工业机器人新产品推介会上推介新产品。", [Q(0, "宁波新松机器人")], {}),
    ("ningbo-zhongke-lion-robot", "宁波中科莱恩机器人", "ningbo", "robotics", "",
     "industrial-robots", "", [Q(0, "宁波中科莱恩机器人")], {}),
    ("zhichang-robot", "浙江智昌机器人", "zhejiang", "robotics", "", "industrial-robots", "",
     [Q(0, "浙江智昌机器人")], {}),
    ("wanfeng-tech", "浙江万丰科技", "zhejiang", "robotics", "", "industrial-robots", "",
     [Q(0, "浙江万丰科技")], {}),
    ("wahaha-precision", "杭州娃哈哈精密机械", "hangzhou", "robotics", "",
     "industrial-robots", "", [Q(0, "杭州娃哈哈精密机械")], {}),
    ("hechuan-tech", "浙江禾川科技有限公司", "longyou", None, "禾川科技",
     "", "", [Q(0, "赴龙游走访浙江禾川科技有限公司")], {}),
    ("naite-glass", "浙江耐特玻璃科技有限公司", "longyou", "building-materials", "耐特玻璃", "", "",
     [Q(0, "浙江耐特玻璃科技有限公司")], {}),
    ("bote-bio", "浙江博特生物科技有限公司", "longyou", None, "博特生物", "", "",
     [Q(0, "浙江博特生物科技有限公司")], {}),
    ("tianji-transformer", "浙江天际互感器", "jiangshan", "electric-machinery", "天际互感器",
     "instrument-transformers digital-workshop", "推进智能制造。",
     [Q(0, "察看浙江天际互感器智能制造推进情况")], {}),
    ("jinkai-door", "浙江金凯门业", "jiangshan", "wood", "金凯门业", "wooden-doors", "",
     [Q(0, "走访浙江金凯门业")], {}),
    ("oupai-door", "江山欧派门业", "jiangshan", "wood", "欧派门业", "wooden-doors",
     "欧派年产120万套木门重点项目。",
     [Q(0, "江山欧派门业"), Q(0, "针对欧派年产120万套木门重点项目")], {}),
    ("zhejiang-keli", "浙江科力", "jiangshan", None, "", "", "", [Q(0, "浙江科力等4家公司")], {}),
    ("wangpai-door", "王牌门业", "jiangshan", "wood", "", "wooden-doors", "",
     [Q(0, "邀请王牌门业、开洋门业")], {}),
    ("kaiyang-door", "开洋门业", "jiangshan", "wood", "", "wooden-doors", "",
     [Q(0, "邀请王牌门业、开洋门业")], {}),
    ("kerun-smart", "科润智能", "jiangshan", None, "", "", "", [Q(0, "科润智能、浙江星菜")], {}),
    ("zhejiang-xingcai", "浙江星菜", "jiangshan", None, "", "", "", [Q(0, "科润智能、浙江星菜")],
     {}),
    ("huiyou-tech", "杭州惠优科技", "hangzhou", "software", "惠优科技", "medical-data",
     "建设智慧医疗数据平台。", [Q(0, "支持惠优科技智慧医疗数据平台")], {}),
    ("arcsoft", "虹软股份有限公司", "binjiang", "ai", "虹软股份|虹软",
     "artificial-intelligence", "建设人工智能开源开放平台。",
     [Q(0, "虹软股份人工智能开源开放平台建设")], {}),
    ("yingfeng-tech", "迎丰科技", "keqiao", "textiles", "", "dyeing-finishing",
     "印染企业，获帮扶指导制造业创新中心建设。", [Q(0, "赴柯桥区迎丰科技、红绿蓝等印染企业")], {}),
    ("honglvlan", "红绿蓝", "keqiao", "textiles", "", "dyeing-finishing", "印染企业。",
     [Q(0, "赴柯桥区迎丰科技、红绿蓝等印染企业")], {}),
    ("jushi", "巨石集团", "tongxiang", "glass-fibre", "巨石",
     "glass-fibre digital-workshop", "“玻璃纤维智能制造新模式”项目。",
     [Q(0, "针对巨石集团“玻璃纤维智能制造新模式”项目")], {}),
    ("xinfengming", "新凤鸣", "tongxiang", None, "", "",
     "", [Q(0, "走访服务巨石、新凤鸣")], {}),
    ("hengfeng-tools", "恒锋工具有限公司", "haiyan", "tools", "恒峰工具", "",
     "拟申报单项冠军示范企业和国家企业技术中心。",
     [Q(0, "与恒锋工具有限公司和浙江海利集团2家企业进行座谈"),
      Q(0, "恒峰工具、浙江海利集团等4家企业")], {}),
    ("haili-group", "浙江海利集团", "jiaxing", None, "海利集团", "",
     "拟申报单项冠军示范企业和国家企业技术中心。",
     [Q(0, "与恒锋工具有限公司和浙江海利集团2家企业进行座谈")], {}),
    ("dali-technology", "浙江大立科技", "hangzhou", "optoelectronics", "大立科技",
     "infrared-detection thermal-imaging", "红外热像仪与红外探测器企业（深交所上市，股票代码002214）；参加2019年5月西安精准对接活动。",
     [Q(0, "组织浙江大立科技、精功（绍兴）复合材料、湖州太平微特电机等11家企业赴西安"),
      P("https://www.szse.cn/", "浙江大立科技股份有限公司，深交所上市公司（002214），主营红外热像仪与非制冷红外探测器")],
     {"listed": True}),
    ("jinggong-composites", "精功（绍兴）复合材料", "shaoxing", "composites",
     "精功复合材料|精功(绍兴)复合材料", "composite-materials",
     "复合材料企业（见其名称），参加2019年5月西安精准对接活动。",
     [Q(0, "组织浙江大立科技、精功（绍兴）复合材料、湖州太平微特电机等11家企业赴西安")], {}),
    ("huzhou-taiping-motor", "湖州太平微特电机", "huzhou", "electric-machinery", "太平微特电机",
     "micro-motors", "微特电机企业（见其名称），参加2019年5月西安精准对接活动。",
     [Q(0, "组织浙江大立科技、精功（绍兴）复合材料、湖州太平微特电机等11家企业赴西安")], {}),
    ("huawei", "华为", None, "electronics", "华为技术有限公司", "connected-vehicles",
     "协调赴德清对接合作。", [Q(0, "对接电子标准院、华为等单位")], {}),
    ("hikvision", "海康威视", "hangzhou", "ai", "杭州海康威视数字技术股份有限公司",
     "artificial-intelligence", "举办“智涌钱塘”2019人工智能云生态大会；深交所上市公司（002415）。",
     [Q(0, "二是支持海康威视召开人工智能大会"), P("https://www.szse.cn/", "杭州海康威视数字技术股份有限公司，深交所上市公司（002415）")],
     {"listed": True}),
    ("zhongdian-group", "中电集团", None, "electronics", "", "",
     "种子文档原文写作“中电集团”，会同讨论形成人工智能大会议程。",
     [Q(0, "会同中电集团讨论形成大会议程")], {}),
    ("huadong-medicine", "华东医药", "hangzhou", "pharma", "", "",
     "反映国家级企业技术中心申报问题。", [Q(0, "华东医药申报国家级企业技术中心问题")], {}),
    ("jiaxipera", "加西贝拉压缩机有限公司", "jiaxing", "electric-machinery",
     "嘉兴加西贝拉|加西贝拉|嘉西贝拉|嘉兴嘉西贝拉", "compressors",
     "种子文档两处写法不同（加西贝拉 / 嘉西贝拉），为同一企业。",
     [Q(0, "针对华东医药和嘉兴加西贝拉等反映国家级企业技术中心相关问题"),
      Q(0, "嘉兴嘉西贝拉国家级企业技术中心统计数据口径问题")], {}),
    ("wolong", "卧龙集团", "shangyu", "electric-machinery", "", "high-efficiency-motors",
     "反映省高效电机制造业创新中心创建问题。", [Q(0, "卧龙集团省高效电机制造业创新中心创建问题")], {}),
    ("yatai-mechatronics", "浙江亚太机电", "hangzhou", "auto", "亚太机电", "", "",
     [Q(0, "浙江亚太机电省级新产品项目未能在申请期内完成鉴定")], {}),
    ("netease-yanxuan", "网易严选", "binjiang", "consumer-goods", "", "",
     "发挥“引擎性公司”作用，助力传统制造业转型升级。",
     [Q(0, "要发挥网易严选作为“引擎性公司”作用")], {}),
    ("changchuan-tech", "长川科技", "hangzhou", "semiconductors", "", "",
     "创建省级制造业创新中心。", [Q(0, "四是指导长川科技创建省级制造业创新中心")], {}),
    ("jinguo-boiler", "金锅锅炉有限公司", "jinhua", "boilers", "金锅锅炉", "boilers",
     "希望对新技术推广提供支持。", [Q(0, "针对金锅锅炉有限公司希望对新技术推广提供支持的交办事项")], {}),
    ("haoting-furniture", "豪庭家具公司", "jinhua", "wood", "豪庭家具", "furniture-design",
     "新回归金华发展，提出提升工艺技术水平问题。", [Q(2, "针对新回归金华发展的豪庭家具公司")], {}),
]


def _list(text: str) -> list[str]:
    return [t for t in text.replace("|", " ").split() if t]


def institute_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for (slug, name, itype, region, aliases, topics, description, quotes, parent,
         country) in INSTITUTES:
        iid = f"inst:{slug}"
        nodes.append(node("Institute", iid, {
            "name": name, "institute_type": itype, "region": region_name(region),
            "country": country, "description": description}, *quotes,
            aliases=aliases.split("|") if aliases else ()))
        edges.append(edge(iid, "located_in", f"reg:{region}", None, *quotes))
        edges.extend(edge(iid, "has_expertise", f"topic:{t}", None, *quotes)
                     for t in _list(topics))
        if parent:
            edges.append(edge(iid, "part_of", f"inst:{parent}", None, *quotes))
    return nodes, edges


def enterprise_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges = [], []
    for slug, name, region, industry, aliases, topics, description, quotes, extra in ENTERPRISES:
        eid = f"ent:{slug}"
        nodes.append(node("Enterprise", eid, {
            "name": name, "region": region_name(region) if region else None,
            "industry": industry_name(industry) if industry else None,
            "description": description or None, **extra}, *quotes,
            aliases=aliases.split("|") if aliases else ()))
        if region:
            edges.append(edge(eid, "located_in", f"reg:{region}", None, *quotes))
        if industry:
            edges.append(edge(eid, "in_industry", f"ind:{industry}", None, *quotes))
        edges.extend(edge(eid, "has_expertise", f"topic:{t}", None, *quotes)
                     for t in _list(topics))
    return nodes, edges


def region_name(slug: str) -> str:
    from duijie.seed_data.build.vocabulary import REGIONS
    return next(r[1] for r in REGIONS if r[0] == slug)


def industry_name(slug: str) -> str:
    from duijie.seed_data.build.vocabulary import INDUSTRIES
    return next(r[1] for r in INDUSTRIES if r[0] == slug)
