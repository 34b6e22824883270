"""Graph ranking: personalised PageRank on the knowledge graph, and the paths that explain it.

The knowledge graph is ranked as an undirected weighted graph: an expert who
`has_expertise` in a topic is as close to the topic as the topic is to the expert.
Each edge kind has a weight (`RANK_EDGE_WEIGHTS`); parallel edges add up.

Two solvers give the same answer:

* ``method="power"``: power iteration on the cached transition matrix, exactly
  networkx's ``_pagerank_scipy`` loop and stopping rule (L1 change < N * tol);
* ``method="cg"``: conjugate gradients on the symmetric form of the same linear
  system, ``(I - a D^-1/2 A D^-1/2) z = (1 - a) D^-1/2 p`` with ``x ~ D^1/2 z``. The
  system is symmetric positive definite because the graph is undirected, so CG needs
  about a third of the matrix-vector products of power iteration for the same error.
  It stops when the bound on the L1 error (``||residual||_1 / (1 - a)``) is below
  N * tol, which is tighter than what power iteration's stopping rule guarantees.
  (Stopping on networkx's own test, L1 residual < N * tol, saves about three products
  but left an L1 error of about 1 on the 100k-node benchmark graph, against 0.04 for
  power iteration: a residual that small is not a small error for CG.) When the target
  is far above float32 round-off (N * tol >= 1e-4), the products run in float32, which
  reads a third less memory per product;
* ``method="direct"``: the same system solved exactly (round-off only, no tolerance) by
  `matcher.ppr_direct.EliminationSolver`: the graph's leaves are eliminated and the
  small core left is inverted, once per graph version and `alpha`; then a solve costs
  a few sparse passes. Batches (`GraphIndex.pagerank_vectors`) give each seed's vector
  bit for bit as alone. A graph whose core stays over `ppr_direct.CORE_LIMIT` nodes
  (no leaf structure) is solved by ``cg`` instead.

To plan an event without its own record (the event node, its meetings, the `met` and
`signed` edges recorded for it), `GraphIndex.excluding` gives a copy of the index
without those nodes' edges and without those edges; PPR and `matcher.paths` on the
copy can neither rank nor explain through them.

`pagerank_reference` (`matcher.ppr_reference`) is the slow, obviously-correct loop over
a networkx graph that all three are tested against (and against `networkx.pagerank`).

>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("ent:dali", "topic:ir", kind="has_expertise")
>>> _ = g.add_edge("inst:xiguang", "topic:ir", kind="has_expertise")
>>> index = GraphIndex.from_graph(g)
>>> scores = index.pagerank({"ent:dali": 1.0})
>>> max((n for n in scores if n != "ent:dali"), key=scores.get)
'topic:ir'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp

from duijie.graph.errors import InvalidInput, NotFound
from duijie.matcher.ppr_direct import EliminationSolver, sparse_columns
from duijie.matcher.ppr_reference import pagerank_reference

__all__ = [
    "METHODS",
    "RANK_EDGE_WEIGHTS",
    "GraphIndex",
    "Transition",
    "pagerank_reference",
    "personalized_pagerank",
]

RANK_EDGE_WEIGHTS: dict[str, float] = {
    # Strong evidence that two actors work together.
    "signed": 3.0, "collaborated_with": 2.0, "met": 1.5, "affiliated_with": 1.5,
    # What someone knows or asks about: the backbone of matching.
    "has_expertise": 1.0, "about_topic": 1.0, "submitted": 1.0, "awarded": 1.0,
    "supports": 0.8,
    # Weak context: shared by many nodes, so kept light to stop hubs dominating.
    "participated_in": 0.5, "part_of": 0.5, "involves": 0.5, "eligible_for": 0.5,
    "in_industry": 0.3, "organised_by": 0.3, "located_in": 0.2, "has_meeting": 0.2,
    "has_outcome": 0.2,
}
"""Weight of an edge for ranking, by kind; kinds not named use the edge's own
``weight`` attribute (1.0 if it has none)."""
METHODS = ("power", "cg", "direct")
BATCH = 16
"""Seeds solved together by `GraphIndex.pagerank_vectors` (16 vectors of a 200k-node
graph: 25 MB)."""


class Transition:
    """The matrices one adjacency needs for PageRank, built once and reused.

    ``matrix_t`` is the transposed row-normalised transition matrix (``x @ P`` is
    ``matrix_t @ x``), for power iteration; ``symmetric`` is ``D^-1/2 A D^-1/2``, for
    CG (None unless A is symmetric). Each is built on first use.
    """

    def __init__(self, adjacency: sp.csr_array, *, symmetric: bool | None = None):
        a = sp.csr_array(adjacency, dtype=np.float64)
        if a.shape[0] != a.shape[1]:
            raise InvalidInput("must be square", value=a.shape, where="adjacency")
        self.adjacency = _compact(a)
        self.degree = np.asarray(a.sum(axis=1)).ravel()
        self.is_dangling = self.degree <= 0
        self.inv_degree = np.zeros_like(self.degree)
        self.inv_degree[~self.is_dangling] = 1.0 / self.degree[~self.is_dangling]
        self._is_symmetric = symmetric
        self._matrix_t: sp.csr_array | None = None
        self._symmetric: sp.csr_array | None = None
        self._symmetric32: sp.csr_array | None = None
        self.root_degree = np.sqrt(self.degree)
        self.inv_root_degree = np.sqrt(self.inv_degree)
        self._direct: dict[float, EliminationSolver | None] = {}

    def direct(self, alpha: float) -> EliminationSolver | None:
        """The exact solver for `alpha`, built on first use (None: the graph's core is
        too large, or the adjacency is not symmetric)."""
        if alpha not in self._direct:
            self._direct[alpha] = (EliminationSolver.build(self.adjacency, alpha)
                                   if self.is_symmetric else None)
        return self._direct[alpha]

    @classmethod
    def from_adjacency(cls, adjacency: sp.csr_array | sp.csr_matrix,
                       symmetric: bool | None = None) -> Transition:
        """`symmetric`: True if the caller knows A == A.T (skips the check)."""
        return cls(adjacency, symmetric=symmetric)

    @property
    def is_symmetric(self) -> bool:
        if self._is_symmetric is None:
            a = self.adjacency
            self._is_symmetric = bool((a != a.T).nnz == 0)
        return self._is_symmetric

    @property
    def matrix_t(self) -> sp.csr_array:
        if self._matrix_t is None:
            a = self.adjacency
            # P = D^-1 A, so P^T = A^T D^-1: scale the columns of A^T (A^T is A if symmetric).
            at = a.copy() if self.is_symmetric else _compact(sp.csr_array(a.T))
            at.data = at.data * self.inv_degree[at.indices]
            self._matrix_t = at
        return self._matrix_t

    @property
    def symmetric(self) -> sp.csr_array | None:
        if self._symmetric is None and self.is_symmetric:
            a = self.adjacency
            root = np.sqrt(self.inv_degree)
            rows = np.repeat(np.arange(a.shape[0], dtype=a.indices.dtype), np.diff(a.indptr))
            s = a.copy()
            s.data = s.data * root[rows] * root[s.indices]
            self._symmetric = s
        return self._symmetric

    @property
    def symmetric32(self) -> sp.csr_array | None:
        """`symmetric` in float32 (same 32-bit indices), for loose tolerances."""
        if self._symmetric32 is None and self.symmetric is not None:
            s = self.symmetric
            self._symmetric32 = sp.csr_array(
                (s.data.astype(np.float32), s.indices, s.indptr), shape=s.shape)
        return self._symmetric32


def _as_vector(values: Mapping[int, float] | np.ndarray | None, n: int, name: str
               ) -> np.ndarray | None:
    if values is None:
        return None
    if isinstance(values, Mapping):
        vec = np.zeros(n)
        for i, w in values.items():
            if not 0 <= int(i) < n:
                raise InvalidInput(f"is not a node index (0..{n - 1})", value=i, where=name)
            vec[int(i)] += float(w)
    else:
        vec = np.asarray(values, dtype=np.float64).ravel()
        if vec.shape != (n,):
            raise InvalidInput(f"must have one value per node ({n})", value=vec.shape,
                               where=name)
    if (vec < 0).any() or not np.isfinite(vec).all():
        raise InvalidInput("must be finite and >= 0", where=name)
    total = vec.sum()
    if total <= 0:
        raise InvalidInput("must give a positive weight to at least one node", where=name)
    return vec / total


def _restart_entries(values: Mapping[int, float], n: int, name: str
                     ) -> tuple[np.ndarray, np.ndarray]:
    """A restart given as ``{index: weight}``, normalised, as (sorted indices, weights):
    what the exact solver reads, without a dense vector of every node per restart. A
    single solve and a batch both read it, so their columns stay equal bit for bit.

    >>> _restart_entries({3: 1.0, 0: 3.0}, 5, "p")
    (array([0, 3]), array([0.75, 0.25]))
    """
    merged: dict[int, float] = {}
    for i, w in values.items():
        if not 0 <= int(i) < n:
            raise InvalidInput(f"is not a node index (0..{n - 1})", value=i, where=name)
        merged[int(i)] = merged.get(int(i), 0.0) + float(w)
    index = np.array(sorted(merged), dtype=np.int64)
    weight = np.array([merged[i] for i in index.tolist()], dtype=np.float64)
    if (weight < 0).any() or not np.isfinite(weight).all():
        raise InvalidInput("must be finite and >= 0", where=name)
    total = weight.sum()
    if total <= 0:
        raise InvalidInput("must give a positive weight to at least one node", where=name)
    keep = weight > 0
    return index[keep], weight[keep] / total


def _entry_columns(entries: list[tuple[np.ndarray, np.ndarray]], n: int) -> sp.coo_array:
    """Restarts given by their entries as the columns of one sparse matrix."""
    rows = np.concatenate([i for i, _ in entries])
    cols = np.repeat(np.arange(len(entries)), [len(i) for i, _ in entries])
    vals = np.concatenate([w for _, w in entries])
    return sp.coo_array((vals, (rows, cols)), shape=(n, len(entries)))


def personalized_pagerank(adjacency: sp.csr_array | Transition,
                          personalization: Mapping[int, float] | np.ndarray | None = None,
                          *, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100,
                          dangling: Mapping[int, float] | np.ndarray | None = None,
                          method: str = "power") -> np.ndarray:
    """Personalised PageRank by sparse iteration; one score per matrix row.

    Parameters
    ----------
    adjacency : scipy.sparse.csr_array or Transition
        Weighted adjacency (row i links to column j with weight A[i, j]); pass a
        `Transition` built once to skip the normalisation on every call.
    personalization : dict {index: weight} or array, optional
        Restart distribution; uniform if None. Normalised to sum to 1.
    alpha : float, default 0.85
        Probability of following an edge rather than restarting.
    tol : float, default 1e-6
        networkx's tolerance: stop when the L1 error is below ``N * tol``.
    max_iter : int, default 100
    dangling : dict or array, optional
        Where the walk goes from a node with no edges; the personalisation if None.
    method : {"power", "cg", "direct"}
        Power iteration (networkx's loop), conjugate gradients or the exact solve
        (both: symmetric adjacency, default dangling only; ``direct`` ignores `tol`
        and `max_iter` unless it falls back to ``cg``); see the module docstring.

    Returns
    -------
    numpy.ndarray
        Scores summing to 1.

    Raises
    ------
    InvalidInput
        Bad parameters or personalisation.
    networkx.PowerIterationFailedConvergence
        Not converged in `max_iter` iterations.

    Examples
    --------
    A path a - b - c, restarting at a with alpha 1/2: solving
    x_a = 1/2 + x_b/4, x_b = (x_a + x_c)/2, x_c = x_b/4 by hand gives 7/12, 1/3, 1/12.

    >>> a = sp.csr_array(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    >>> x = personalized_pagerank(a, {0: 1.0}, alpha=0.5, tol=1e-12)
    >>> [round(float(v) * 12, 6) for v in x]
    [7.0, 4.0, 1.0]
    """
    if not 0 < alpha < 1:
        raise InvalidInput("must be between 0 and 1 (exclusive)", value=alpha, where="alpha")
    if tol <= 0 or max_iter < 1:
        raise InvalidInput("need tol > 0 and max_iter >= 1", value=(tol, max_iter))
    if method not in METHODS:
        raise InvalidInput(f"is not a method ({', '.join(METHODS)})", value=method,
                           where="method")
    t = adjacency if isinstance(adjacency, Transition) else Transition.from_adjacency(adjacency)
    n = t.matrix_t.shape[0]
    if n == 0:
        return np.zeros(0)
    if (method == "direct" and isinstance(personalization, Mapping) and dangling is None
            and t.symmetric is not None and (solver := t.direct(alpha)) is not None):
        entries = _restart_entries(personalization, n, "personalization")
        return solver.pagerank(_entry_columns([entries], n))[:, 0]
    p = _as_vector(personalization, n, "personalization")
    if p is None:
        p = np.full(n, 1.0 / n)
    d = _as_vector(dangling, n, "dangling")
    if method != "power":
        if d is not None:
            raise InvalidInput(f"{method} supports only the default dangling "
                               "(use method='power')", where="dangling")
        if t.symmetric is None:
            raise InvalidInput(f"{method} needs a symmetric adjacency (use method='power')",
                               where="adjacency")
        solver = t.direct(alpha) if method == "direct" else None
        if solver is not None:
            return solver.pagerank(sparse_columns([p]))[:, 0]
        return _ppr_cg(t, p, alpha, tol * n, max_iter)
    d = p if d is None else d
    dangling_idx = np.flatnonzero(t.is_dangling)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (t.matrix_t @ x + x[dangling_idx].sum() * d) + (1 - alpha) * p
        if np.abs(x - last).sum() < n * tol:
            return x / x.sum()
    raise nx.PowerIterationFailedConvergence(max_iter)


def _ppr_cg(t: Transition, p: np.ndarray, alpha: float, bound: float, max_iter: int,
            single: bool | None = None) -> np.ndarray:
    # With dangling == personalisation, the answer is the sub-stochastic solution
    # y = a P^T y + (1-a) p rescaled to sum 1 (re-injected mass is proportional to p).
    live = ~t.is_dangling
    root, inv_root = t.root_degree, t.inv_root_degree
    # float32 round-off (~1e-7 of each entry) is far below a loose target; the sparse
    # product, which dominates, then reads 8 bytes a stored entry instead of 12.
    single = bound >= 1e-4 if single is None else single
    s = t.symmetric32 if single else t.symmetric
    dtype = np.float32 if single else np.float64
    b = ((1 - alpha) * inv_root * p).astype(dtype, copy=False)
    z = b.copy()  # the first power step from x = p, as a warm start
    r = b - (z - alpha * (s @ z))
    direction = r.copy()
    q = np.empty_like(r)
    tmp = np.empty_like(r)
    root_c = root.astype(dtype, copy=False)

    def dot(u: np.ndarray, v: np.ndarray) -> float:
        # multiply-and-sum, not BLAS: on a busy 2-core machine OpenBLAS's threads made
        # each 100k-element dot take milliseconds.
        np.multiply(u, v, out=tmp)
        return float(tmp.sum(dtype=np.float64))

    rr = dot(r, r)
    # D^1/2 r is the residual of the unscaled system; its L1 norm / (1 - a) bounds the
    # L1 error, since ||(I - a P^T)^-1||_1 = 1 / (1 - a).
    scale = 1.0 / (1 - alpha)
    for _ in range(max_iter):
        np.multiply(root_c, r, out=tmp)
        np.abs(tmp, out=tmp)
        if float(tmp.sum(dtype=np.float64)) * scale < bound:
            break
        np.multiply(s @ direction, -alpha, out=q)  # q = (I - a S) d
        q += direction
        step = rr / dot(direction, q)
        np.multiply(direction, step, out=tmp)
        z += tmp
        np.multiply(q, step, out=tmp)
        r -= tmp
        rr, rr_last = dot(r, r), rr
        direction *= rr / rr_last
        direction += r
    else:
        raise nx.PowerIterationFailedConvergence(max_iter)
    y = root * z
    y[~live] = (1 - alpha) * p[~live]  # isolated nodes keep only their restart mass
    y = np.maximum(y, 0.0)
    return y / y.sum()


def personalized_pagerank_many(t: Transition, personalizations: list[Mapping[int, float]],
                               *, alpha: float = 0.85, tol: float = 1e-6,
                               max_iter: int = 100, method: str = "cg") -> np.ndarray:
    """`personalized_pagerank` with ``method="cg"`` (or ``"direct"``) for several restart
    distributions at once: one sparse product per step for all of them (one row of the
    answer each). Each runs the same steps and stops on the same test as it would
    alone, so each row is the single answer.

    >>> a = sp.csr_array(np.array([[0, 1, 0], [1, 0, 2], [0, 2, 0]], dtype=float))
    >>> t = Transition.from_adjacency(a, symmetric=True)
    >>> many = personalized_pagerank_many(t, [{0: 1.0}, {2: 1.0}], tol=1e-9)
    >>> bool(np.array_equal(many[1], personalized_pagerank(t, {2: 1.0}, tol=1e-9,
    ...                                                     method="cg")))
    True
    """
    n = t.adjacency.shape[0]
    if method not in ("cg", "direct"):
        raise InvalidInput("is not a method for many (cg, direct)", value=method,
                           where="method")
    if t.symmetric is None:
        raise InvalidInput(f"{method} needs a symmetric adjacency", where="adjacency")
    if not personalizations or n == 0:
        return np.zeros((len(personalizations), n))
    solver = t.direct(alpha) if method == "direct" else None
    if solver is not None:  # a mapping as a single solve reads it (`_restart_entries`)
        entries = []
        for v in personalizations:
            if isinstance(v, Mapping):
                entries.append(_restart_entries(v, n, "personalization"))
            else:
                vec = _as_vector(v, n, "personalization")
                entries.append((np.flatnonzero(vec), vec[np.flatnonzero(vec)]))
        rows = [solver.pagerank(_entry_columns(entries[i:i + BATCH], n)).T
                for i in range(0, len(entries), BATCH)]
        # one batch (as `pagerank_vectors` asks): its transpose as it is, not a copy
        return rows[0] if len(rows) == 1 else np.concatenate(rows)
    vectors = [_as_vector(v, n, "personalization") for v in personalizations]
    p = np.stack(vectors)
    bound = tol * n
    single = bound >= 1e-4  # as `_ppr_cg`
    s = t.symmetric32 if single else t.symmetric
    dtype = np.float32 if single else np.float64
    a = dtype(alpha)
    b = ((1 - alpha) * t.inv_root_degree * p).astype(dtype, copy=False)
    z = b.copy()
    r = b - (z - a * (s @ z.T).T)
    direction = r.copy()
    root_c = t.root_degree.astype(dtype, copy=False)

    def dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return (u * v).sum(axis=1, dtype=np.float64)

    rr = dot(r, r)
    scale = 1.0 / (1 - alpha)
    for _ in range(max_iter):
        active = np.flatnonzero(np.abs(root_c * r).sum(axis=1, dtype=np.float64) * scale
                                >= bound)
        if not len(active):
            break
        d = direction[active]
        q = np.ascontiguousarray((s @ d.T).T) * -a + d
        step = (rr[active] / dot(d, q)).astype(dtype)[:, None]
        z[active] += d * step
        r_active = r[active] - q * step
        r[active] = r_active
        rr_new = dot(r_active, r_active)
        direction[active] = d * (rr_new / rr[active]).astype(dtype)[:, None] + r_active
        rr[active] = rr_new
    else:
        raise nx.PowerIterationFailedConvergence(max_iter)
    y = t.root_degree * z
    live = ~t.is_dangling
    y[:, ~live] = (1 - alpha) * p[:, ~live]
    y = np.maximum(y, 0.0)
    return y / y.sum(axis=1, keepdims=True)


def _edge_weight(kind: str | None, attrs: Mapping, edge_weights: Mapping[str, float]
                 ) -> float:
    if kind in edge_weights:
        return float(edge_weights[kind])
    return float(attrs.get("weight", 1.0))


@dataclass
class GraphIndex:
    """The knowledge graph as a symmetric sparse matrix, kept for many PPR queries.

    Build it once from the store's projection (`from_graph`); `add_node` and
    `add_edge` then extend it without a rebuild: new edges wait in a small buffer and
    are added to the matrix (one sparse sum) on the next query, and new nodes grow the
    matrix. `remove_edge` adds the opposite weight.
    """

    edge_weights: Mapping[str, float] = field(default_factory=lambda: dict(RANK_EDGE_WEIGHTS))
    node_ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    kinds: list[str | None] = field(default_factory=list)
    _adjacency: sp.csr_array = field(default_factory=lambda: sp.csr_array((0, 0)))
    _pending: list[tuple[int, int, float]] = field(default_factory=list)
    _transition: Transition | None = None
    excluded_nodes: frozenset[str] = frozenset()
    excluded_edges: frozenset[tuple[str, str, str]] = frozenset()  # (src, kind, dst)

    @classmethod
    def from_graph(cls, graph: nx.Graph, edge_weights: Mapping[str, float] | None = None
                   ) -> GraphIndex:
        """Index a networkx graph whose nodes may carry ``kind`` and edges ``kind``."""
        self = cls(dict(RANK_EDGE_WEIGHTS if edge_weights is None else edge_weights))
        for node, attrs in graph.nodes(data=True):
            self.add_node(node, attrs.get("kind"))
        edges = (graph.edges(keys=True, data=True) if graph.is_multigraph()
                 else ((u, v, None, d) for u, v, d in graph.edges(data=True)))
        rows, cols, vals = [], [], []
        for u, v, _, attrs in edges:
            if u == v:
                continue  # a self-loop only delays the walk
            rows.append(self.index[u])
            cols.append(self.index[v])
            vals.append(_edge_weight(attrs.get("kind"), attrs, self.edge_weights))
        self._adjacency = _symmetric(rows, cols, vals, len(self.node_ids))
        return self

    @classmethod
    def from_edges(cls, nodes: Iterable[tuple[str, str | None]],
                   edges: Iterable[tuple[str, str | None, str, float]],
                   edge_weights: Mapping[str, float] | None = None) -> GraphIndex:
        """Index ``(id, kind)`` nodes and ``(src, kind, dst, weight)`` edges (the
        weight counts for kinds `edge_weights` does not name), e.g. a
        `matcher.snapshot.GraphSnapshot`'s."""
        self = cls(dict(RANK_EDGE_WEIGHTS if edge_weights is None else edge_weights))
        for node, kind in nodes:
            self.add_node(node, kind)
        rows, cols, vals = [], [], []
        for u, kind, v, weight in edges:
            if u == v:
                continue
            rows.append(self.add_node(u))
            cols.append(self.add_node(v))
            vals.append(_edge_weight(kind, {"weight": weight}, self.edge_weights))
        self._adjacency = _symmetric(rows, cols, vals, len(self.node_ids))
        return self

    def copy(self) -> GraphIndex:
        """An index that can grow (`add_node`, `add_edge`) without changing this one."""
        a = self.adjacency  # folds pending writes into a matrix neither copy changes
        return GraphIndex(self.edge_weights, list(self.node_ids), dict(self.index),
                          list(self.kinds), a, [], self._transition,
                          self.excluded_nodes, self.excluded_edges)

    def ready(self) -> GraphIndex:
        """Build now every cache a query would build on first use (the matrix with
        pending writes, sorted; the transition and its symmetric forms), so threads
        can then share the index read-only. Returns the index.
        """
        a = self.adjacency
        if not a.has_sorted_indices:
            a.sort_indices()
        t = self.transition
        _ = t.matrix_t, t.symmetric, t.symmetric32
        return self

    @classmethod
    def from_arrays(cls, n: int, rows: np.ndarray, cols: np.ndarray,
                    weights: np.ndarray | None = None) -> GraphIndex:
        """Index a graph of nodes 0..n-1 given as edge arrays (for generated graphs)."""
        self = cls({}, [str(i) for i in range(n)], {str(i): i for i in range(n)}, [None] * n)
        vals = np.ones(len(rows)) if weights is None else weights
        keep = rows != cols
        self._adjacency = _symmetric(rows[keep], cols[keep], vals[keep], n)
        return self

    def __len__(self) -> int:
        return len(self.node_ids)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.index

    def add_node(self, node_id: str, kind: str | None = None) -> int:
        """Index a node (no-op if known); returns its row."""
        if node_id in self.index:
            if kind is not None:
                self.kinds[self.index[node_id]] = kind
            return self.index[node_id]
        self.index[node_id] = len(self.node_ids)
        self.node_ids.append(node_id)
        self.kinds.append(kind)
        self._transition = None
        return self.index[node_id]

    def add_edge(self, src: str, dst: str, kind: str | None = None,
                 weight: float | None = None) -> None:
        """Add an edge (both ends are indexed if new); ranked both ways."""
        if src == dst or src in self.excluded_nodes or dst in self.excluded_nodes:
            return
        if (src, kind, dst) in self.excluded_edges:
            return
        w = float(weight) if weight is not None else _edge_weight(kind, {}, self.edge_weights)
        self._pending.append((self.add_node(src), self.add_node(dst), w))
        self._transition = None

    def remove_edge(self, src: str, dst: str, kind: str | None = None,
                    weight: float | None = None) -> None:
        """Take an edge's weight out again (the same kind/weight as it was added)."""
        w = float(weight) if weight is not None else _edge_weight(kind, {}, self.edge_weights)
        self.add_edge(src, dst, weight=-w)

    @property
    def adjacency(self) -> sp.csr_array:
        """The symmetric adjacency with every buffered write applied."""
        n = len(self.node_ids)
        a = self._adjacency
        if a.shape[0] < n:
            indptr = np.concatenate([a.indptr, np.full(n - a.shape[0], a.indptr[-1])])
            a = sp.csr_array((a.data, a.indices, indptr), shape=(n, n))
        if self._pending:
            rows, cols, vals = zip(*self._pending, strict=True)
            a = a + _symmetric(rows, cols, vals, n)
            a.data[np.abs(a.data) < 1e-12] = 0.0
            a.eliminate_zeros()
            self._pending.clear()
        self._adjacency = a
        return a

    def excluding(self, nodes: Iterable[str] = (),
                  edges: Iterable[tuple[str, str, str]] = ()) -> GraphIndex:
        """A copy that ignores some nodes (with all their edges) and some edges.

        For planning an event without its own record: the event node and its
        meetings, and the edges recorded for it (`met`, `signed`,
        `collaborated_with`), given as ``(src, kind, dst)`` as they are in the store
        (the weight taken out is the kind's). The nodes stay indexed, with no edges;
        seeds on them are ignored. Later writes to the copy skip them too.

        Examples
        --------
        >>> g = nx.MultiDiGraph([("firm", "event"), ("event", "lab")])
        >>> _ = g.add_edge("need", "lab", kind="signed")
        >>> _ = g.add_edge("firm", "need", kind="submitted")
        >>> index = GraphIndex.from_graph(g).excluding(["event"], [("need", "signed", "lab")])
        >>> index.neighbours("firm"), index.neighbours("lab")
        ({'need': 1.0}, {})
        """
        a = self.adjacency
        n = len(self.node_ids)
        drop = frozenset(v for v in nodes if v in self.index)
        cut = frozenset((s, k, d) for s, k, d in edges)
        keep = np.ones(n)
        keep[[self.index[v] for v in drop]] = 0.0
        rows = np.repeat(np.arange(n), np.diff(a.indptr))
        masked = sp.csr_array((a.data * keep[rows] * keep[a.indices], a.indices.copy(),
                               a.indptr.copy()), shape=a.shape)
        off = [(self.index[s], self.index[d], _edge_weight(k, {}, self.edge_weights))
               for s, k, d in cut if s in self.index and d in self.index
               and s not in drop and d not in drop and s != d]
        if off:
            r, c, w = zip(*off, strict=True)
            masked = masked - _symmetric(r, c, w, n)
            masked.data = np.maximum(masked.data, 0.0)  # an edge counted twice in `edges`
        masked.data[masked.data < 1e-12] = 0.0
        masked.eliminate_zeros()
        return GraphIndex(self.edge_weights, list(self.node_ids), dict(self.index),
                          list(self.kinds), _compact(masked),
                          excluded_nodes=self.excluded_nodes | drop,
                          excluded_edges=self.excluded_edges | cut)

    @property
    def transition(self) -> Transition:
        if self._transition is None:
            self._transition = Transition.from_adjacency(self.adjacency, symmetric=True)
        return self._transition

    def degree(self, node_id: str) -> float:
        """Weighted degree used by the walk (0 for an unknown node)."""
        i = self.index.get(node_id)
        return 0.0 if i is None else float(self.transition.degree[i])

    def neighbours(self, node_id: str) -> dict[str, float]:
        """Neighbours of a node with the summed weight of the edges to each."""
        a = self.adjacency
        i = self.index[node_id]
        lo, hi = a.indptr[i], a.indptr[i + 1]
        return {self.node_ids[j]: float(w) for j, w in zip(a.indices[lo:hi], a.data[lo:hi],
                                                             strict=True)}

    def pagerank_vector(self, seeds: Mapping[str, float], *, alpha: float = 0.85,
                        tol: float = 1e-6, max_iter: int = 100, method: str = "cg"
                        ) -> np.ndarray:
        """PPR restarting at `seeds` ({node id: weight}); one score per row."""
        return personalized_pagerank(self.transition, self._restart(seeds), alpha=alpha,
                                     tol=tol, max_iter=max_iter, method=method)

    def pagerank_vectors(self, seed_sets: Iterable[Mapping[str, float]], *,
                         alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100,
                         method: str = "cg") -> Iterator[np.ndarray]:
        """`pagerank_vector` of each seed set in turn, each equal to it bit for bit;
        with ``method="direct"`` solved `BATCH` at a time (faster than one by one).

        Examples
        --------
        >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
        >>> index = GraphIndex.from_graph(g)
        >>> many = list(index.pagerank_vectors([{"a": 1.0}, {"d": 1.0}], method="direct"))
        >>> bool((many[1] == index.pagerank_vector({"d": 1.0}, method="direct")).all())
        True
        """
        seed_sets = list(seed_sets)
        if method != "direct" or self.transition.direct(alpha) is None:
            for seeds in seed_sets:
                yield self.pagerank_vector(seeds, alpha=alpha, tol=tol, max_iter=max_iter,
                                           method=method)
            return
        for start in range(0, len(seed_sets), BATCH):
            chunk = [self._restart(seeds) for seeds in seed_sets[start:start + BATCH]]
            yield from personalized_pagerank_many(self.transition, chunk, alpha=alpha,
                                                  method="direct")

    def _restart(self, seeds: Mapping[str, float]) -> dict[int, float]:
        unknown = [s for s in seeds if s not in self.index]
        if unknown:
            raise NotFound("are not in the graph index", value=unknown[:5], where="seeds")
        return {self.index[s]: w for s, w in seeds.items()
                if w > 0 and s not in self.excluded_nodes}

    def pagerank(self, seeds: Mapping[str, float], *, kinds: Iterable[str] | None = None,
                 **kwargs) -> dict[str, float]:
        """PPR as ``{node id: score}``, optionally only for nodes of the given kinds."""
        x = self.pagerank_vector(seeds, **kwargs)
        wanted = None if kinds is None else set(kinds)
        return {node: float(x[i]) for i, node in enumerate(self.node_ids)
                if wanted is None or self.kinds[i] in wanted}


def _symmetric(rows, cols, vals, n: int) -> sp.csr_array:
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    a = sp.coo_array((np.concatenate([vals, vals]),
                      (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
                     shape=(n, n)).tocsr()
    a.sum_duplicates()
    return _compact(a)


def _compact(a: sp.csr_array) -> sp.csr_array:
    """32-bit indices when they fit: a matrix-vector product then reads a sixth less."""
    if a.nnz < 2**31 - 1 and a.shape[0] < 2**31 - 1:
        a.indices = a.indices.astype(np.int32, copy=False)
        a.indptr = a.indptr.astype(np.int32, copy=False)
    return a
