"""The language of a text by its script, for defaults chosen per language.

The quality harness chooses the text defaults per language group (README, "Text matching"):
Chinese, English, and across the two. A text is ``"zh"`` when its CJK characters are at
least as many as its Latin-script words (a Chinese character carries about what an English
word does), so a Chinese need quoting "SiC" or "NETD" stays Chinese and an English abstract
with one Chinese name stays English; otherwise ``"en"`` (a text with neither counts as
English: its lexical terms are Latin or none).

>>> script_language("SiC功率模块逆变器效率"), script_language("uncooled infrared detector")
('zh', 'en')
>>> pair_group("zh", "en"), pair_group("en", "en")
('cross', 'en')
"""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")
GROUPS = ("zh", "en", "cross")

# CJK unified ideographs (with extension A and the compatibility block).
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]+")


def script_language(text: str) -> str:
    """``"zh"`` or ``"en"`` by the script most of the text's words are in.

    >>> script_language("碳纤维 carbon fibre prepreg curing")
    'en'
    >>> script_language("红外 infrared")
    'zh'
    """
    cjk = len(_CJK.findall(text))
    return "zh" if cjk and cjk >= len(_LATIN_WORD.findall(text)) else "en"


def pair_group(query_language: str, profile_language: str) -> str:
    """The language group of a query and a profile: their language, or ``"cross"``.

    >>> pair_group("zh", "zh")
    'zh'
    """
    return query_language if query_language == profile_language else "cross"
