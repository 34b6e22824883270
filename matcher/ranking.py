"""One ranking pass of the hybrid recommender: candidates, filters, scores, reasons.

`rank` is what `Recommender.recommend` and `recommend_for` share once they know the
query: text and graph candidates of one kind, the filters (region, availability,
conflicts of interest) with a count of what each left out, the weighted combination
of the normalised components, and each chosen candidate's explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from duijie.graph.errors import InvalidInput
from duijie.matcher.meaning import (
    combine_by_share,
    meaning_component,
    meaning_shares,
    nearest,
    query_vector,
    similarities,
    split_weights,
)
from duijie.matcher.notes import note
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


@dataclass(frozen=True)
class Forward:
    """The reverse direction read the forward way: `text` gives each need the asking
    candidate's forward text score (relative to every candidate for that need), and
    `explain` the need's words the candidate matched, with the share they carry."""

    text: Callable[[Iterable[str]], dict[str, float]]
    explain: Callable[[str], tuple[list[dict], float]]


def rank(rec: Recommender, kind: str, query_text: str | None, seeds: dict[str, float],
         k: int, *, region: str | None, available_only: bool, firm: Party,
         exclude: set[str], rules_for: str | None, query: dict[str, Any],
         weights: Mapping[str, float], strict_text: bool,
         within: frozenset[str] | None = None, explain: bool = True,
         topical: Callable[[str], bool] | None = None,
         forward: Forward | None = None, query_node: str | None = None,
         shown_rules: bool = True) -> Recommendation:
    """The best `k` candidates of `kind` for a query's text and graph seeds.

    A candidate's text component counts only if the words it matched can be shown
    (`_shown_words_carry_the_text`); with `topical` (programmes), a candidate with
    neither shown words nor a topic or industry in common with the query is left out
    (counted in ``excluded``), however eligible or near it is. Without `explain` (for
    evaluation over many ranks) the items carry no words, paths or rules, but both rules
    still rank them: the same ids, scores and components as the explained answer (the
    exact share is computed only for candidates whose share bound lets them reach the
    best `k`). `shown_rules=False` drops both rules and ranks by the plain weighted sum
    (for ranking a whole population, where explaining every candidate costs too much).

    With `forward` (the reverse direction), a need's text component is the forward one:
    how the asking expert or institute scores among every candidate for that need's own
    text, and its words are the need's words the candidate matched, so both directions
    read the same match the same way.

    With stored embeddings (`rec.semantic`), part of the text weight goes to meaning
    (`matcher.meaning`): the query's vector (`query_node`'s stored profile, else the
    encoded text) against each candidate's, and when words find fewer than `k`
    candidates the nearest by meaning join them.
    """
    wanted = rec.facts.check_region(region) if region else None
    try:
        text_scores = rec.text_scores(kind, query_text, narrowed=wanted is not None)
    except InvalidInput as exc:
        if strict_text:
            raise InvalidInput(exc.message, value=exc.value, where="text") from None
        query["note"] = note("text_not_used", message=exc.message)
        query_text, text_scores = None, {}
    pool = None if wanted else max(rec.config.text_pool, 3 * k)
    graph_scores, ppr = rec.graph_scores(kind, seeds, pool)
    meaning = (query_vector(rec, query_node, query_text)
               if rec.semantic is not None and weights.get("text") else None)
    by_meaning = ({c: s for c, s in nearest(rec, kind, meaning, 3 * k).items()
                   if c not in seeds and c != query_node}
                  if meaning is not None and len(text_scores) < k else {})
    if ppr is not None:  # every text (or listed) candidate gets its exact graph score
        for c in [*text_scores, *by_meaning, *(within or ())]:
            if c not in graph_scores and c in rec.index and c not in seeds:
                graph_scores[c] = float(ppr[rec.index.index[c]])
    candidates = set(text_scores) | set(graph_scores) | set(by_meaning)
    excluded: dict[str, int] = defaultdict(int)
    allowed = set()
    listed = candidates
    if wanted:  # outside the region: counted by set operations, not one by one
        listed = candidates & (rec.facts.in_region(kind, wanted) | exclude)
        if len(listed) < len(candidates):
            excluded[note("left_out_region", region=wanted)] += len(candidates) - len(listed)
    for c in listed:
        why = _left_out_because(rec, c, kind, wanted, available_only, firm, exclude)
        if why:
            excluded[why] += 1
        else:
            allowed.add(c)
    components = {"text": _forward_text(forward, allowed, text_scores, graph_scores, k)
                  if forward else normalise({c: text_scores.get(c, 0.0) for c in allowed}),
                  "graph": normalise({c: graph_scores.get(c, 0.0) for c in allowed})}
    mirrored: set[str] = set()  # no vector yet: meaning mirrors the lexical score
    shares: dict[str, float] = {}  # each candidate's share of the text weight for meaning
    if meaning is not None:
        sims = similarities(rec, allowed, meaning)
        if any(v is not None for v in sims.values()):
            components["meaning"] = meaning_component(sims, components["text"])
            mirrored = {c for c, v in sims.items() if v is None}
            shares = meaning_shares(rec, allowed, query_node, query_text)
    rule_results = {}
    if weights.get("rules"):
        for c in allowed:
            rule_results[c] = rec.rules(c, kind, rules_for)
        components["rules"] = {c: r.score for c, r in rule_results.items() if r is not None}
    used = {n: s for n, s in components.items() if n != "rules" or rule_results}
    scores = combine_by_share(used, weights, shares) if shares else combine(used, weights)
    # `within` narrows what is returned (and explained), not what is normalised
    # against, so scores mean what they mean in an unrestricted call.
    pool = {c: s for c, s in scores.items() if c in allowed and (within is None or c in within)}
    if not explain and not shown_rules:
        chosen = top_k(pool, k)
    else:
        read_words = (forward.explain if forward else
                      partial(rec.explained_text, kind, query_text=query_text))
        bound = None if forward else partial(rec.share_bounds, kind, query_text)
        chosen, terms = _shown_words_carry_the_text(read_words, pool, used, weights, k,
                                                    mirrored=mirrored, bound=bound,
                                                    shares=shares)
        # Programmes: fit first, never region or eligibility alone.
        while topical is not None and (off := [c for c in chosen if not _phrases(terms[c])
                                               and not topical(c)]):
            excluded[note("off_topic")] += len(off)
            for c in off:
                del pool[c]
            chosen, terms = _shown_words_carry_the_text(read_words, pool, used, weights,
                                                        k, terms, mirrored=mirrored,
                                                        bound=bound, shares=shares)
    if not explain:
        items = [RecommendedItem(c, kind, rec.name(c), pool[c],
                                 {n: used[n].get(c, 0.0) for n in used},
                                 illustrative=bool(rec.props.get(c, {}).get("illustrative")))
                 for c in chosen]
    else:
        own = {firm.id, *exclude} - {None}
        reach: dict = {}  # the walks from the seeds, gathered once for every item
        items = [_item(rec, c, kind, pool[c], {n: used[n].get(c, 0.0) for n in used},
                       terms[c], seeds, rule_results.get(c), own, reach, tuple(chosen))
                 for c in chosen]
    reason = None
    if not items and not candidates:
        n_all = len(rec.rows.get(kind, ()))
        reason = (empty_reason(kind, 0, {}) if not n_all else note("nothing_shared", kind=kind))
    elif not items:
        reason = empty_reason(kind, len(candidates), excluded)
    elif len(items) < k:
        reason = note("only_some", count=len(items))
    return Recommendation(query, items, reason, dict(excluded))


