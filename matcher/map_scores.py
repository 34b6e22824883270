"""Experts and institutes scored for many needs at once: the innovation map's strong
suppliers without one full, explained ranking per need.

`strong_suppliers` is the one definition of a strong supplier the map uses (the CLI,
the JSON and the page all draw the same map): a candidate among a need's `k` best of
its kind whose score is at least `strong`. The score is the recommender's
(`Recommender.recommend`, `matcher.ranking.rank`): the need's text against the
candidate's profile (the same index query a need's page makes, with the same rule that
the words shown must carry the text score), plus closeness in the graph, weighted as the
config says. Only the graph part differs, by `graph`:

- ``"per_need"`` (the map's, `api.services.innovation_map.GRAPH`): one personalised
  PageRank per need from its own seeds (the need, its firm, topics and region, the
  firm's past partners): exactly a need's page, the same scores and verdicts. The
  needs' PageRanks are solved in batches (`GraphIndex.pagerank_vectors`), each vector
  bit for bit the one a need's page computes alone.
- ``"joint"``: one personalised PageRank from every need's seeds
  together (each need's seed weights added up), and every seed of any need left out of
  the graph part, as a need's page leaves out its own seeds (their restart mass would
  swamp it). The graph part then says how close a candidate is to the map's firms and
  needs as a whole, not to the one need; the text part is the need's own. With a single
  need on the map the two are the same. Measured on 198 needs of a 200k-node graph it
  called 41 needs served that their pages do not (it never found the reverse), so the
  map does not use it.

Work saved in both: the matched words (the shown-words rule, the costly part of an
explained ranking) are read only for candidates whose score before that rule reaches
`strong` (the rule only ever lowers a score), plus the single best candidate of a need
that has no strong one, and among those only the ones whose score at an upper bound of
their share (`Recommender.share_bounds`, many at once from the index arrays) still
reaches the top, as a page ranks; explanation paths are not computed (they never change
a score); one PageRank serves both kinds. With stored embeddings (`rec.semantic`) the meaning
part is not batched: every need is then ranked by the page's own path.

>>> from duijie.matcher.recommender import Recommender
>>> from duijie.matcher.snapshot import GraphSnapshot
>>> snap = GraphSnapshot.from_records(
...     [("need:ir", "Need", {"title": "红外探测器降噪"}),
...      ("inst:opt", "Institute", {"name": "光机所", "description": "红外探测器 光学"}),
...      ("inst:cf", "Institute", {"name": "材料所", "description": "碳纤维 复合材料"})], [])
>>> found = strong_suppliers(Recommender(snap), ["need:ir"], kinds=("Institute",), strong=0.5)
>>> found.matches, found.best["need:ir"][0]
({('need:ir', 'inst:opt'): 0.6}, 'inst:opt')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from duijie.graph.errors import InvalidInput
from duijie.matcher.innovation_map import DEFAULT_STRONG, SUPPLIER_KINDS
from duijie.matcher.ranking import _left_out_because, _shown_words_carry_the_text
from duijie.matcher.recommend import combine, normalise, seed_weights

if TYPE_CHECKING:
    from duijie.matcher.recommender import Recommender

GRAPH_MODES = ("joint", "per_need")


@dataclass
class SupplierScores:
    """What the map needs of the scores.

    ``matches``: ``{(need, candidate): score}`` for every strong supplier of a need (at
    most `k` of each kind, best first); ``best``: ``{need: (candidate, score)}``, the best
    candidate of any kind (a strong one when there is one; the first kind given wins a
    tie); a need no candidate scores is missing.
    """

    strong: float
    graph: str
    matches: dict[tuple[str, str], float] = field(default_factory=dict)
    best: dict[str, tuple[str, float]] = field(default_factory=dict)


def strong_suppliers(rec: Recommender, need_ids: Iterable[str], *,
                     kinds: Sequence[str] = ("Expert", "Institute"), k: int = 3,
                     strong: float = DEFAULT_STRONG, graph: str = "per_need"
                     ) -> SupplierScores:
    """Each need's strong suppliers of each kind and its best candidate (see the module).

    Raises
    ------
    InvalidInput
        A kind that is not Expert or Institute, `k` below 1, `strong` outside [0, 1],
        an unknown `graph` mode, a need id the recommender does not know as a need.
    """
    bad = [kind for kind in kinds if kind not in SUPPLIER_KINDS]
    if bad or not kinds:
        raise InvalidInput(f"must be among {sorted(SUPPLIER_KINDS)}", value=bad or kinds,
                           where="kinds")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInput("must be an integer >= 1", value=k, where="k")
    if not 0 <= strong <= 1:
        raise InvalidInput("must be between 0 and 1", value=strong, where="strong")
    if graph not in GRAPH_MODES:
        raise InvalidInput(f"must be one of {', '.join(GRAPH_MODES)}", value=graph,
                           where="graph")
    need_ids = list(dict.fromkeys(need_ids))
    unknown = [n for n in need_ids if rec.kind_of.get(n) != "Need"]
    if unknown:
        raise InvalidInput("are not known needs", value=unknown[:5], where="needs")
    out = SupplierScores(strong, graph)
    if rec.semantic is not None:  # meaning is not batched: the page's own path
        _by_pages(rec, need_ids, kinds, k, out)
        return out
    queries = {n: _need_seeds(rec, n) for n in need_ids}
    joint = None
    if graph == "joint":
        together: dict[str, float] = {}
        for _, _, seeds in queries.values():
            for s, w in seeds.items():
                together[s] = together.get(s, 0.0) + w
        joint = (_ppr(rec, together), frozenset(together), {})
    vectors = _per_need_pageranks(rec, [queries[n][2] for n in need_ids]) if not joint else None
    for need in need_ids:
        text, firm, seeds = queries[need]
        x, skip, pools = joint or (next(vectors), frozenset(seeds), {})
        ranked = [_scored(rec, need, kind, text, firm, x, skip, pools, k) for kind in kinds]
        strong_items = []
        for pool, used, terms, read, weights, bound in ranked:
            above = {c: s for c, s in pool.items() if s >= strong}
            chosen, _ = _shown_words_carry_the_text(read, above, used, weights, k, terms,
                                                    bound=bound)
            pool.update(above)
            strong_items.append([(c, above[c]) for c in chosen if above[c] >= strong])
        for items in strong_items:
            for c, score in items:
                out.matches[(need, c)] = score
        tops = [items[0] for items in strong_items if items]
        if not tops:  # a weak need: its best one, to be named as the gap's nearest
            for pool, used, terms, read, weights, bound in ranked:
                chosen, _ = _shown_words_carry_the_text(read, pool, used, weights, 1, terms,
                                                        bound=bound)
                tops += [(c, pool[c]) for c in chosen]
        for c, score in tops:
            if score > out.best.get(need, (None, -1.0))[1]:
                out.best[need] = (c, score)
    return out


def _need_seeds(rec: Recommender, need: str) -> tuple[str | None, str | None, dict]:
    """A need's query text, firm and PageRank seeds, as `Recommender.recommend` sets them."""
    firm = rec.firm_of(need)
    roles = rec.need_roles(need)
    if firm is not None:
        rec.add_firm_roles(firm, roles)
    seeds = {s: w for s, w in seed_weights(roles, rec.config.seed_weights).items()
             if s in rec.index}
    return rec.need_query(need), firm, seeds


