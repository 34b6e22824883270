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

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from duijie.graph.errors import InvalidInput
from duijie.matcher.innovation_map import DEFAULT_STRONG, SUPPLIER_KINDS
from duijie.matcher.ranking import _left_out_because, _phrases, may_be_left_out
from duijie.matcher.recommend import seed_weights

if TYPE_CHECKING:
    from duijie.matcher.recommender import Recommender

GRAPH_MODES = ("joint", "per_need")
_SLACK = 1e-9  # above any rounding of a score to 12 places
_OPEN = 16
"""Candidates first looked at together (their conflicts checked, then their shares
bounded in one call): one `share_bounds` call costs about as much for 16 as for 4
(bounding all of a need's few hundred at once, measured, costs more than the batches).
Each time a need's bounds are not enough, twice as many are looked at next, up to
`_OPEN_MAX`: a need whose candidates' shown words carry little of their text went
through 50 calls of 16."""
_OPEN_MAX = 256


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
        joint = (_ppr(rec, together), _rows(rec, together), {})
    vectors = _per_need_pageranks(rec, [queries[n][2] for n in need_ids]) if not joint else None
    for need in need_ids:
        text, firm, seeds = queries[need]
        x, skip, pools = joint or (next(vectors), _rows(rec, seeds), {})
        party = rec.facts.party(firm)
        ranked = [_Candidates(rec, need, kind, text, party, x, skip, pools, k)
                  for kind in kinds]
        strong_items = [[(c, s) for c, s in r.best(k, at_least=strong) if s >= strong]
                        for r in ranked]
        for items in strong_items:
            for c, score in items:
                out.matches[(need, c)] = score
        tops = [items[0] for items in strong_items if items]
        if not tops:  # a weak need: its best one, to be named as the gap's nearest
            _best_of_any_kind(need, ranked, out)
        for c, score in tops:
            if score > out.best.get(need, (None, -1.0))[1]:
                out.best[need] = (c, score)
    return out


def _best_of_any_kind(need: str, ranked: list[_Candidates], out: SupplierScores) -> None:
    """A need's best candidate of any kind, a tie going to the kind given first (as the
    pages' tops compared in turn). The kind whose candidates score most before the rule
    is looked at first: the others then need only look at what could beat it."""
    first = -1  # the kind the best so far is of
    for j in sorted(range(len(ranked)), key=lambda j: -ranked[j].ceiling()):
        if need not in out.best:
            found = ranked[j].best(1)
        elif j < first:  # given before it: a tie is enough
            floor = out.best[need][1]
            found = [f for f in ranked[j].best(1, at_least=floor) if f[1] >= floor]
        else:
            found = ranked[j].best(1, above=out.best[need][1])
        if found:
            out.best[need], first = found[0], j


def _need_seeds(rec: Recommender, need: str) -> tuple[str | None, str | None, dict]:
    """A need's query text, firm and PageRank seeds, as `Recommender.recommend` sets them."""
    firm = rec.firm_of(need)
    roles = rec.need_roles(need)
    if firm is not None:
        rec.add_firm_roles(firm, roles)
    seeds = {s: w for s, w in seed_weights(roles, rec.config.seed_weights).items()
             if s in rec.index}
    return rec.need_query(need), firm, seeds


def _rows(rec: Recommender, seeds: Iterable[str]) -> np.ndarray:
    """The graph rows of these seeds (all of them are in the index)."""
    return np.array([rec.index.index[s] for s in seeds], np.int64)


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


def _graph_pool(rec: Recommender, kind: str, x: np.ndarray, skip: np.ndarray, pool: int
                ) -> np.ndarray:
    """The graph rows of the best `pool` candidates of `kind` by PageRank, seeds (`skip`,
    their rows) left out (as `Recommender.graph_scores`)."""
    rows = rec.rows.get(kind, np.zeros(0, np.int64))
    if len(rows) > pool:
        rows = rows[np.argpartition(-x[rows], pool - 1)[:pool]]
    return rows[~np.isin(rows, skip)]