def _forward_text(forward: Forward, allowed: set[str], text_scores: Mapping[str, float],
                  graph_scores: Mapping[str, float], k: int) -> dict[str, float]:
    """Forward text scores for the needs the reverse scores put in reach (the best
    ``2k + 10`` by text and by graph: one text query each); the rest score 0."""
    reach = 2 * k + 10
    pool = set(top_k({c: text_scores.get(c, 0.0) for c in allowed}, reach))
    pool |= set(top_k({c: graph_scores.get(c, 0.0) for c in allowed}, reach))
    found = forward.text(sorted(pool))
    return {c: found.get(c, 0.0) for c in allowed}


def _left_out_because(rec: Recommender, c: str, kind: str, wanted: str | None,
                      available_only: bool, firm: Party, exclude: set[str]) -> str | None:
    props = rec.props.get(c, {})
    if c in exclude:
        return note("left_out_self")
    if wanted and wanted not in rec.facts.regions_of(c):
        return note("left_out_region", region=wanted)
    if available_only and kind == "Expert" and props.get("max_meetings") == 0:
        return note("expert_unavailable")
    if available_only and kind == "Need" and props.get("status") in CLOSED_NEED:
        return note("need_closed")
    reasons = conflict_reasons(firm, c, kind, props, rec.facts.affiliations(c)
                               if kind == "Expert" and firm.id else ())
    return reasons[0] if reasons else None


def may_be_left_out(rec: Recommender, firm: Party, kind: str) -> frozenset[str]:
    """Every candidate of `kind` that `_left_out_because` could leave out for `firm` with
    no region wanted and unavailable candidates kept (more may be listed; no other is ever
    left out): the firm's organisations (its group's included) and, for experts, those
    affiliated with one of them by edge or by name. Checking only these saves the check
    of each of hundreds of candidates."""
    if firm.id is None and not firm.name:
        return frozenset()
    found = set(firm.org_ids) | ({firm.id} if firm.id else set())
    if kind == "Expert":
        for org in list(found):
            found.update(rec.snapshot.neighbours(org, "affiliated_with", "in"))
        if firm.name:
            found |= rec.facts.experts_named_at(firm.name)
    return frozenset(found)


