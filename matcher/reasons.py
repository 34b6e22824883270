"""Structured reasons: why a pair fits, as a code with values and ids, never as prose.

A reason is ``{"code": MatchReason, "values": {...}, "ids": {...}}``: the code says
which message people read (``reason_<code>`` in Chinese or English, filled with the
values: names, never ids), the ids say which records the values name. Graph paths
become a reason only when they carry a meaning a person can use; a path through
another firm's records, an event, or a region chain says nothing and is dropped.

>>> path = {"nodes": ["need:1", "topic:ir", "exp:w"], "names": ["红外降噪", "红外探测", "王"],
...         "edges": ["about_topic", "has_expertise"]}
>>> path_reason(path, {"need:1": "Need", "topic:ir": "Topic", "exp:w": "Expert"},
...             own={"need:1"})
{'code': 'shared_topic', 'values': {'topic': '红外探测'}, 'ids': {'topic': 'topic:ir'}}
>>> as_reason("共同主题: 红外探测")["code"], as_reason("图谱关联：甲 → 乙")["code"]
('shared_topic', 'note')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from duijie.graph.vocab import REASON_MESSAGES, MatchReason

PRIVATE_KINDS = frozenset({"Enterprise", "Need", "Meeting", "Outcome"})
"""Kinds that belong to one firm: a path through another firm's is not a reason."""
NEVER_THROUGH = frozenset({"Event", "Meeting", "Outcome"})
"""A past event's other participants are nobody's reason."""
TOGETHER_EDGES = frozenset({"collaborated_with", "signed", "met"})
TOPIC_EDGES = frozenset({"about_topic", "has_expertise", "supports"})


