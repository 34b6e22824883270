"""Text normalisation for names: the keys entity resolution is built on.

Chinese organisation names are written by many hands: full-width letters,
traditional characters, legal-form suffixes (有限公司) and leading place names
(浙江省, 绍兴) come and go. `core_name` strips those so that two spellings of one
firm meet; `pinyin_key` finds homophones (恒峰 / 恒锋), which are only candidates.

>>> normalize_text("ＡＢＣ 科技（集團）")
'abc科技(集团)'
>>> core_name("浙江省北大信息技术高等研究院")
'北大信息技术高等研究院'
>>> core_name("恒锋工具有限公司"), core_name("恒峰工具")
('恒锋工具', '恒峰工具')
>>> pinyin_key("恒锋工具") == pinyin_key("恒峰工具")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_T2S = opencc.OpenCC("t2s")

# Longest first, so 股份有限公司 is removed whole rather than leaving 股份.
LEGAL_SUFFIXES = sorted([
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团有限公司", "集团股份有限公司",
    "集团公司", "集团", "公司", "总公司", "分公司", "厂", "co.,ltd.", "co.,ltd", "co.ltd",
    "co.", "ltd.", "ltd", "inc.", "inc", "corporation", "corp.", "corp", "limited",
    "group", "gmbh", "llc", "plc",
], key=len, reverse=True)

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门",
]
CITIES = [
    "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
    "西安", "济南", "青岛", "烟台", "潍坊", "淄博", "南京", "苏州", "无锡", "深圳", "广州",
    "武汉", "成都", "合肥", "义乌", "余姚", "慈溪", "诸暨", "嵊州", "新昌", "上虞", "柯桥",
    "萧山", "滨江", "余杭", "德清", "长兴", "安吉", "桐乡", "海宁", "海盐", "平湖", "龙游",
    "江山", "常山", "开化", "云和", "景宁", "松阳", "乐清", "瑞安", "永康", "东阳",
]
_PLACE_SUFFIX = ("省", "市", "自治区", "区", "县", "")
_PLACE_PREFIXES = sorted({p + s for p in PROVINCES + CITIES for s in _PLACE_SUFFIX},
                         key=len, reverse=True)
_PUNCT = re.compile(r"[\s\-_·•.,，。、;；:：'\"“”‘’!！?？/\\|]+")
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")


@lru_cache(maxsize=200_000)
def normalize_text(text: str) -> str:
    """NFKC, traditional → simplified, lower case, Chinese brackets to ASCII, no spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _T2S.convert(text)
    text = text.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    return _PUNCT.sub("", text.lower())


@lru_cache(maxsize=200_000)
def core_name(name: str) -> str:
    """The distinctive part of an organisation name: no legal form, no leading place.

    Bracketed place names (精功（绍兴）复合材料) are dropped too. If stripping would
    leave fewer than two characters, the fuller form is kept.
    """
    text = normalize_text(name)
    unbracketed = _BRACKETED.sub("", text)
    if len(unbracketed) >= 2:
        text = unbracketed
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text = text[: -len(suffix)]
                changed = True
                break
        for prefix in _PLACE_PREFIXES:
            if prefix and text.startswith(prefix) and len(text) - len(prefix) >= 2:
                text = text[len(prefix):]
                changed = True
                break
    return text


@lru_cache(maxsize=200_000)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of a normalised text; letters and digits pass through."""
    return "".join(lazy_pinyin(normalize_text(text), style=Style.NORMAL, errors="default"))


def organisation_keys(name: str, aliases: list[str] | tuple[str, ...] = (),
                      credit_code: str | None = None) -> list[tuple[str, str]]:
    """The lookup keys stored with an organisation at write time.

    >>> organisation_keys("恒锋工具有限公司", ["恒峰工具"])[:3]
    [('norm', '恒锋工具有限公司'), ('core', '恒锋工具'), ('pinyin', 'hengfenggongju')]
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
