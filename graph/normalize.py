"""Text normalisation for names: the keys entity resolution is built on.

Chinese organisation names are written by many hands: full-width letters,
traditional characters, legal-form suffixes (有限公司) and place names (浙江省,
绍兴, 精功（绍兴）复合材料) come and go. `core_name` strips those so that two
spellings of one firm meet; `brand_name` keeps only the distinctive words (恒锋 of
恒锋工具), so that firms sharing only industry words (金凯门业 / 欧派门业) stay
apart; `pinyin_key` finds homophones (恒峰 / 恒锋), which are only candidates.

>>> normalize_text("ＡＢＣ 科技（集團）")
'abc科技(集团)'
>>> core_name("浙江省北大信息技术高等研究院")
'北大信息技术高等研究院'
>>> core_name("恒锋工具有限公司"), core_name("恒峰工具")
('恒锋工具', '恒峰工具')
>>> core_name("精功（绍兴）复合材料有限公司")
'精功复合材料'
>>> core_name("杭州银行股份有限公司")  # the place is all that tells banks apart
'杭州银行'
>>> pinyin_key("恒锋工具") == pinyin_key("恒峰工具")
True
>>> brand_name("新松机器人"), brand_name("加西贝拉压缩机")
('新松', '加西贝拉')
>>> name_numbers("浙江测试12号科技有限公司"), name_numbers("杭州第十二机床厂")
((12,), (12,))
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

from duijie.graph.places import PROVINCES, match_place, place_path

__all__ = [
    "LEGAL_SUFFIXES",
    "PROVINCES",
    "brand_name",
    "char_readings",
    "core_name",
    "is_generic",
    "name_numbers",
    "name_places",
    "normalize_text",
    "organisation_keys",
    "parse_name",
    "pinyin_key",
    "pinyin_syllables",
    "to_simplified",
]

_T2S = opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s); other text passes unchanged.

    >>> to_simplified("紅外探測")
    '红外探测'
    """
    return _T2S.convert(text)

# Longest first, so 股份有限公司 is removed whole rather than leaving 股份.
LEGAL_SUFFIXES = sorted({
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团有限公司", "集团股份有限公司",
    "集团公司", "集团", "公司", "总公司", "有限合伙", "股份合作公司", "控股集团",
    "co.,ltd.", "co.,ltd", "co.ltd", "coltd", "co.", "ltd.", "ltd", "inc.", "inc",
    "corporation", "corp.", "corp", "limited", "group", "gmbh", "llc", "plc",
}, key=len, reverse=True)