def _phrases(terms: list[dict]) -> list[str]:
    """The matched words shown to people: `explain` already gives whole words of the need,
    strongest first, without generic ones; a word inside a longer matched word (红外探测
    in 红外探测器) adds nothing."""
    words = list(dict.fromkeys(t["term"] for t in terms))
    return [w for w in words if not any(w != o and w in o for o in words)][:8]


def _shown_words_carry_the_text(read_words: Callable[[str], tuple[list[dict], float]],
                                pool: dict[str, float], used: dict[str, dict[str, float]],
                                weights: Mapping[str, float], k: int,
                                terms: dict[str, list[dict]] | None = None,
                                mirrored: set[str] = frozenset(),
                                bound: Callable[[list[str]], dict[str, float]] | None = None,
                                shares: Mapping[str, float] | None = None
                                ) -> tuple[list[str], dict[str, list[dict]]]:
    """The best `k` of `pool` once every one of them shows the words its text score
    comes from.

    A candidate's text component keeps only the share its shown words carry
    (`Recommender.explained_text`): what generic words (专家, 长期) and fragments (力传 of
    电力传感器) add is dropped, so no one reads "文本 0.99" with no matched word and no
    candidate wins on a generic word. Candidates are
    explained best first until the best `k` all hold (`pool` and `used["text"]` are
    changed in place for those explained); the matched terms found are returned for the
    explanations. A `mirrored` candidate's meaning is its lexical score (no stored vector
    yet), so it keeps the same share.

    `bound` gives an upper bound of the share for many candidates at once
    (`Recommender.share_bounds`): the others are ranked by their score at that bound
    until explained, so far fewer are explained, and the best `k` are the same (a
    candidate's score only falls when it is explained, never below its exact score).

    With `shares` (meaning's share of each candidate's text weight,
    `matcher.meaning.meaning_shares`) `weights` are the config's, split per candidate.
    """
    terms = {} if terms is None else terms
    text = used.get("text", {})
    meaning = used.get("meaning", {})

    def normalised(split: Mapping[str, float]) -> tuple[float, float]:
        total = sum(split.get(n, 0.0) for n in used) or 1.0
        return split.get("text", 0.0) / total, split.get("meaning", 0.0) / total

    plain = normalised(weights)

    def weights_of(c: str) -> tuple[float, float]:  # text's and meaning's, normalised
        if not shares or c not in shares:
            return plain
        return normalised(split_weights(weights, shares[c]))

    def carrying(c: str, carried: float) -> tuple[float, float, float]:
        """The candidate's score, text and meaning when its words carry `carried`."""
        score, t, m = pool[c], text.get(c, 0.0), meaning.get(c, 0.0)
        if t > 0 and carried < 1.0:
            weight, meaning_weight = weights_of(c)
            score = round(max(score - weight * t * (1.0 - carried), 0.0), 12)
            t = round(t * carried, 12)
            if c in mirrored and m > 0:
                score = round(max(score - meaning_weight * m * (1.0 - carried), 0.0), 12)
                m = round(m * carried, 12)
        return score, t, m

    # Explained: the exact score; bounded: the score at the bound; else the score as if
    # every word were shown. Bounds are asked for the best few at a time.
    ranked = dict(pool)
    bounded = set(terms) | {c for c in pool if text.get(c, 0.0) <= 0}
    while True:
        chosen = top_k(ranked, k)
        if bound is not None and any(c not in bounded for c in chosen):
            batch = [c for c in top_k(ranked, 4 * k) if c not in bounded]
            for c, at_most in bound(batch).items():
                ranked[c] = carrying(c, at_most)[0]
            bounded.update(batch)
            continue
        todo = [c for c in chosen if c not in terms]
        if not todo:
            return chosen, terms
        for c in todo:
            terms[c], carried = read_words(c)
            if not _phrases(terms[c]):
                carried = 0.0
            score, t, m = carrying(c, carried)
            ranked[c] = pool[c] = score
            if c in text:
                text[c] = t
            if c in meaning:
                meaning[c] = m


def _item(rec: Recommender, c: str, kind: str, score: float, components: dict[str, float],
          terms: list[dict], seeds: Mapping[str, float], rules, own: set[str],
          reach: dict | None = None, among: tuple[str, ...] | None = None
          ) -> RecommendedItem:
    phrases = _phrases(terms)
    return RecommendedItem(c, kind, rec.name(c), score, components, terms,
                           rec.paths(seeds, c, own, reach, among),
                           rules.to_dict() if rules is not None else None,
                           rec.props.get(c, {}).get("region"), phrases,
                           bool(rec.props.get(c, {}).get("illustrative")))
