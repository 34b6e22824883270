"""Reading a short name as an abbreviation of a longer one (西工大 → 西北工业大学).

Chinese organisations are abbreviated by keeping the first character of each word
of the name, often dropping the generic tail (大学, 学院, 股份有限公司): 西(北)工(业)
大(学), 浙(江)大(学), 中(国)石(油)化(工), 人大 for 中国人民大学 (a leading 中国 may
go). `read_as_abbreviation` checks that shape on a name's stem, character by
character: the first character opens the name (or follows a leading 中国), every
next one is at most two characters further on (one word of two characters, at most
one character skipped), what follows the last one is the rest of its word or a
generic tail, and something is left out (常州大学 leads 常州大学怀德学院 whole: a
part, which the name comparison weighs). A short name that passes is only ever a
candidate: 西电 reads as 西安电子科技大学 and as 西昌电力 alike, so an organiser
decides.

`abbreviation_keys` gives the blocking keys a stored name is found by: its first
character with the next or the one after, so a query reads one small posting.

>>> read_as_abbreviation("西工大", "西北工业大学")
(2, '西(北)工(业)大(学)')
>>> read_as_abbreviation("人大", "中国人民大学")[1]
'(中国)人(民)大(学)'
>>> read_as_abbreviation("中国银行", "中国工商银行") is None  # a whole word skipped
True
>>> sorted(abbreviation_keys("西北工业大学"))
['西北', '西工']

Two levels (`read_as_two_level`): an institute of a larger body is abbreviated as the
body's abbreviation and the institute's, 中科院西光所 for 中国科学院西安光学精密机械研究所:
the body read as above (or written whole), then the institute's opening characters in
order and the last character of its generic tail (所 of 研究所).
"""

from __future__ import annotations

import re
from functools import lru_cache

from duijie.graph.normalize import is_generic

MIN_LENGTH, MAX_LENGTH = 2, 4
"""Lengths of the short names read as abbreviations (北大 … 华东师大, 中国作协)."""
BODY_ENDS = "院学会所局"
"""The last character of a body whose institutes are abbreviated in two levels (中国科学院,
北京大学, 中国科学技术协会)."""
UNIT_ENDS = "所院"
"""The last character of an institute abbreviated in two levels (研究所, 研究院, 学院)."""
TWO_LEVEL_LENGTHS = (5, 8)
"""Lengths of two-level short names (中科院力学所 … 中国科学院计算所, 中科院长春光机所)."""
SKIPPABLE_PREFIX = "中国"  # 人大 for 中国人民大学
ONE_CHARACTER_FORMS = {
    "北京": "京", "天津": "津", "上海": "沪", "重庆": "渝", "河北": "冀", "山西": "晋",
    "辽宁": "辽", "吉林": "吉", "黑龙江": "黑", "江苏": "苏", "浙江": "浙", "安徽": "皖",
    "福建": "闽", "江西": "赣", "山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘",
    "广东": "粤", "海南": "琼", "四川": "川", "贵州": "黔", "云南": "滇", "陕西": "陕",
    "甘肃": "甘", "青海": "青", "广西": "桂", "西藏": "藏", "宁夏": "宁", "新疆": "新",
    "内蒙古": "蒙", "中央": "央"}
"""A leading province (or 中央) may stand as its one-character form, the way the
provinces are abbreviated on number plates: 川外 for 四川外国语大学, 央财 for
中央财经大学."""
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def is_abbreviation_shaped(text: str) -> bool:
    """Two to four Chinese characters: the shape of 西工大, 北师大, 华东师大.

    >>> is_abbreviation_shaped("西电"), is_abbreviation_shaped("西安电子科技大学")
    (True, False)
    """
    return MIN_LENGTH <= len(text) <= MAX_LENGTH and bool(_HAN.match(text))


def _starts(stem: str) -> list[tuple[int, str]]:
    """Where an abbreviation may begin in a stem, with the character it begins with:
    the stem's first; after a leading 中国; a leading province's one-character form
    standing for it (川 of 四川, read from the character after the province)."""
    out = [(0, stem[:1])]
    if stem.startswith(SKIPPABLE_PREFIX) and len(stem) > len(SKIPPABLE_PREFIX) + 1:
        out.append((len(SKIPPABLE_PREFIX), stem[len(SKIPPABLE_PREFIX)]))
    for place, char in ONE_CHARACTER_FORMS.items():
        if stem.startswith(place) and len(stem) > len(place) + 1:
            out.append((len(place) - 1, char))
    return out


def is_two_level_shaped(text: str) -> bool:
    """Five to eight Chinese characters ending as an institute does (所, 院): the
    shape of 中科院西光所. (A firm's name is never read so, which keeps this off the
    path of most queries.)

    >>> is_two_level_shaped("中科院西光所"), is_two_level_shaped("西工大")
    (True, False)
    >>> is_two_level_shaped("浙江恒锋工具")
    False
    """
    low, high = TWO_LEVEL_LENGTHS
    return low <= len(text) <= high and text[-1] in UNIT_ENDS and bool(_HAN.match(text))