def _ppr(rec: Recommender, seeds: dict[str, float]) -> np.ndarray | None:
    if not seeds:
        return None
    cfg = rec.config
    return rec.index.pagerank_vector(seeds, alpha=cfg.alpha, tol=cfg.tol, method=cfg.method)


def _per_need_pageranks(rec: Recommender, seed_sets: list[dict[str, float]]
                        ) -> Iterator[np.ndarray | None]:
    """Each need's PageRank in turn (None without seeds), solved in batches: the same
    vectors, bit for bit, as `Recommender.graph_scores` computes one at a time."""
    cfg = rec.config
    solved = rec.index.pagerank_vectors([s for s in seed_sets if s], alpha=cfg.alpha,
                                        tol=cfg.tol, method=cfg.method)
    for seeds in seed_sets:
        yield next(solved) if seeds else None


def _graph_pool(rec: Recommender, kind: str, x: np.ndarray, skip: frozenset[str],
                pool: int) -> dict[str, float]:
    """The best `pool` candidates of `kind` by PageRank, seeds left out (as
    `Recommender.graph_scores`)."""
    rows = rec.rows.get(kind, np.zeros(0, np.int64))
    values = x[rows]
    if len(rows) > pool:
        best = np.argpartition(-values, pool - 1)[:pool]
        rows, values = rows[best], values[best]
    ids = rec.index.node_ids
    return {ids[r]: float(v) for r, v in zip(rows.tolist(), values.tolist(), strict=True)
            if ids[r] not in skip}


