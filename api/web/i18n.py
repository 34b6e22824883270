"""The pages' words in Simplified Chinese (the default) and English.

Every string a page shows comes from the catalog by key, so switching language
translates everything. The catalog is data: one TOML file per area of the product in
`api/web/messages/` (``common.toml``, ``needs.toml``, ``events.toml`` …), each with a
``[zh]`` and an ``[en]`` table holding the same keys (a test compares them, and no key
may be defined by two files). Names of firms, experts and needs are data and are shown
as stored.

>>> translate("sign_in", "zh"), translate("sign_in", "en")
('登录', 'Sign in')
>>> pick_language("en"), pick_language(None), pick_language("fr")
('en', 'zh', 'zh')
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def message_files() -> dict[str, dict[str, dict[str, str]]]:
    """Each messages file's tables: {file name: {"zh": {...}, "en": {...}}}."""
    folder = resources.files("duijie.api.web").joinpath("messages")
    return {f.name: tomllib.loads(f.read_text("utf-8")) for f in sorted(
        folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".toml")}


@cache
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for tables in message_files().values():
        for lang in LANGUAGES:
            merged[lang].update(tables.get(lang, {}))
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of `key` in `lang`, with ``{name}`` fields filled from `values`; the key
    itself if it is missing (the catalog test catches that).

    >>> translate("signed_in_as", "en")
    'Signed in as'
    >>> translate("events_meetings_count", "en", count=1), translate(
    ...     "events_meetings_count", "en", count=2)
    ('1 meeting', '2 meetings')
    """
    words = catalog().get(lang, catalog()[DEFAULT_LANGUAGE])
    if values.get("count") == 1 and f"{key}_one" in words:  # "1 meeting", not "1 meetings"
        key = f"{key}_one"
    text = words.get(key, key)
    return text.format(**values) if values else text


def pick_language(chosen: str | None) -> str:
    """The page language: the user's choice (cookie or ?lang=), else Chinese.

    The browser's Accept-Language is not consulted: the office works in Chinese
    whatever language a shared computer's browser was installed in.
    """
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def moment(stamp: str | None) -> str:
    """A stored UTC timestamp as a person reads it: to the minute, the zone named.

    >>> moment("2026-12-04T20:39:03+00:00"), moment("2026-12-04"), moment(None)
    ('2026-12-04 20:39 UTC', '2026-12-04', '')
    """
    if not stamp:
        return ""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if len(stamp) > 10 else stamp
