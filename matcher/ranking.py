"""One ranking pass of the hybrid recommender: candidates, filters, scores, reasons.

`rank` is what `Recommender.recommend` and `recommend_for` share once they know the
query: text and graph candidates of one kind, the filters (region, availability,
conflicts of interest) with a count of what each left out, the weighted combination
of the normalised components, and each chosen candidate's explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from duijie.graph.errors import InvalidInput
from duijie.matcher.recommend import (
    Party,
    Recommendation,
    RecommendedItem,
    combine,
    conflict_reasons,
    empty_reason,
    normalise,
    top_k,
)

if TYPE_CHECKING:
    from duijie.matcher.recommender import Recommender

CLOSED_NEED = {"signed", "not_pursued", "followed_up"}


def rank(rec: Recommender, kind: str, query_text: str | None, seeds: dict[str, float],
         k: int, *, region: str | None, available_only: bool, firm: Party,
         exclude: set[str], rules_for: str | None, query: dict[str, Any],
         weights: Mapping[str, float], strict_text: bool,
         within: frozenset[str] | None = None, explain: bool = True) -> Recommendation:
    """The best `k` candidates of `kind` for a query's text and graph seeds (without
    matched terms and graph paths when not `explain`: for evaluation over many ranks)."""
    wanted = rec.facts.check_region(region) if region else None
    try:
        text_scores = rec.text_scores(kind, query_text, narrowed=wanted is not None)
    except InvalidInput as exc:
        if strict_text:
            raise InvalidInput(exc.message, value=exc.value, where="text") from None
        query["note"] = f"text not used: {exc.message}"
        query_text, text_scores = None, {}
    pool = None if wanted else max(rec.config.text_pool, 3 * k)
    graph_scores, ppr = rec.graph_scores(kind, seeds, pool)
    if ppr is not None:  # every text (or listed) candidate gets its exact graph score
        for c in [*text_scores, *(within or ())]:
            if c not in graph_scores and c in rec.index and c not in seeds:
                graph_scores[c] = float(ppr[rec.index.index[c]])
    candidates = set(text_scores) | set(graph_scores)
    excluded: dict[str, int] = defaultdict(int)
    allowed = set()
    for c in candidates:
        why = _left_out_because(rec, c, kind, wanted, available_only, firm, exclude)
        if why:
            excluded[why] += 1
        else:
            allowed.add(c)
    components = {"text": normalise({c: text_scores.get(c, 0.0) for c in allowed}),
                  "graph": normalise({c: graph_scores.get(c, 0.0) for c in allowed})}
    rule_results = {}
    if weights.get("rules"):
        for c in allowed:
            rule_results[c] = rec.rules(c, kind, rules_for)
        components["rules"] = {c: r.score for c, r in rule_results.items() if r is not None}
    used = {n: s for n, s in components.items() if n != "rules" or rule_results}
    scores = combine(used, weights)
    # `within` narrows what is returned (and explained), not what is normalised
    # against, so scores mean what they mean in an unrestricted call.
    chosen = top_k({c: s for c, s in scores.items() if c in allowed
                    and (within is None or c in within)}, k)
    items = [_item(rec, c, kind, scores[c], {n: used[n].get(c, 0.0) for n in used},
                   query_text, seeds, rule_results.get(c)) if explain else
             RecommendedItem(c, kind, rec.name(c), scores[c],
                             {n: used[n].get(c, 0.0) for n in used})
             for c in chosen]
    reason = None
    if not items and not candidates:
        n_all = len(rec.rows.get(kind, ()))
        reason = (empty_reason(kind, 0, {}) if not n_all else
                  f"没有{kind}类候选与该需求共享词语或图谱关联 (no {kind} shares a term "
                  "or a graph link with the query)")
    elif not items:
        reason = empty_reason(kind, len(candidates), excluded)
    elif len(items) < k:
        reason = f"只有{len(items)}个候选符合条件 (only {len(items)} candidates qualify)"
    return Recommendation(query, items, reason, dict(excluded))


def _left_out_because(rec: Recommender, c: str, kind: str, wanted: str | None,
                      available_only: bool, firm: Party, exclude: set[str]) -> str | None:
    props = rec.props.get(c, {})
    if c in exclude:
        return "查询对象本身"
    if wanted and wanted not in rec.facts.regions_of(c):
        return f"地区不在{wanted}"
    if available_only and kind == "Expert" and props.get("max_meetings") == 0:
        return "专家暂不接受对接"
    if available_only and kind == "Need" and props.get("status") in CLOSED_NEED:
        return "需求已关闭"
    reasons = conflict_reasons(firm, c, kind, props, rec.facts.affiliations(c)
                               if kind == "Expert" and firm.id else ())
    return reasons[0] if reasons else None


def _item(rec: Recommender, c: str, kind: str, score: float, components: dict[str, float],
          query_text: str | None, seeds: Mapping[str, float], rules) -> RecommendedItem:
    terms = rec.matched_terms(kind, c, query_text)
    # `explain` already gives whole words of the need, strongest first; a word
    # inside a longer matched word (红外探测 in 红外探测器) adds nothing.
    words = list(dict.fromkeys(t["term"] for t in terms))
    phrases = [w for w in words if not any(w != o and w in o for o in words)][:8]
    return RecommendedItem(c, kind, rec.name(c), score, components, terms,
                           rec.paths(seeds, c),
                           rules.to_dict() if rules is not None else None,
                           rec.props.get(c, {}).get("region"), phrases)
