"""The matcher's notes (why a list is short, why a participant has no meeting, why a
meeting was not placed…) as codes with values, and the text `--json` and the API carry.

The text stays what it always was (machine readers keep it); a person reads a note
through its code in their language (`api/cli/note_words.py`, the catalog's
``cli_note_<code>`` words). `note` writes a note from its template and `read_note` reads
the code and values back from the text, so the two cannot drift apart.

>>> text = note("no_match", min_score=0.3)
>>> text
'no acceptable match: no pair reaches min_score=0.3'
>>> read_note(text)
('no_match', {'min_score': '0.3'})
>>> read_note("地区不在西安"), read_note("something else")
(('left_out_region', {'region': '西安'}), None)
"""

from __future__ import annotations

import re
import string
from functools import cache

NOTES: dict[str, str] = {
    # event planning: why a participant has no meeting (matcher.assignment)
    "no_capacity": "no capacity: max_meetings is 0",
    "no_match_blocked": ("no acceptable match: no pair reaches min_score={min_score}; "
                         "{blocked} pair(s) blocked by declines/forbids"),
    "no_match": "no acceptable match: no pair reaches min_score={min_score}",
    "conflict": ("conflict: its {options} acceptable partner(s) were given to better or "
                 "fairer pairs within their capacity"),
    # event planning: supply against demand (matcher.assignment), requests (api planning)
    "short_supply": ("{firms} firms have an acceptable match but helpers offer only {supply} "
                     "meetings: raise helpers' max_meetings or invite more helpers"),
    "fewer_meetings": ("firms ask for {demand} meetings, helpers offer {supply}: some firms "
                       "get fewer meetings than their max_meetings"),
    "requests_pending": ("{count} request(s) still await an answer and were not planned: "
                         "{pairs}"),
    # invitations: why a need is not covered (matcher.invitations)
    "budget_exhausted": "budget exhausted: {candidate} ({score}) would cover it",
    "below_strong_none": "no candidate above the strong-match threshold {strong} "
                         "(no candidates)",
    "below_strong": "no candidate above the strong-match threshold {strong} (best {best})",
    # scheduling: why a meeting was not placed (matcher.scheduling)
    "no_common_slot": "no common available slot for {parties}",
    "tables_full": ("all {count} common slot(s) have every table taken: add tables or "
                    "slots"),
    "double_booking": ("double booking: in each of the {count} common slot(s) one of "
                       "{parties} already has a meeting"),
    # recommendations: candidates left out (matcher.ranking, matcher.recommend)
    "left_out_self": "查询对象本身",
    "left_out_region": "地区不在{region}",
    "expert_unavailable": "专家暂不接受对接",
    "need_closed": "需求已关闭",
    "off_topic": "与需求没有主题关联",
    "own_organisation": "需求方自身或同集团单位",
    "same_group": "与需求方同属{group}",
    "expert_of_group": "专家任职于需求方或其集团",
    "expert_of_firm": "专家任职于需求方（{firm}）",
    # recommendations: why a list is short or empty, notes on the query
    "no_candidates": "图中没有{kind}类候选 (no {kind} candidates in the graph)",
    "nothing_shared": ("没有{kind}类候选与该需求共享词语或图谱关联 (no {kind} shares a term "
                       "or a graph link with the query)"),
    "all_excluded": "{count}个候选均被排除：{excluded} (all {count} candidates excluded)",
    "only_some": "只有{count}个候选符合条件 (only {count} candidates qualify)",
    "nothing_shown": "没有可以显示的结果 (nothing to show)",
    "text_not_used": "text not used: {message}",
    "reverse": ("文本得分与正向推荐相同（该候选在每个需求的全部候选中的相对得分）；"
                "图谱关联从该候选出发计算，因此仅凭图谱关联排在某需求首位的候选，"
                "在本列表中可能把该需求排得靠后 "
                "(text scores are the forward ones: how this candidate scores among all "
                "candidates for each need; graph links are measured from this candidate, so "
                "a need it leads by graph links alone may rank lower here)"),
}
"""Each note's text by code; ``{name}`` fields are its values (a field may repeat)."""


def note(code: str, **values: object) -> str:
    """The text of a note.

    >>> note("only_some", count=2)
    '只有2个候选符合条件 (only 2 candidates qualify)'
    """
    return NOTES[code].format(**values)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for code, template in NOTES.items():
        pattern, seen = "", set()
        for literal, field, _, _ in string.Formatter().parse(template):
            pattern += re.escape(literal)
            if field is None:
                continue
            pattern += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
            seen.add(field)
        out.append((code, re.compile(pattern + r"\Z", re.S)))
    return out


def read_note(text: str) -> tuple[str, dict[str, str]] | None:
    """The code and values of a note's text (values as text), or None for another text."""
    for code, pattern in _patterns():
        found = pattern.match(text)
        if found:
            return code, found.groupdict()
    return None