# Words that say what a firm does, not which firm it is. A name made only of these
# (plus a place) keeps its place: 杭州银行 and 宁波银行 are different banks.
_INDUSTRY_TEXT = """
科技 技术 工具 电机 微特电机 门业 机器人 机械 电子 电器 电气 材料 复合材料 新材料 化工 化学
医药 制药 药业 生物 汽车 零部件 汽配 压缩机 纺织 印染 服装 服饰 食品 啤酒 饮料 味业 酒业
建材 建设 建筑 工程 能源 新能源 光电 光伏 绿能 半导体 信息 软件 网络 通信 通讯 数字 智能 智控
装备 设备 仪器 仪表 环保 环境 水务 实业 贸易 进出口 控股 投资 发展 物流 船舶 重工 重机 钢铁
金属 塑料 塑业 橡胶 管业 阀门 泵业 轴承 精密 精工 模具 五金 家具 家居 卫浴 照明 包装 印刷
纸业 造纸 农业 生态 电力 电缆 线缆 光学 传感 激光 航空 航天 大学 学院 研究院 研究所 研究中心
创新中心 实验室 高等 工业 交通 理工 师范 医科 农林 财经 科学院 中心 股份 产业 制造 制品
动力 节能 锂电 电池 纳米 涂料 陶瓷 玻璃 水泥 石化 石油 化纤 纤维 丝绸 皮革 鞋业 灯具
电子商务 互联网 大数据 人工智能 检测 认证 咨询 服务 设计 文化 传媒 教育 健康 医疗 器械
特种 紧固件 铸造 锻造 液压 数控 机床 刀具 量具 起重 针织 家纺 磁业 铜业 铝业 不锈钢 管道
空调 制冷 电梯 安防 消防 自动化 系统 集成电路 芯片 显示 银行 证券 保险 地产 置业 房地产
电工 电源 新材 高新 工贸 商贸 热电 燃气 风电 核电 车业 车辆 摩托车 电动车 轮胎 钢构 钢管
线业 工业大学 科技大学 理工大学 商学院 职业技术学院 医院 研究 协会 商会 联合会 平台
创新 处 厅 局 办公室 委员会 管委会
职业 职业技术 技术学院 工学院 师范 医学 医学院 中医药 中医 药科 外国语 外语 财经 政法 艺术 体育
民族 音乐 美术 戏剧 戏曲 舞蹈 电影 工商 经贸 经济 管理 商务 商业 林业 水利 矿业 警察 警官
司法 幼儿 高等专科学校 专科学校 专科 学校 城市 轻工 旅游 外事 海洋 海事 航运 应用 文理
开放大学 广播电视大学 技师 职工大学 职工 铁路局 铁路 铁道 邮电 石油 地质 冶金 城建 农林 畜牧
兽医 水产 粮食 药品 护理 卫生 康复 公安 安全 科学 动漫 演艺 新闻 出版 机电 民航 运输 商学
人文 社会 煤炭 城投 高速 机场 港口 港务 黄金 路桥 旅游 酒店 建工 交投 城建 水泥 煤业 煤电 电力
"""
INDUSTRY_WORDS = frozenset(_INDUSTRY_TEXT.split())
_CHINESE_SUFFIXES = frozenset(s for s in LEGAL_SUFFIXES if not s.isascii() and s != "公司")
_WORD_LENGTHS = sorted({len(w) for w in INDUSTRY_WORDS}, reverse=True)

_PUNCT = re.compile(r"[\s\-_·•.,，。、;；:：'\"“”‘’!！?？/\\|]+")
_BRACKETED = re.compile(r"[(\[][^)\]]*[)\]]")


