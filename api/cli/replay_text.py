"""The replay of an event as an organiser reads it (`duijie event replay`, `duijie demo`)."""

from __future__ import annotations

from duijie.api.services.replay import EventReplay
from duijie.graph.vocab import (
    NEED_STATUS_LABELS,
    MatchReason,
    figure_text,
    kind_label,
)
from duijie.matcher.reasons import as_reason, reason, render_reason


def _short_reasons(reasons: list, terms: int = 3) -> str:
    """The 2–3 best reasons on one line: a few matched terms and the best other reason.

    >>> _short_reasons([reason("text_match", {"terms": ["红外探测", "读出电路", "噪声", "像元"]}),
    ...                 reason("shared_topic", {"topic": "红外探测"}),
    ...                 reason("same_region", {"region": "西安"})])
    '红外探测、读出电路、噪声 ｜ 共同主题：红外探测'
    >>> _short_reasons(["共同主题: 红外", "同一地区: 西安", "另一条"])
    '共同主题：红外；同在西安'
    """
    read = [as_reason(r) for r in reasons]
    text = next((r for r in read if r["code"] == MatchReason.TEXT_MATCH), None)
    other = next((r for r in read if r["code"] != MatchReason.TEXT_MATCH), None)
    if text:
        short = reason(MatchReason.TEXT_MATCH, {"terms": text["values"]["terms"][:terms]})
        line = render_reason(short).removeprefix("文本匹配：")
        return line + (f" ｜ {render_reason(other)}" if other else "")
    return "；".join(render_reason(r) for r in read[:2])


def record_lines(rec: dict) -> list[str]:
    r"""The plan beside the record: what the documents publish (figures with their
    qualifiers), the firms the plan covers, and the recorded pairs, said plainly to be
    illustrative when they are.

    >>> print("\n".join(record_lines({"firms": 11, "firms_planned": 11, "published_figures": [
    ...     {"measure": "firms", "value": 11, "qualifier": "exact", "unit": "家",
    ...      "label": "浙江企业", "quote": "11家企业"}], "pairs_illustrative": True,
    ...     "signed_pairs": [["a", "b"]], "met_pairs": [["a", "b"]],
    ...     "signed_pairs_planned": 1, "met_pairs_planned": 1})))
    与记录对照：公开数字 浙江企业 11 家；本方案为 11/11 家参会企业安排了会谈。
    记录未载明哪家企业与谁对接、签约：下面对比用的会谈与签约对为示意数据（虚构）。
    本方案安排了其中 1/1 个示意签约对、1/1 个示意会谈对（评分未使用该活动的记录）。
    """
    published = "，".join(
        f"{f.get('label') or f['measure']} {figure_text(f['value'], f['qualifier'])} {f['unit']}"
        for f in rec.get("published_figures", []))
    lines = [f"与记录对照：{'公开数字 ' + published + '；' if published else ''}"
             f"本方案为 {rec.get('firms_planned', 0)}/{rec['firms']} 家参会企业安排了会谈。"]
    if rec.get("signed_pairs") or rec.get("met_pairs"):
        kind = "示意" if rec.get("pairs_illustrative") else "记录中的"
        if rec.get("pairs_illustrative"):
            lines.append("记录未载明哪家企业与谁对接、签约：下面对比用的会谈与签约对为示意数据（虚构）。")
        lines.append(f"本方案安排了其中 {rec['signed_pairs_planned']}/{len(rec['signed_pairs'])} "
                     f"个{kind}签约对、{rec.get('met_pairs_planned', 0)}/"
                     f"{len(rec.get('met_pairs', []))} 个{kind}会谈对（评分未使用该活动的记录）。")
    return lines


def render_replay(replay: EventReplay) -> str:
    """The replay for an organiser: whom to invite and why, the day-by-day schedule
    with each pair's score and best reasons, and the plan beside the record.

    About 3 + invited + 2 × meetings + days lines (under 80 for the Xi'an trip).

    >>> from duijie.api.services.replay import plan_event
    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:")
    >>> _ = load_seed(store)
    >>> text = render_replay(plan_event(store, XIAN_EVENT, use_recommender=False))
    >>> print(text.splitlines()[0])
    赴西安精准对接“三服务”活动 · 西安 · 2019-05-23 – 2019-05-23
    >>> len(text.splitlines()) < 80
    True
    """
    r = replay
    days = sorted({p["start"][:10] for p in r.pairs if p["start"]})
    span = f" · {days[0]} – {days[-1]}" if days else ""
    lines = [f"{r.event.name} · {r.event.place or ''}{span}",
             f"邀请 {len(r.invitations.invited)} 位专家/机构（覆盖需求权重 "
             f"{r.invitations.covered_weight:g}/{r.invitations.total_weight:g}）："]
    for c in r.invited:
        covers = "、".join(c["covers"]) or "（未强覆盖任何需求）"
        lines.append(f"  {c['name']} [{kind_label(c['kind'])}]：{covers}")
    tables = sorted({p["table"] for p in r.pairs if p["table"]})
    lines.append(f"日程（{len(r.pairs)} 场会谈，{len(tables)} 张桌；得分 0–1，"
                 "理由：匹配词 ｜ 图谱路径）：")
    day = None
    for p in r.pairs:
        when = p["start"] or ""
        if when[:10] != day:
            day = when[:10]
            label = f"{int(day[5:7])}月{int(day[8:10])}日" if day else "未排期"
            lines.append(f" {label}")
        lines.append(f"  {when[11:16] or '--:--'} {p['table'] or '-':<3} {p['firm_name']}"
                     f" × {p['helper_name']}  {p['score'] or 0:.2f}")
        lines.append(f"        {_short_reasons(p['reasons'])}")
    for pid, why in r.plan.unassigned.items():
        lines.append(f"  未安排 {pid}：{why}")
    lines += record_lines(r.recorded)
    if r.written is not None:
        counts: dict[str, int] = {}
        for s in r.written["need_status"].values():
            counts[s] = counts.get(s, 0) + 1
        labels = NEED_STATUS_LABELS["zh"]
        shown = " · ".join(f"{labels.get(s, s)} {n}" for s, n in sorted(counts.items()))
        follow = r.written["follow_ups"]
        lines.append(f"已记录结果：{len(r.written['meetings'])} 场会谈、"
                     f"{r.written['outcomes']} 条结果；需求状态 {shown}；"
                     f"逾期待跟进 {len(follow)} 项（duijie event followups --event "
                     f"{r.event.id}）")
    return "\n".join(lines)
