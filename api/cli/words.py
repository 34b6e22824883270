"""The CLI's words in one language: Chinese by default, English with ``DUIJIE_LANG=en``.

Tables line up by display width (a Chinese character takes two columns), so a
column of names or dates starts at the same place on every row.

>>> pad("已举办", 8) + "|", pad("held", 8) + "|"
('已举办  |', 'held    |')
>>> status_word("held", "zh"), status_word("held", "en"), status_word("odd", "zh")
('已举办', 'held', 'odd')
"""

from __future__ import annotations

import os
import unicodedata

from duijie.api.cli.error_words import LANG_ENV

EVENT_STATUS = {
    "zh": {"planned": "筹备中", "published": "已发布", "held": "已举办", "closed": "已结束"},
    "en": {"planned": "planned", "published": "published", "held": "held", "closed": "closed"},
}


def cli_lang() -> str:
    """The language of the CLI's words: ``en`` when ``$DUIJIE_LANG`` says so, else ``zh``."""
    return "en" if os.environ.get(LANG_ENV, "zh").lower().startswith("en") else "zh"


def width(text: str) -> int:
    """Columns `text` takes on a terminal: wide (CJK) characters count two.

    >>> width("西安"), width("ab")
    (4, 2)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """`text` filled with spaces to `columns` display columns (on the left if `right`)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def status_word(status: str, lang: str) -> str:
    """An event's status in `lang`; an unknown status as stored."""
    return EVENT_STATUS[lang].get(status, status)