@lru_cache(maxsize=200_000)
def normalize_text(text: str) -> str:
    """NFKC, traditional → simplified, lower case, Chinese brackets to ASCII, no spaces.

    >>> normalize_text("嘉興加西貝拉壓縮機")
    '嘉兴加西贝拉压缩机'
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = to_simplified(text)
    text = text.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    text = _PUNCT.sub("", text.lower())
    # Removing a space can leave a combining mark on a letter (A´ → a + ´): compose again.
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=200_000)
def is_generic(text: str) -> bool:
    """True if `text` is made only of industry words (大学, 工业大学, 银行 …).

    >>> is_generic("交通大学"), is_generic("交大")
    (True, False)
    """
    if not text:
        return True
    for size in _WORD_LENGTHS:
        if size <= len(text) and text[-size:] in INDUSTRY_WORDS and is_generic(text[:-size]):
            return True
    return False


def _strip_suffix(text: str) -> str | None:
    if text.endswith(("分公司", "子公司")):  # a branch is not its company: never strip it
        return None
    for suffix in LEGAL_SUFFIXES:  # longest first; a typo in one too (有限工司, 股分有限公司)
        if len(text) - len(suffix) >= 2 and (
                text.endswith(suffix) or (suffix in _CHINESE_SUFFIXES
                                          and _misspelt(text[-len(suffix):], suffix))):
            return text[: -len(suffix)]
    return None


def _misspelt(tail: str, word: str) -> bool:
    """One character of `word` swapped: for a homophone (公司 / 工司), or any
    character in a word of four or more (股份有限公可)."""
    if tail[-1] != word[-1] and tail[0] != word[0]:  # cheap: most tails share neither end
        return False
    wrong = [(a, b) for a, b in zip(tail, word, strict=True) if a != b]
    if len(wrong) != 1:
        return False
    a, b = wrong[0]
    return len(word) >= 4 or bool(set(char_readings(a)) & set(char_readings(b)))


def _strip_place(text: str) -> str | None:
    hit = match_place(text)
    if hit is None:
        return None
    rest = text[hit[1]:]
    # 浙江大学 keeps 浙江: without it only industry words would be left; 四川路桥 keeps
    # 四川: what is left (路桥) is itself only a place.
    if len(rest) < 2 or is_generic(rest) or _only_place(rest):
        return None
    return rest


def _only_place(text: str) -> bool:
    hit = match_place(text)
    return hit is not None and hit[1] == len(text)


_LEGAL_WORDS = frozenset({"集团", "股份", "控股", "有限", "有限公司", "集团公司"})


class ParsedName(NamedTuple):
    """A name taken apart: the core, the places it carries (leading or bracketed),
    what its brackets qualify it with (华东, 苏州校区), and its stem (the name
    without brackets and legal forms, places kept)."""

    core: str
    places: tuple[str, ...]
    qualifiers: tuple[str, ...]
    stem: str


@lru_cache(maxsize=200_000)
def parse_name(name: str) -> ParsedName:
    """Split an organisation name into core, places, bracket qualifiers and stem.

    >>> parse_name("中国石油大学（华东）")
    ParsedName(core='中国石油大学', places=(), qualifiers=('华东',), stem='中国石油大学')
    >>> parse_name("四川路桥建设集团股份有限公司")
    ParsedName(core='四川路桥建设', places=('四川',), qualifiers=(), stem='四川路桥建设')
    >>> parse_name("精功（绍兴）复合材料有限公司").places
    ('绍兴',)
    """
    text = normalize_text(name)
    places: list[str] = []
    qualifiers: list[str] = []
    for bracket in _BRACKETED.findall(text):
        inner = bracket[1:-1]
        if not inner or inner in _LEGAL_WORDS:
            continue
        if _only_place(inner):
            places.append(match_place(inner)[0])  # type: ignore[index]
        qualifiers.append(inner)
    unbracketed = _BRACKETED.sub("", text)
    if len(unbracketed) >= 2:
        text = unbracketed
    stem = text
    while (shorter := _strip_suffix(stem)) is not None:
        stem = shorter
    rest = stem
    leading: list[str] = []  # 浙江省杭州市: each place inside the one before
    while (hit := match_place(rest)) is not None and len(rest) - hit[1] >= 2:
        if leading and (place_path(hit[0]) or ())[:len(place_path(leading[-1]) or ())] \
                != place_path(leading[-1]):
            break  # 四川路桥建设: 路桥 is no place in 四川, it is the name
        leading.append(hit[0])
        rest = rest[hit[1]:]
    places.extend(leading)
    while True:
        shorter = _strip_suffix(text)
        if shorter is None:
            shorter = _strip_place(text)
        if shorter is None:
            break
        text = shorter
    return ParsedName(text, tuple(dict.fromkeys(places)), tuple(qualifiers), stem)


@lru_cache(maxsize=200_000)
def core_name(name: str) -> str:
    """The distinctive part of an organisation name: no legal form, no leading place.

    Bracketed parts (精功（绍兴）复合材料, 海利（集团）) are dropped too. A place is
    kept when only industry words, or only another place, would remain
    (西安交通大学, 四川路桥), and nothing is stripped that would leave fewer than two
    characters.
    """
    return parse_name(name).core


@lru_cache(maxsize=200_000)
def brand_name(core: str) -> str:
    """The core name without its trailing industry words (恒锋工具 → 恒锋).

    At least two characters are kept, so a generic core (杭州银行) keeps its place.
    """
    text = core
    while True:
        for size in _WORD_LENGTHS:
            if len(text) - size >= 2 and text[-size:] in INDUSTRY_WORDS:
                text = text[:-size]
                break
        else:
            return text


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN_NUMERAL = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
# A Chinese numeral counts as a number only as an ordinal (第三) or before a counter
# (四中, 二分厂, 七〇一研究所): 三一重工, 一汽 and 万向 are brands, not numbers.
_NUMBER = re.compile(rf"\d+|第[{_CN_NUMERAL}]+|[{_CN_NUMERAL}]+(?=[号厂所院期队中小分局处团]|研究)")


def _cn_number(text: str) -> int:
    """The value of a Chinese numeral: 十二 → 12, 一百零五 → 105, 七〇一 → 701."""
    if not any(c in _CN_UNITS for c in text):  # read digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, 0
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
        else:
            section += (digit or 1) * _CN_UNITS[c]
            digit = 0
    return total + section + digit


@lru_cache(maxsize=200_000)
def name_numbers(name: str) -> tuple[int, ...]:
    """The numbers a name carries, in order: digits, ordinals (第二) and numbered units
    (四中, 一分厂). Names that differ only by them are different organisations.

    >>> name_numbers("测试1号"), name_numbers("第二机床厂"), name_numbers("七〇一所")
    ((1,), (2,), (701,))
    >>> name_numbers("三一重工"), name_numbers("一汽解放")
    ((), ())
    """
    out = []
    for match in _NUMBER.finditer(normalize_text(name)):
        text = match.group().removeprefix("第")
        out.append(int(text) if text.isdigit() else _cn_number(text))
    return tuple(out)


@lru_cache(maxsize=200_000)
def name_places(name: str) -> frozenset[str]:
    """Places a name carries at its start or in brackets; a place inside the name
    (路桥 of 四川路桥, 江山 of 江山化工 after 浙江) is part of what it is called, not
    where it is, unless it leads.

    >>> sorted(name_places("精功（绍兴）复合材料有限公司"))
    ['绍兴']
    >>> sorted(name_places("西安交通大学")), sorted(name_places("四川路桥"))
    (['西安'], ['四川'])
    """
    return frozenset(parse_name(name).places)


@lru_cache(maxsize=50_000)
def char_readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the most common first (泊: po, bo).

    >>> char_readings("锋"), char_readings("泊")
    (('feng',), ('po', 'bo'))
    """
    return tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=200_000)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a normalised text; runs of letters/digits pass whole.

    Names whose characters each have one reading are read character by character
    (cached, fast); the others go through pypinyin's phrase-aware reading (长江 …).
    """
    norm = normalize_text(text)
    if norm and all("\u4e00" <= c <= "\u9fff" for c in norm):
        readings = [char_readings(c) for c in norm]
        if all(len(r) == 1 for r in readings):
            return tuple(r[0] for r in readings)
    return tuple(s for s in lazy_pinyin(norm, style=Style.NORMAL, errors="default")
                 if s.strip())


@lru_cache(maxsize=200_000)
def pinyin_key(text: str) -> str:
    """Toneless pinyin, syllables separated by spaces (so they can be split again).

    >>> pinyin_key("嘉西贝拉")
    'jia xi bei la'
    """
    return " ".join(pinyin_syllables(text))


def organisation_keys(name: str, aliases: list[str] | tuple[str, ...] = (),
                      credit_code: str | None = None) -> list[tuple[str, str]]:
    """The lookup keys stored with an organisation at write time.

    >>> organisation_keys("恒锋工具有限公司", ["恒峰工具"])[:3]
    [('norm', '恒锋工具有限公司'), ('core', '恒锋工具'), ('pinyin', 'heng feng gong ju')]
    """
    keys: list[tuple[str, str]] = []
    for text in [name, *aliases]:
        if not text:
            continue
        core = core_name(text)
        for key in (("norm", normalize_text(text)), ("core", core), ("pinyin", pinyin_key(core))):
            if key[1] and key not in keys:
                keys.append(key)
    if credit_code:
        keys.append(("credit", credit_code.strip().upper()))
    return keys
