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

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

from duijie.graph.places import PROVINCES, find_places, match_place

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
    "集团公司", "集团", "公司", "总公司", "分公司", "有限合伙", "股份合作公司", "控股集团",
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
"""
INDUSTRY_WORDS = frozenset(_INDUSTRY_TEXT.split())
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
    return _PUNCT.sub("", text.lower())


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
    for suffix in LEGAL_SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return None


def _strip_place(text: str) -> str | None:
    hit = match_place(text)
    if hit is None:
        return None
    rest = text[hit[1]:]
    # 浙江大学 keeps 浙江: without it only industry words would be left.
    if len(rest) < 2 or is_generic(rest):
        return None
    return rest


@lru_cache(maxsize=200_000)
def core_name(name: str) -> str:
    """The distinctive part of an organisation name: no legal form, no leading place.

    Bracketed parts (精功（绍兴）复合材料, 海利（集团）) are dropped too. A place is
    kept when only industry words would remain (西安交通大学), and nothing is stripped
    that would leave fewer than two characters.
    """
    text = normalize_text(name)
    unbracketed = _BRACKETED.sub("", text)
    if len(unbracketed) >= 2:
        text = unbracketed
    while True:
        shorter = _strip_suffix(text)
        if shorter is None:
            shorter = _strip_place(text)
        if shorter is None:
            return text
        text = shorter


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
    """Places a name carries: a leading one, a bracketed one, or one inside it.

    >>> sorted(name_places("精功（绍兴）复合材料有限公司"))
    ['绍兴']
    >>> sorted(name_places("西安交通大学"))
    ['西安']
    """
    return frozenset(find_places(normalize_text(name)))


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
