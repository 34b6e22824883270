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
    """An event's status in `lang`, in the events pages' words; an unknown status as stored."""
    from duijie.api.web.i18n import translate

    key = f"events_event_status_{status}"
    word = translate(key, lang)
    return status if word == key else word


EVENT_WORDS = {  # what the `event` commands say, by key: [zh] and [en] hold the same keys
    "zh": {
        "created": "已创建 {id}：{slots} 个时段，{tables} 张洽谈桌",
        "added": "已加入 {name} [{id}]（{side}）",
        "invited": "邀请 {count} 位：{names}",
        "covered": "覆盖需求优先级 {covered:g} / {total:g}",
        "uncovered": "  未覆盖 {name} [{id}]：{why}",
        "rule": "已记录 {kind}（{firm}，{helper}）",
        "kept": "保留已记录的 {count} 场会谈，其余围绕它们规划",
        "note": "说明：{note}",
        "unassigned": "未安排 {name}：{why}",
        "not_placed": "未排入 {id}：{why}",
        "placed": "已排入 {placed} 场，未排入 {unplaced} 场，空档 {gaps} 个",
        "published": "，已发布 {count} 场",
        "wrote": "已写入 {path}（{fmt}）",
        "recorded": "已记录会谈 {meeting} 的结果（{stage}）",
        "no_show": "{id} 未到场；{name} [{helper}] 替补（{start}，{table}），会谈 {new}",
        "no_alternate": "{id} 未到场；该时段没有空闲的替补",
        "follow_up_added": "已为 {id} 添加跟进",
        "overdue": "{due}（逾期 {days} 天） {owner} {action}  {meeting} [{id}]",
        "no_overdue": "没有逾期的跟进",
        "side_firm": "企业", "side_helper": "承接方",
    },
    "en": {
        "created": "created {id}: {slots} slots, {tables} tables",
        "added": "added {name} [{id}] ({side})",
        "invited": "invited {count}: {names}",
        "covered": "covered {covered:g} of {total:g} priority",
        "uncovered": "  uncovered {name} [{id}]: {why}",
        "rule": "{kind} ({firm}, {helper}) recorded",
        "kept": "kept {count} recorded meeting(s) and planned around them",
        "note": "note: {note}",
        "unassigned": "unassigned {name}: {why}",
        "not_placed": "not placed {id}: {why}",
        "placed": "{placed} placed, {unplaced} not placed, {gaps} idle gaps",
        "published": ", {count} published",
        "wrote": "wrote {path} ({fmt})",
        "recorded": "recorded the outcome of meeting {meeting} ({stage})",
        "no_show": "{id} no-show; {name} [{helper}] takes its place ({start}, {table}) as {new}",
        "no_alternate": "{id} no-show; no alternate is free in that slot",
        "follow_up_added": "follow-up added to {id}",
        "overdue": "{due} ({days} days) {owner} {action}  {meeting} [{id}]",
        "no_overdue": "no overdue follow-ups",
        "side_firm": "firm", "side_helper": "helper",
    },
}


def catalog_word(key: str, **values: object) -> str:
    """A word of the web pages' catalog in the CLI's language, so both say the same thing.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> catalog_word("events_rule_pin")
    '锁定'
    """
    from duijie.api.web.i18n import translate

    return translate(key, cli_lang(), **values)


def event_words(key: str, **values: object) -> str:
    """What an `event` command says, in the CLI's language.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> event_words("placed", placed=2, unplaced=0, gaps=1)
    '已排入 2 场，未排入 0 场，空档 1 个'
    """
    return EVENT_WORDS[cli_lang()][key].format(**values)


DECISIONS = {
    "zh": {"same": "同一机构", "part_of": "下属单位", "review": "待核对", "different": "不同机构"},
    "en": {"same": "same", "part_of": "part_of", "review": "review", "different": "different"},
}

RESOLVE_WORDS = {
    "zh": {"new": "（新机构）", "no_candidate": "没有候选：{name} 将作为新机构",
           "no_items": "没有核对记录", "accepted": "已合并 {id}：{name} 并入 {stored}",
           "rejected": "已判定不同 {id}：{name} 与 {stored} 保持分开"},
    "en": {"new": "(new organisation)",
           "no_candidate": "no candidate for {name}: it would be a new organisation",
           "no_items": "no review items", "accepted": "accepted {id}: {name} merged into {stored}",
           "rejected": "rejected {id}: {name} and {stored} stay apart"},
}


def decision_word(decision: str) -> str:
    """A resolution decision in the CLI's language; an unknown one as given.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> decision_word("review"), decision_word("odd")
    ('待核对', 'odd')
    """
    return DECISIONS[cli_lang()].get(decision, decision)


def resolve_words(key: str, **values: object) -> str:
    """What `resolve` and `review` say, in the CLI's language."""
    return RESOLVE_WORDS[cli_lang()][key].format(**values)


def reason_words(reason: str) -> str:
    """A reason of resolution (written in English by the resolver) in the CLI's language,
    through the review page's catalog; a reason it has no words for stays as written.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> reason_words("names 大立 / 大力: characters 50%, pinyin 100%")
    '名称 大立 / 大力：字符相似 50%，拼音相似 100%'
    """
    from duijie.api.services.resolve import evidence

    found = evidence(reason)
    if found.code == "other":
        return reason
    return catalog_word(f"review_reason_{found.code}", **found.values)


def catalog_word_or(key: str, fallback: str) -> str:
    """The catalog's word for `key` in the CLI's language, or `fallback` when it has none
    (a stage or field code the catalog does not know is shown as it is).

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> catalog_word_or("office_fact_region", "region"), catalog_word_or("cli_nope", "nope")
    ('地区', 'nope')
    """
    words = catalog_word(key)
    return fallback if words == key else words


def cli_word(key: str, **values: object) -> str:
    """A line of the command line (``cli_<key>`` of the catalog) in the CLI's language.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> cli_word("export_done", nodes=3, edges=2, target="a.jsonl")
    '已导出 3 个节点、2 条关系到 a.jsonl'
    """
    return catalog_word(f"cli_{key}", **values)


def joined(items: object) -> str:
    """Items joined as a list is in the CLI's language (、 in Chinese, a comma in English)."""
    return cli_word("list_separator").join(str(i) for i in items)  # type: ignore[attr-defined]


def note_words(text: str, names: dict[str, str] | None = None) -> str:
    """A note of the matcher (`matcher.notes`) in the CLI's language, ids it names read as
    names; a text that is no known note stays as written.

    >>> import os; os.environ.pop(LANG_ENV, None) and None
    >>> note_words("no acceptable match: no pair reaches min_score=0.3")
    '没有可接受的配对：没有一对得分达到 0.3'
    >>> note_words("no common available slot for ent:a and exp:b", {"ent:a": "甲", "exp:b": "乙"})
    '甲、乙 没有共同的空闲时段'
    """
    from duijie.graph.vocab import kind_label
    from duijie.matcher.notes import read_note

    found = read_note(text)
    if found is None:
        return text
    code, values = found
    names = names or {}
    shown: dict[str, object] = dict(values)
    if "candidate" in values:
        shown["candidate"] = names.get(values["candidate"], values["candidate"])
    if "parties" in values:
        parties = values["parties"].replace(" / ", " and ").split(" and ")
        shown["parties"] = joined(names.get(p, p) for p in parties)
    if "kind" in values:
        shown["kind"] = kind_label(values["kind"], cli_lang())
    return cli_word(f"note_{code}", **shown)
