"""Match scores for planning an event: firm → helper and need → candidate, with reasons.

The planner does not care where scores come from: the hybrid recommender
(`need_scores`, `recommender_scores`) or a plain topic overlap
(`shared_topic_scores`). Scores for planning an event ignore that event's own
record (`api.services.outcomes.event_record`), so a plan never learns from what
it is about to produce.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from duijie.api.services.outcomes import event_record
from duijie.graph.store import GraphStore
from duijie.graph.vocab import MatchReason
from duijie.matcher.reasons import reason

Reason = dict[str, Any]
"""A structured reason (`matcher.reasons`): code, values, ids."""

Scores = dict[tuple[str, str], tuple[float, list[Reason]]]
Scorer = Callable[[GraphStore, Sequence[str], Sequence[str]],
                  Mapping[tuple[str, str], tuple[float, list[Reason]]]]



def shared_topic_scores(store: GraphStore, firms: Sequence[str], helpers: Sequence[str]
                        ) -> dict[tuple[str, str], tuple[float, list[Reason]]]:
    """A simple, clearly-named fallback scorer: topic overlap of needs and expertise.

    Score = |topics shared| / |topics of the firm's needs| (0 when the firm has
    none), plus 0.1 when both sit in the same region; reasons name the topics.
    The planner does not care where scores come from; `matcher.recommend`'s
    hybrid scores can be passed instead.
    """
    def topics(node_id: str, kinds: tuple[str, ...]) -> dict[str, str]:
        out = {}
        for kind in kinds:
            for _, t in store.neighbours(node_id, kind, "out"):
                out[t.id] = t.name
        return out

    firm_topics = {}
    for f in firms:
        acc: dict[str, str] = {}
        for _, need in store.neighbours(f, "submitted", "out"):
            acc |= topics(need.id, ("about_topic",))
        firm_topics[f] = acc | topics(f, ("has_expertise",))
    helper_topics = {h: topics(h, ("has_expertise",)) for h in helpers}
    nodes = store.get_nodes([*firms, *helpers])
    out = {}
    for f in firms:
        for h in helpers:
            shared = sorted(set(firm_topics[f]) & set(helper_topics[h]))
            score = len(shared) / len(firm_topics[f]) if firm_topics[f] else 0.0
            reasons = [reason(MatchReason.SHARED_TOPIC, {"topic": firm_topics[f][t]},
                              {"topic": t}) for t in shared]
            region = nodes[f].props.get("region")
            if region and region == nodes[h].props.get("region"):
                score += 0.1
                reasons.append(reason(MatchReason.SAME_REGION, {"region": region}))
            out[(f, h)] = (round(min(score, 1.0), 6), reasons)
    return out


def need_scores(store: GraphStore, need_ids: Sequence[str], candidates: Sequence[str], *,
                use_recommender: bool = True, k: int = 200, exclude_event: str | None = None
                ) -> dict[tuple[str, str], tuple[float, list[Reason]]]:
    """Need → candidate scores with reasons: the store's shared recommender (hybrid text +
    graph), or topic overlap when `use_recommender` is False.

    With `exclude_event`, the graph side ignores that event's own record
    (`api.services.outcomes.event_record`): planning an event never ranks or explains
    through the event, its meetings or the outcomes recorded for it. Only the
    candidates are scored and explained (at most `k` per need and kind)."""
    cands = set(candidates)
    kinds = store.kinds_of(candidates)
    out: dict[tuple[str, str], tuple[float, list[Reason]]] = {}
    if use_recommender:
        nodes, edges = event_record(store, exclude_event) if exclude_event else ((), ())
        rec = _recommender(store, nodes, edges)
        wanted = sorted({"expert" if kinds[c] == "Expert" else "institute" for c in cands})
        for need in need_ids:
            for kind in wanted:
                result = rec.recommend(need, kind=kind, k=k, available_only=False,
                                       within=cands)
                for item in result.items:
                    if item.id in cands:
                        out[(need, item.id)] = (round(min(1.0, max(0.0, item.score)), 6),
                                                item.reasons())
        return out
    names = {}
    cand_topics: dict[str, set[str]] = {}
    for c in candidates:
        cand_topics[c] = set()
        for _, t in store.neighbours(c, "has_expertise", "out"):
            cand_topics[c].add(t.id)
            names[t.id] = t.name
    for need in need_ids:
        topics = {}
        for _, t in store.neighbours(need, "about_topic", "out"):
            topics[t.id] = t.name
        for c in candidates:
            shared = sorted(set(topics) & cand_topics[c])
            if shared:
                out[(need, c)] = (round(len(shared) / len(topics), 6),
                                  [reason(MatchReason.SHARED_TOPIC, {"topic": topics[t]},
                                          {"topic": t}) for t in shared])
    return out


def recommender_scores(store: GraphStore, firms: Sequence[str], helpers: Sequence[str], *,
                       exclude_event: str | None = None
                       ) -> dict[tuple[str, str], tuple[float, list[Reason]]]:
    """Firm → helper scores: the best hybrid score over the firm's needs (a `Scorer`;
    `exclude_event` is the event being planned, whose record is ignored)."""
    needs = {f: [n.id for _, n in store.neighbours(f, "submitted", "out")] for f in firms}
    per_need = need_scores(store, [n for ns in needs.values() for n in ns], helpers,
                           exclude_event=exclude_event)
    return firm_scores(needs, helpers, per_need)


def firm_scores(needs: Mapping[str, Sequence[str]], helpers: Sequence[str],
                per_need: Mapping[tuple[str, str], tuple[float, list[Reason]]]
                ) -> dict[tuple[str, str], tuple[float, list[Reason]]]:
    """Firm → helper: the best of the firm's needs' scores (with that need's reasons)."""
    out: dict[tuple[str, str], tuple[float, list[Reason]]] = {}
    for f, ns in needs.items():
        for n in ns:
            for h in helpers:
                got = per_need.get((n, h))
                if got and got[0] > out.get((f, h), (-1.0, []))[0]:
                    out[(f, h)] = got
    return out


def _recommender(store: GraphStore, nodes, edges):
    """The store's shared hybrid recommender without the given nodes and edges."""
    # scikit-learn and jieba: load late
    from duijie.api.services.recommendations import shared_recommender

    return shared_recommender(store, exclude_nodes=nodes, exclude_edges=edges).current()