def reason(code: MatchReason | str, values: Mapping[str, Any] | None = None,
           ids: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A structured reason (the code checked against `MatchReason`).

    >>> reason("same_region", {"region": "西安"}, {"region": "reg:xian"})
    {'code': 'same_region', 'values': {'region': '西安'}, 'ids': {'region': 'reg:xian'}}
    """
    return {"code": MatchReason(code).value, "values": dict(values or {}),
            "ids": dict(ids or {})}


def path_reason(path: Mapping[str, Any], kinds: Mapping[str, str | None], *,
                own: Iterable[str] = ()) -> dict[str, Any] | None:
    """What a graph path means, as a reason, or None when it means nothing to a person.

    Parameters
    ----------
    path : dict
        ``nodes``, ``names`` and ``edges`` from the seed to the candidate
        (`matcher.paths.GraphPath.to_dict`).
    kinds : dict {node id: kind}
    own : ids
        The asking firm, its need and the candidate: every other firm, need, meeting
        or outcome on a path is someone else's, and only a firm of the same industry
        that worked with the candidate is ever named (`INDUSTRY_PEER`, for organisers).
    """
    nodes, names, edges = list(path["nodes"]), list(path["names"]), list(path["edges"])
    ks = [kinds.get(n) for n in nodes]
    own = set(own)
    if any(k in NEVER_THROUGH for k in ks):
        return None
    foreign = [i for i, (n, k) in enumerate(zip(nodes, ks, strict=True))
               if k in PRIVATE_KINDS and n not in own]
    mids = ks[1:-1]
    if foreign:
        if (ks[:3] == ["Enterprise", "Industry", "Enterprise"] and len(nodes) == 4
                and foreign == [2] and edges[2] == "collaborated_with"):
            return reason(MatchReason.INDUSTRY_PEER, {"firm": names[2], "industry": names[1]},
                          {"firm": nodes[2], "industry": nodes[1]})
        return None
    if len(nodes) == 2:
        if ks[0] == "Topic":
            return _topic(nodes, names, 0)
        if ks[0] == "Region" and edges[0] == "located_in":
            return reason(MatchReason.SAME_REGION, {"region": names[0]}, {"region": nodes[0]})
        if edges[0] in TOGETHER_EDGES:
            if ks[0] in ("Enterprise", "Need"):
                return reason(MatchReason.WORKED_TOGETHER)
            return reason(MatchReason.PARTNER_LINK, {"partner": names[0]},
                          {"partner": nodes[0]})
        return None
    if mids == ["Topic"] and set(edges) <= TOPIC_EDGES:
        return _topic(nodes, names, 1)
    if mids == ["Industry"] and ks[0] in ("Enterprise", "Need"):
        return reason(MatchReason.INDUSTRY, {"industry": names[1]}, {"industry": nodes[1]})
    if mids == ["Region"] and ks[0] in ("Enterprise", "Need") and edges[1] == "located_in":
        return reason(MatchReason.SAME_REGION, {"region": names[1]}, {"region": nodes[1]})
    if (mids == ["Topic", "Institute"] and edges[-1] == "affiliated_with"
            and set(edges[:2]) <= TOPIC_EDGES):
        return reason(MatchReason.AFFILIATION_TOPIC, {"org": names[2], "topic": names[1]},
                      {"org": nodes[2], "topic": nodes[1]})
    return None


def _topic(nodes: Sequence[str], names: Sequence[str], i: int) -> dict[str, Any]:
    return reason(MatchReason.SHARED_TOPIC, {"topic": names[i]}, {"topic": nodes[i]})


_LEGACY = [
    (re.compile(r"^文本匹配[：:]\s*(.+)$"), lambda m: reason(
        MatchReason.TEXT_MATCH, {"terms": [t for t in re.split(r"[、,，]\s*", m[1]) if t]})),
    (re.compile(r"^共同主题[：:]\s*(.+)$"), lambda m: reason(
        MatchReason.SHARED_TOPIC, {"topic": m[1].strip()})),
    (re.compile(r"^同一地区[：:]\s*(.+)$"), lambda m: reason(
        MatchReason.SAME_REGION, {"region": m[1].strip()})),
    (re.compile(r"^替补[：:]\s*(.+?)\s*未到场$"), lambda m: reason(
        MatchReason.STAND_IN, {"meeting": m[1]})),
    (re.compile(r"^记录中的实际对接$"), lambda m: reason(MatchReason.RECORDED_MEETING)),
]


def as_reason(stored: str | Mapping[str, Any]) -> dict[str, Any]:
    """A stored reason as a structured one: a structured reason as it is, a reason
    stored as words (before codes) parsed when it has a known shape, else kept as a
    `NOTE` that only organisers read.

    >>> as_reason("文本匹配：红外探测、读出电路")
    {'code': 'text_match', 'values': {'terms': ['红外探测', '读出电路']}, 'ids': {}}
    >>> as_reason("替补：甲 × 乙 未到场")["values"]
    {'meeting': '甲 × 乙'}
    """
    if isinstance(stored, Mapping):
        return reason(stored["code"], stored.get("values"), stored.get("ids"))
    text = str(stored)
    for pattern, build in _LEGACY:
        m = pattern.match(text.strip())
        if m:
            return build(m)
    return reason(MatchReason.NOTE, {"text": text})


def item_reasons(phrases: Sequence[str], paths: Iterable[Mapping[str, Any]],
                 limit: int = 5, similar_meaning: bool = False) -> list[dict[str, Any]]:
    """A recommendation's reasons: the matched words (or, with `similar_meaning`, that it
    is close in meaning), then what its paths mean (each said once).

    >>> item_reasons(["红外探测器"], [{"reason": reason("shared_topic", {"topic": "红外"})}])
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'code': 'text_match', 'values': {'terms': ['红外探测器']}, 'ids': {}},
     {'code': 'shared_topic', 'values': {'topic': '红外'}, 'ids': {}}]
    """
    out = [reason(MatchReason.TEXT_MATCH, {"terms": list(phrases)})] if phrases else []
    if similar_meaning:
        out.append(reason(MatchReason.SIMILAR_MEANING, {}))
    for p in paths:
        r = p.get("reason")
        if r and r not in out:
            out.append(r)
    return out[:limit]


def render_reason(stored: str | Mapping[str, Any], lang: str = "zh") -> str:
    """A reason as a person reads it, in Chinese or English (names as stored).

    >>> r = reason("text_match", {"terms": ["红外探测器", "读出电路"]})
    >>> render_reason(r), render_reason(r, "en")
    ('文本匹配：红外探测器、读出电路', 'Matched words: 红外探测器, 读出电路')
    >>> render_reason("同一地区: 西安", "en")
    'Both in 西安'
    """
    r = as_reason(stored)
    messages = REASON_MESSAGES.get(lang, REASON_MESSAGES["zh"])
    joiner = "、" if lang == "zh" else ", "
    values = {k: joiner.join(map(str, v)) if isinstance(v, list | tuple) else str(v)
              for k, v in r["values"].items()}
    try:
        return messages[r["code"]].format(**values)
    except KeyError:  # a value the message needs is missing: say the kind of reason
        return messages[r["code"]].split("{")[0].rstrip("：: ")
