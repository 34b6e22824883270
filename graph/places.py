"""A small gazetteer of Chinese place names, for stripping and comparing regions.

Organisation names start with places (浙江省, 嘉兴, 江山) or carry them in brackets
(精功（绍兴）复合材料); records carry a free-text region (嘉兴市海盐县). Entity
resolution needs both: to strip the place from the name and to tell whether two
regions agree (嘉兴 / 海盐: the county lies in the city), are merely compatible
(浙江 / 嘉兴) or conflict (宁波 / 嘉兴). The list covers every province, the
prefecture-level cities of Zhejiang and Shaanxi with Zhejiang's counties, and the
large cities elsewhere; unknown places still compare as plain text.

>>> place_path("海盐")
('浙江', '嘉兴', '海盐')
>>> compare_regions({"嘉兴"}, {"浙江", "海盐"})
('agree', '嘉兴')
>>> compare_regions({"宁波"}, {"嘉兴"})[0]
'conflict'
>>> find_places("嘉兴市海盐县")
['嘉兴', '海盐']
"""

from __future__ import annotations

from functools import lru_cache

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门",
]

# Zhejiang in full (city -> counties and districts often used in firm names).
ZHEJIANG = {
    "杭州": ["萧山", "余杭", "滨江", "临平", "富阳", "临安", "桐庐", "淳安", "建德", "西湖",
             "拱墅", "上城", "钱塘"],
    "宁波": ["余姚", "慈溪", "奉化", "象山", "宁海", "鄞州", "镇海", "北仑", "江北", "海曙"],
    "温州": ["乐清", "瑞安", "永嘉", "平阳", "苍南", "文成", "泰顺", "龙港", "鹿城", "瓯海",
             "龙湾", "洞头"],
    "嘉兴": ["海宁", "平湖", "桐乡", "嘉善", "海盐", "南湖", "秀洲"],
    "湖州": ["德清", "长兴", "安吉", "吴兴", "南浔"],
    "绍兴": ["诸暨", "嵊州", "新昌", "上虞", "柯桥", "越城"],
    "金华": ["义乌", "东阳", "永康", "兰溪", "武义", "浦江", "磐安", "婺城", "金东"],
    "衢州": ["江山", "常山", "开化", "龙游", "柯城", "衢江"],
    "舟山": ["岱山", "嵊泗", "定海", "普陀"],
    "台州": ["临海", "温岭", "玉环", "天台", "仙居", "三门", "椒江", "黄岩", "路桥"],
    "丽水": ["龙泉", "青田", "缙云", "遂昌", "松阳", "云和", "庆元", "景宁", "莲都"],
}

# Other provinces: prefecture-level cities (and a few county-level cities known for
# industry). Not complete; enough for firm names met in docking work.
CITIES = {
    "江苏": ["南京", "苏州", "无锡", "常州", "镇江", "扬州", "泰州", "南通", "盐城", "淮安",
             "宿迁", "徐州", "连云港", "昆山", "江阴", "张家港", "常熟", "宜兴", "太仓"],
    "广东": ["广州", "深圳", "珠海", "佛山", "东莞", "中山", "惠州", "江门", "肇庆", "汕头",
             "湛江", "茂名", "揭阳", "潮州", "清远", "韶关", "梅州", "顺德"],
    "山东": ["济南", "青岛", "烟台", "潍坊", "淄博", "威海", "临沂", "济宁", "泰安", "德州",
             "聊城", "滨州", "东营", "日照", "枣庄", "菏泽"],
    "陕西": ["西安", "宝鸡", "咸阳", "渭南", "铜川", "延安", "榆林", "汉中", "安康", "商洛",
             "杨凌"],
    "河南": ["郑州", "洛阳", "开封", "新乡", "许昌", "南阳", "安阳", "焦作", "平顶山", "商丘"],
    "湖北": ["武汉", "宜昌", "襄阳", "十堰", "荆州", "黄石", "孝感", "应城"],
    "湖南": ["长沙", "株洲", "湘潭", "衡阳", "岳阳", "常德"],
    "四川": ["成都", "绵阳", "德阳", "宜宾", "泸州", "自贡", "攀枝花", "乐山", "南充"],
    "福建": ["福州", "厦门", "泉州", "漳州", "莆田", "龙岩", "三明", "晋江"],
    "安徽": ["合肥", "芜湖", "蚌埠", "马鞍山", "安庆", "滁州", "铜陵", "淮南", "阜阳", "凤阳"],
    "江西": ["南昌", "赣州", "九江", "景德镇", "上饶", "宜春"],
    "河北": ["石家庄", "唐山", "保定", "邯郸", "廊坊", "沧州", "秦皇岛", "张家口", "邢台"],
    "山西": ["太原", "大同", "长治", "晋城", "运城", "临汾"],
    "辽宁": ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口"],
    "吉林": ["长春", "吉林市", "四平"],
    "黑龙江": ["哈尔滨", "齐齐哈尔", "大庆", "牡丹江", "佳木斯"],
    "内蒙古": ["呼和浩特", "包头", "鄂尔多斯", "赤峰"],
    "广西": ["南宁", "柳州", "桂林", "北海"],
    "贵州": ["贵阳", "遵义"],
    "云南": ["昆明", "曲靖", "玉溪"],
    "甘肃": ["兰州", "天水", "酒泉"],
    "新疆": ["乌鲁木齐", "克拉玛依"],
    "海南": ["海口", "三亚"],
    "宁夏": ["银川"],
    "青海": ["西宁"],
    "西藏": ["拉萨"],
}