def _scored(rec: Recommender, need: str, kind: str, query_text: str | None,
            firm: str | None, x: np.ndarray | None, skip: frozenset[str], pools: dict,
            k: int):
    """One need's candidates of one kind scored before the shown-words rule, as
    `matcher.ranking.rank` scores them (no region filter, unavailable experts kept)."""
    try:
        text = rec.text_scores(kind, query_text, narrowed=False)
    except InvalidInput:  # nothing searchable in the need's words: graph only
        query_text, text = None, {}
    graph_scores: dict[str, float] = {}
    if x is not None:
        if kind not in pools:
            pools[kind] = _graph_pool(rec, kind, x, skip, max(rec.config.text_pool, 3 * k))
        graph_scores = dict(pools[kind])
        for c in text:
            if c not in graph_scores and c in rec.index and c not in skip:
                graph_scores[c] = float(x[rec.index.index[c]])
    party = rec.facts.party(firm)
    allowed = {c for c in set(text) | set(graph_scores)
               if not _left_out_because(rec, c, kind, None, False, party, {need})}
    used = {"text": normalise({c: text.get(c, 0.0) for c in allowed}),
            "graph": normalise({c: graph_scores.get(c, 0.0) for c in allowed})}
    weights = rec.config.weights[kind]
    scores = combine(used, weights)
    pool = {c: s for c, s in scores.items() if c in allowed}
    return (pool, used, {}, partial(rec.explained_text, kind, query_text=query_text), weights,
            partial(rec.share_bounds, kind, query_text))


def _by_pages(rec: Recommender, need_ids: list[str], kinds: Sequence[str], k: int,
              out: SupplierScores) -> None:
    for need in need_ids:
        for kind in kinds:
            ranked = rec.recommend(need, kind=kind, k=k, available_only=False)
            for rank_, item in enumerate(ranked.items):
                if item.score >= out.strong:
                    out.matches[(need, item.id)] = item.score
                if rank_ == 0 and item.score > out.best.get(need, (None, -1.0))[1]:
                    out.best[need] = (item.id, item.score)


def agreement(a: SupplierScores, b: SupplierScores) -> dict[str, int]:
    """How two scorings of the same needs agree on strong/weak verdicts: needs strong in
    both, weak in both, and strong in only one of them.

    >>> one = SupplierScores(0.6, "joint", best={"n1": ("x", 0.7), "n2": ("y", 0.2)})
    >>> agreement(one, SupplierScores(0.6, "per_need", best={"n1": ("x", 0.5)}))
    {'strong_both': 0, 'weak_both': 1, 'only_first': 1, 'only_second': 0}
    """
    needs = set(a.best) | set(b.best)
    out = {"strong_both": 0, "weak_both": 0, "only_first": 0, "only_second": 0}
    for need in needs:
        first = a.best.get(need, (None, 0.0))[1] >= a.strong
        second = b.best.get(need, (None, 0.0))[1] >= b.strong
        key = ("strong_both" if first and second else "weak_both" if not (first or second)
               else "only_first" if first else "only_second")
        out[key] += 1
    return out