class _Candidates:
    """One need's candidates of one kind, scored before the shown-words rule as
    `matcher.ranking.rank` scores them (no region filter, unavailable experts kept), as
    arrays; `best` then applies the rule to as few of them as the answer needs.

    Exact where it counts: the combined score is the page's sum (the same float
    operations, numpy's elementwise), rounded with Python's `round` when a candidate is
    looked at; conflicts of interest (`_left_out_because`) are checked only for the
    candidates that set a component's maximum or are looked at, which leaves every
    score and every answer as checking all would.
    """

    def __init__(self, rec: Recommender, need: str, kind: str, query_text: str | None,
                 party, x: np.ndarray | None, skip: np.ndarray, pools: dict,
                 k: int):
        self.rec, self.need, self.kind, self.party = rec, need, kind, party
        self.itself = {need}
        self.suspects = may_be_left_out(rec, party, kind) | self.itself
        try:
            ids, t_raw, rows = rec.text_top(kind, query_text)
        except InvalidInput:  # nothing searchable in the need's words: graph only
            query_text, (ids, t_raw, rows) = None, rec.text_top(kind, None)
        self.query_text = query_text
        g_raw = np.zeros(len(ids))
        if x is not None:
            # a candidate's PageRank unless it is a seed (`Recommender.graph_scores`)
            known = (rows >= 0) & ~np.isin(rows, skip)
            g_raw[known] = x[rows[known]]
            if kind not in pools:
                pools[kind] = _graph_pool(rec, kind, x, skip, max(rec.config.text_pool, 3 * k))
            more = pools[kind][~np.isin(pools[kind], rows)]  # by graph alone
            names = rec.index.node_ids
            ids = ids + [names[r] for r in more.tolist()]
            t_raw = np.r_[t_raw, np.zeros(len(more))]
            g_raw = np.r_[g_raw, x[more]]
        self.ids = ids
        self._allowed: dict[int, bool] = {}
        weights = rec.config.weights[kind]
        total = sum(weights.get(c, 0.0) for c in ("text", "graph")) or 1.0
        w_text, w_graph = weights.get("text", 0.0) / total, weights.get("graph", 0.0) / total
        self.text = self._normalised(t_raw)
        graph_part = self._normalised(g_raw)
        # `matcher.recommend.combine`: 0.0 + w·text, then + w·graph (a zero weight adds
        # nothing there, so nothing here)
        pre = np.zeros(len(ids))
        if w_text:
            pre = pre + w_text * self.text
        if w_graph:
            pre = pre + w_graph * graph_part
        self.pre = pre
        self.order = np.argsort(-pre, kind="stable")
        # `_shown_words_carry_the_text`'s weight of the text component
        self.text_weight = weights.get("text", 0.0) / total
        self.step = _OPEN  # candidates looked at together next
        self.ranked: dict[int, float] = {}  # looked at: the score as rounded, bounded or exact
        self.bounded: set[int] = set()
        self.exact: set[int] = set()

    def ceiling(self) -> float:
        """No candidate scores more than this (-1 without candidates)."""
        return float(self.pre.max()) + _SLACK if len(self.pre) else -1.0

    def allowed(self, i: int) -> bool:
        found = self._allowed.get(i)
        if found is None:
            c = self.ids[i]
            found = self._allowed[i] = c not in self.suspects or not _left_out_because(
                self.rec, c, self.kind, None, False, self.party, self.itself)
        return found

    def _normalised(self, raw: np.ndarray) -> np.ndarray:
        """`matcher.recommend.normalise` over the allowed candidates: each divided by the
        largest allowed value (found by checking the largest values first)."""
        top = 0.0
        for i in np.argsort(-raw, kind="stable").tolist():
            if raw[i] <= 0:
                break
            if self.allowed(i):
                top = float(raw[i])
                break
        if top <= 0:
            return np.zeros(len(raw))
        return np.maximum(raw, 0.0) / top

    def _carrying(self, i: int, carried: float) -> float:
        """The score when the shown words carry `carried` of the text (as
        `matcher.ranking._shown_words_carry_the_text`)."""
        score, t = round(float(self.pre[i]), 12), float(self.text[i])
        if t > 0 and carried < 1.0:
            score = round(max(score - self.text_weight * t * (1.0 - carried), 0.0), 12)
        return score

    def best(self, k: int, at_least: float | None = None, above: float | None = None
             ) -> list[tuple[str, float]]:
        """The `k` best once the shown-words rule is applied, best first, ties by id: a
        need's page's items. With `at_least` (`above`), only the candidates scoring at
        least (more than) that count: one whose bound falls below is dropped unexplained,
        and fewer than `k` may come back."""
        ranked, order, pre, ids = self.ranked, self.order, self.pre, self.ids
        opened: list[int] = []
        at = 0

        def counts(i: int) -> bool:  # `ranked` never falls below what a candidate scores
            return ((at_least is None or ranked[i] >= at_least)
                    and (above is None or ranked[i] > above))

        def chosen() -> list[int]:
            return heapq.nsmallest(k, opened, key=lambda i: (-ranked[i], ids[i]))

        while True:
            while at < len(order):  # open candidates until none unopened can reach the top
                upper = float(pre[order[at]]) + _SLACK
                if (at_least is not None and upper < at_least) or (
                        above is not None and upper <= above):
                    at = len(order)
                    break
                top = chosen()
                if len(top) == k and ranked[top[-1]] > upper:
                    break
                for i in order[at:at + self.step].tolist():
                    if not self.allowed(i):
                        continue
                    if i not in ranked:
                        ranked[i] = round(float(pre[i]), 12)
                        if self.text[i] <= 0:  # no text: the rule changes nothing
                            self.bounded.add(i)
                            self.exact.add(i)
                    if counts(i):
                        opened.append(i)
                at += self.step
            top = chosen()
            loose = [i for i in top if i not in self.bounded]
            if loose:
                batch = [i for i in opened if i not in self.bounded]
                bounds = self.rec.share_bounds(self.kind, self.query_text,
                                               [ids[i] for i in batch])
                for i in batch:
                    ranked[i] = self._carrying(i, bounds[ids[i]])
                    self.bounded.add(i)
                self.step = min(2 * self.step, _OPEN_MAX)
                opened = [i for i in opened if counts(i)]
                continue
            todo = [i for i in top if i not in self.exact]
            if not todo:
                return [(ids[i], ranked[i]) for i in top if counts(i)]
            for i in todo:
                terms, carried = self.rec.explained_text(self.kind, ids[i], self.query_text)
                if not _phrases(terms):
                    carried = 0.0
                ranked[i] = self._carrying(i, carried)
                self.exact.add(i)
            opened = [i for i in opened if counts(i)]


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
