"""The replay of an event as an organiser reads it (`duijie event replay`, `duijie demo`)."""

from __future__ import annotations

from duijie.api.services.replay import EventReplay
from duijie.api.web.i18n import translate
from duijie.graph.vocab import NEED_STATUS_LABELS, MatchReason, kind_label
from duijie.matcher.reasons import as_reason, reason, render_reason  # noqa: F401 (doctests)


def _short_reasons(reasons: list, terms: int = 3, lang: str = "zh") -> str:
    """The 2–3 best reasons on one line: a few matched terms and the best other reason.

    >>> _short_reasons([reason("text_match", {"terms": ["红外探测", "读出电路", "噪声", "像元"]}),
    ...                 reason("shared_topic", {"topic": "红外探测"}),
    ...                 reason("same_region", {"region": "西安"})])
    '红外探测、读出电路、噪声 ｜ 共同主题：红外探测'
    >>> _short_reasons(["共同主题: 红外", "同一地区: 西安", "另一条"])
    '共同主题：红外；同在西安'
    >>> _short_reasons([reason("text_match", {"terms": ["红外探测", "噪声"]}),
    ...                 reason("shared_topic", {"topic": "红外探测"})], lang="en")
    '红外探测, 噪声 | Shared topic: 红外探测'
    """
    read = [as_reason(r) for r in reasons]
    text = next((r for r in read if r["code"] == MatchReason.TEXT_MATCH), None)
    other = next((r for r in read if r["code"] != MatchReason.TEXT_MATCH), None)
    bar, joiner = (" ｜ ", "；") if lang == "zh" else (" | ", "; ")
    if text:
        words = text["values"]["terms"][:terms]
        line = ("、" if lang == "zh" else ", ").join(words)
        return line + (f"{bar}{render_reason(other, lang)}" if other else "")
    return joiner.join(render_reason(r, lang) for r in read[:2])


def _words(key: str, lang: str, **values: object) -> str:
    return translate(f"cli_{key}", lang, **values)


def record_lines(rec: dict, lang: str = "zh") -> list[str]:
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
    from duijie.api.cli.commands.seed_commands import render_figures

    figures = render_figures(rec.get("published_figures", []), lang)
    lines = [_words("replay_record", lang, published=_words(
        "replay_published", lang, figures=figures) if figures else "",
        planned=rec.get("firms_planned", 0), firms=rec["firms"])]
    if rec.get("signed_pairs") or rec.get("met_pairs"):
        kind = _words("replay_kind_invented" if rec.get("pairs_illustrative")
                      else "replay_kind_recorded", lang)
        if rec.get("pairs_illustrative"):
            lines.append(_words("replay_pairs_invented", lang))
        lines.append(_words("replay_pairs", lang, signed_planned=rec["signed_pairs_planned"],
                            signed=len(rec["signed_pairs"]), kind=kind,
                            met_planned=rec.get("met_pairs_planned", 0),
                            met=len(rec.get("met_pairs", []))))
    return lines


def render_replay(replay: EventReplay, lang: str = "zh") -> str:
    """The replay for an organiser, in `lang`: whom to invite and why, the day-by-day
    schedule with each pair's score and best reasons, and the plan beside the record.

    About 3 + invited + 2 × meetings + days lines (under 80 for the Xi'an trip).

    >>> from duijie.api.services.replay import plan_event
    >>> from duijie.graph import open_store
    >>> from duijie.api.services.seeding import XIAN_EVENT, load_seed
    >>> store = open_store(":memory:")
    >>> _ = load_seed(store)
    >>> replay = plan_event(store, XIAN_EVENT, use_recommender=False)
    >>> text = render_replay(replay)
    >>> print(text.splitlines()[0])
    赴西安精准对接“三服务”活动 · 西安 · 2019-05-23 – 2019-05-23
    >>> len(text.splitlines()) < 80
    True
    >>> render_replay(replay, "en").splitlines()[1].startswith("invite ")
    True
    """
    from duijie.api.cli.words import note_words

    r = replay
    days = sorted({p["start"][:10] for p in r.pairs if p["start"]})
    span = f" · {days[0]} – {days[-1]}" if days else ""
    lines = [_words("replay_head", lang, name=r.event.name, place=r.event.place or "",
                    span=span),
             _words("replay_invited", lang, count=len(r.invitations.invited),
                    covered=f"{r.invitations.covered_weight:g}",
                    total=f"{r.invitations.total_weight:g}")]
    sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
    for c in r.invited:
        covers = sep.join(c["covers"]) or _words("replay_covers_none", lang)
        lines.append(f"  {c['name']} [{kind_label(c['kind'], lang)}]{colon}{covers}")
    tables = sorted({p["table"] for p in r.pairs if p["table"]})
    lines.append(_words("replay_schedule", lang, meetings=len(r.pairs), tables=len(tables)))
    day = None
    for p in r.pairs:
        when = p["start"] or ""
        if when[:10] != day:
            day = when[:10]
            label = (_words("replay_day", lang, month=int(day[5:7]), day=int(day[8:10]),
                            date=day) if day else _words("replay_unscheduled", lang))
            lines.append(f" {label}")
        lines.append(f"  {when[11:16] or '--:--'} {p['table'] or '-':<3} {p['firm_name']}"
                     f" × {p['helper_name']}  {p['score'] or 0:.2f}")
        lines.append(f"        {_short_reasons(p['reasons'], lang=lang)}")
    for pid, why in r.plan.unassigned.items():
        lines.append(_words("replay_unassigned", lang, name=r.names.get(pid, pid),
                            why=note_words(why, r.names)))
    lines += record_lines(r.recorded, lang)
    if r.written is not None:
        counts: dict[str, int] = {}
        for s in r.written["need_status"].values():
            counts[s] = counts.get(s, 0) + 1
        labels = NEED_STATUS_LABELS[lang]
        shown = " · ".join(f"{labels.get(s, s)} {n}" for s, n in sorted(counts.items()))
        lines.append(_words("replay_written", lang, meetings=len(r.written["meetings"]),
                            outcomes=r.written["outcomes"], statuses=shown,
                            follow_ups=len(r.written["follow_ups"]), event=r.event.id))
    return "\n".join(lines)