_PATHS: dict[str, tuple[str, ...]] = {p: (p,) for p in PROVINCES}
_PATHS["内蒙"] = ("内蒙古",)  # as listings write it
for _city, _counties in ZHEJIANG.items():
    _PATHS[_city] = ("浙江", _city)
    for _county in _counties:
        _PATHS.setdefault(_county, ("浙江", _city, _county))
for _prov, _cities in CITIES.items():
    for _city in _cities:
        _PATHS.setdefault(_city.removesuffix("市"), (_prov, _city.removesuffix("市")))

PLACE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省",
                  "市", "区", "县")
PLACES = sorted(_PATHS, key=len, reverse=True)
"""Every known place name without its 省/市/县 suffix, longest first."""
_PLACE_LENGTHS = sorted({len(p) for p in PLACES}, reverse=True)


def place_path(place: str) -> tuple[str, ...] | None:
    """(province, city, county) down to the place itself, or None if unknown."""
    return _PATHS.get(place)


@lru_cache(maxsize=100_000)
def match_place(text: str) -> tuple[str, int] | None:
    """The known place `text` starts with, and how many characters it takes (with
    its 省/市/县 suffix), or None.

    >>> match_place("浙江省北大信息技术高等研究院")
    ('浙江', 3)
    """
    for size in _PLACE_LENGTHS:  # longest first: 嘉兴市 before 嘉
        place = text[:size]
        if len(place) == size and place in _PATHS:
            end = size
            for suffix in PLACE_SUFFIXES:
                if text.startswith(suffix, end):
                    end += len(suffix)
                    break
            return place, end
    return None


@lru_cache(maxsize=100_000)
def find_places(text: str) -> list[str]:
    """Known places named anywhere in `text`, left to right, longest match first."""
    found: list[str] = []
    i = 0
    while i < len(text):
        hit = match_place(text[i:])
        if hit:
            found.append(hit[0])
            i += hit[1]
        else:
            i += 1
    return found


def compare_regions(a: set[str] | frozenset[str], b: set[str] | frozenset[str]
                    ) -> tuple[str, str]:
    """('agree' | 'compatible' | 'conflict' | 'unknown', the place that decided it).

    Places are compared at the finest level both sides know: the same city (or a
    county inside it) agrees; a province and a city inside it are compatible;
    different cities or provinces conflict. Unknown places agree only when equal.
    """
    if not a or not b:
        return "unknown", ""
    common = a & b
    paths_a = _finest(frozenset(a))
    paths_b = _finest(frozenset(b))
    if not paths_a or not paths_b:
        return ("agree", min(common)) if common else ("unknown", "")
    verdicts = []
    for pa in paths_a:
        for pb in paths_b:
            depth = min(len(pa), len(pb))
            if pa[:depth] != pb[:depth]:
                verdicts.append(("conflict", f"{pa[-1]} / {pb[-1]}"))
            elif depth >= 2:
                verdicts.append(("agree", pa[depth - 1]))
            else:
                verdicts.append(("compatible", pa[0]))
    for wanted in ("agree", "conflict", "compatible"):
        for verdict in verdicts:
            if verdict[0] == wanted:
                return verdict
    return "unknown", ""  # pragma: no cover - verdicts is never empty here


@lru_cache(maxsize=50_000)
def _finest(places: frozenset[str]) -> list[tuple[str, ...]]:
    """Known paths of `places`, leaving out those another one refines (浙江 when 嘉兴)."""
    paths = {place_path(p) for p in places} - {None}
    return sorted(p for p in paths
                  if not any(q != p and q[:len(p)] == p for q in paths))  # type: ignore[misc]