def _unit_reading(short: str, stem: str) -> tuple[int, str] | None:
    """An institute's own abbreviation: its opening characters in order, from the
    first (the second at most two further on), and the last character of the generic
    tail that ends it (光机所 of 光学精密机械研究所)."""
    tail = next((size for size in (3, 2) if size < len(stem) and is_generic(stem[-size:])),
                None)
    if tail is None or len(short) < 2 or short[-1] != stem[-1] or short[0] != stem[0] \
            or len(stem) <= len(short):
        return None
    positions, at = [0], 0
    for char in short[1:-1]:
        # The second character is in the first word (西(安)光); later ones may skip
        # whole words (光(学精密)机(械)).
        limit = at + 3 if at == 0 else len(stem) - tail
        at = stem.find(char, at + 1, min(limit, len(stem) - tail))
        if at < 0:
            return None
        positions.append(at)
    positions.append(len(stem) - 1)
    return len(stem) - len(short), _bracketed(stem, positions, 0, stem[0])


def read_as_two_level(short: str, stem: str) -> tuple[int, str] | None:
    """(characters skipped, the reading) if `short` abbreviates `stem` in two levels:
    a body (its abbreviation, or written whole) and one of its institutes.

    >>> read_as_two_level("中科院西光所", "中国科学院西安光学精密机械研究所")
    (10, '中(国)科(学)院西(安)光(学精密机械研究)所')
    >>> read_as_two_level("中科院计算所", "中国科学院自动化研究所") is None
    True
    """
    if short[-1:] != stem[-1:] or not is_two_level_shaped(short) or stem.startswith(short):
        return None  # the whole name leading a longer one is a part or another name
    best = None
    for split in range(2, len(short) - 1):
        body, unit = short[:split], short[split:]
        for end in range(split, len(stem) - len(unit)):
            # The body's name ends with its kind (科学院, 大学), not a business word (理工).
            if stem[end - 1] not in BODY_ENDS or not any(
                    is_generic(stem[end - size:end]) for size in (2, 3) if size < end):
                continue
            # Written whole, or abbreviated ending with its kind (中科院).
            body_reading = (0, body) if body == stem[:end] else (
                read_as_abbreviation(body, stem[:end]) if body[-1] == stem[end - 1] else None)
            if body_reading is None:
                continue
            unit_reading = _unit_reading(unit, stem[end:])
            if unit_reading is not None:
                found = (body_reading[0] + unit_reading[0], body_reading[1] + unit_reading[1])
                best = found if best is None or found < best else best
    return best


def abbreviation_keys(stem: str) -> set[str]:
    """Blocking keys of a stored stem: the opening character with each of the next
    two (an abbreviation's first two characters are one of them)."""
    keys = set()
    for start, char in _starts(stem):
        for step in (1, 2):
            if start + step < len(stem):
                keys.add(char + stem[start + step])
    return keys


@lru_cache(maxsize=100_000)
def _rest_is_tail(rest: str) -> bool:
    """What follows the last abbreviated character: the rest of its word (up to two
    characters: 外 of 外国语) and a generic tail (大学, 科技大学), or nothing."""
    return any(rest[skip:] == "" or is_generic(rest[skip:]) for skip in range(3))


def read_as_abbreviation(short: str, stem: str) -> tuple[int, str] | None:
    """(characters skipped, the stem with them bracketed) if `short` abbreviates
    `stem` as names are abbreviated, else None. Fewer skipped reads closer.

    >>> read_as_abbreviation("北外", "北京外国语大学")
    (1, '北(京)外(国语大学)')
    >>> read_as_abbreviation("常州大学", "常州大学怀德学院") is None  # nothing left out
    True
    >>> read_as_abbreviation("大理大学", "大连理工大学城市学院") is None  # a full name
    True
    """
    if not is_abbreviation_shaped(short) or len(stem) < len(short) + 2:
        return None
    # A short name that spells out its own kind (大理大学, 人民大学) is a full name, or
    # the longer one minus a leading word: that kind ends the longer name too.
    whole_kind = any(is_generic(short[-size:]) for size in (2, 3) if size < len(short))
    for start, opening in _starts(stem):
        if opening != short[0]:
            continue
        positions, at = [start], start
        for char in short[1:]:
            at = next((at + step for step in (1, 2)
                       if at + step < len(stem) and stem[at + step] == char), -1)
            if at < 0:
                break
            positions.append(at)
        if len(positions) < len(short) or not _rest_is_tail(stem[positions[-1] + 1:]):
            continue
        if whole_kind and positions[-1] != len(stem) - 1:
            continue
        skipped = positions[-1] - positions[0] - (len(positions) - 1)
        if skipped == 0 and start == 0 and opening == stem[0]:
            # The whole short name leads the longer one (常州大学 / 常州大学怀德学院,
            # 东软 / 东软载波): a part or another firm, which the name comparison
            # weighs; an abbreviation leaves something out.
            continue
        return skipped, _bracketed(stem, positions, start, opening)
    return None


def _bracketed(stem: str, positions: list[int], start: int, opening: str) -> str:
    """西(北)工(业)大(学); a province's form with what it stands for: 川(四川)外(国语大学)."""
    kept, out, begin = set(positions), [], start
    if opening != stem[start]:
        out.append(f"{opening}({stem[:start + 1]})")
        begin = start + 1
    elif start:
        out.append(f"({stem[:start]})")
    run = ""
    for i in range(begin, len(stem)):
        if i in kept:
            if run:
                out.append(f"({run})")
                run = ""
            out.append(stem[i])
        else:
            run += stem[i]
    if run:
        out.append(f"({run})")
    return "".join(out)
