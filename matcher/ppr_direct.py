"""Personalised PageRank solved exactly, many restart vectors at once, by eliminating
the graph's low-degree nodes and inverting the small core that is left.

On an undirected graph with weighted adjacency A and degrees D, PageRank with restart
vector p is ``x = D y`` where ``(D - a A) y = (1 - a) p``. The knowledge graph is mostly
leaves hanging on hubs: 180,000 experts each linked to a few topics, an institute and a
region, and never to one another. Nodes with no link among themselves can be solved
for in terms of their neighbours and taken out of the system (a block of Gaussian
elimination whose pivot block is diagonal, so it costs one sparse product); repeating
that on what is left shrinks a 194,177-node graph to a core of about 3,000 nodes (the
institutes and hubs), whose system is inverted densely once. A solve is then a sparse
pass down the levels, a product with the core's inverse restricted to the few entries
the restart vector reaches there, and a sparse pass back up: exact up to round-off,
with no tolerance and no iterations, a few milliseconds a vector after the one-off
factorisation (about a second per graph version on that graph).

Each column of a batch is computed with the same operations in the same order as the
column alone (sparse products sum each entry in index order; the core product is made
column by column), so ``solve(B)[:, j]`` equals ``solve(B[:, [j]])`` bit for bit: a
need's page and the innovation map's batch give the same scores.

A graph whose core stays larger than `CORE_LIMIT` nodes (a random graph with no leaf
structure) has no `EliminationSolver` (`build` answers None) and callers fall back to
conjugate gradients.

>>> a = sp.csr_array(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> solver = EliminationSolver.build(a, alpha=0.5)
>>> x = solver.pagerank(np.array([[1.0], [0.0], [0.0]]))
>>> [round(float(v) * 12, 9) for v in x[:, 0]]
[7.0, 4.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from duijie.graph.errors import InvalidInput

CORE_LIMIT = 4096
"""Largest core inverted densely (4,096 nodes: a 128 MB inverse)."""
FILL_CAP = 64
"""A node is eliminated only if it has at most this many neighbours left (its
elimination links them all to one another: at most 64 x 64 new entries)."""
SMALL_CORE = 256
"""Below this many nodes the rest is simply inverted."""


@dataclass
class _Level:
    start: int  # the level's nodes are positions start..stop-1 of the solver's order
    stop: int
    pivot: np.ndarray  # their diagonal entries (the block is diagonal)
    down: sp.csc_array  # coupling to the later positions, rows stop..n-1, by column
    up: sp.csr_array  # its transpose, by row


@dataclass
class EliminationSolver:
    """The factorised system of one symmetric adjacency and one `alpha`; see the module.

    ``order`` lists the graph rows with at least one edge, in elimination order
    (position i of a solve is row ``order[i]``); rows without edges keep only their
    restart mass, as in `graph_rank.personalized_pagerank`.
    """

    n: int
    alpha: float
    order: np.ndarray
    degree: np.ndarray  # by position
    levels: list[_Level]
    core_start: int
    core_inverse: np.ndarray
    position: np.ndarray  # by graph row: its position, -1 for a row without edges

    @classmethod
    def build(cls, adjacency: sp.csr_array, alpha: float, *, core_limit: int = CORE_LIMIT
              ) -> EliminationSolver | None:
        """Factorise ``D - alpha A`` for a symmetric, non-negative `adjacency`; None when
        the core left after elimination exceeds `core_limit` nodes.

        Raises
        ------
        InvalidInput
            `alpha` outside (0, 1), or a non-square adjacency.
        """
        if not 0 < alpha < 1:
            raise InvalidInput("must be between 0 and 1 (exclusive)", value=alpha,
                               where="alpha")
        a = sp.csr_array(adjacency, dtype=np.float64)
        if a.shape[0] != a.shape[1]:
            raise InvalidInput("must be square", value=a.shape, where="adjacency")
        n = a.shape[0]
        degree = np.asarray(a.sum(axis=1)).ravel()
        live = np.flatnonzero(degree > 0)
        a = a[live][:, live]
        current = sp.csr_array(sp.diags_array(degree[live]) - alpha * a)
        current.sum_duplicates()
        ids = np.arange(len(live))  # current row -> index into `live`
        eliminated = []  # per step: dropped ids, their pivots, coupling, kept ids
        while current.shape[0] > SMALL_CORE:
            chosen = _independent_low_degree(current, FILL_CAP)
            if chosen.sum() < max(1, current.shape[0] // 50):
                break
            keep, drop = np.flatnonzero(~chosen), np.flatnonzero(chosen)
            rows = current[keep]
            coupling = sp.csr_array(rows[:, drop])
            pivot = current.diagonal()[drop]
            current = sp.csr_array(rows[:, keep] - coupling @ sp.diags_array(1.0 / pivot)
                                   @ coupling.T)
            current.sum_duplicates()
            eliminated.append((ids[drop], pivot, coupling, ids[keep]))
            ids = ids[keep]
        if current.shape[0] > core_limit:
            return None
        # positions: each step's eliminated nodes in turn, then the core (in `ids` order)
        order_live = np.concatenate([step[0] for step in eliminated] + [ids])
        position = np.empty(len(live), np.int64)
        position[order_live] = np.arange(len(live))
        levels, start = [], 0
        for dropped, pivot, coupling, kept in eliminated:
            stop = start + len(dropped)
            # the coupling's rows are the nodes kept at that step: positions stop..
            c = coupling.tocoo()
            down = sp.coo_array((c.data, (position[kept[c.row]] - stop, c.col)),
                                shape=(len(live) - stop, len(dropped)))
            levels.append(_Level(start, stop, pivot, sp.csc_array(down),
                                 sp.csr_array(down.T)))
            start = stop
        inverse = sla.cho_solve(sla.cho_factor(current.toarray(), lower=True),
                                np.eye(current.shape[0]))
        order = live[order_live]
        by_row = np.full(n, -1, np.int64)
        by_row[order] = np.arange(len(order))
        return cls(n, alpha, order, degree[order], levels, start,
                   np.ascontiguousarray(inverse), by_row)

    def pagerank(self, personalization: np.ndarray | sp.sparray) -> np.ndarray:
        """PageRank for each column of `personalization` (shape ``(n, k)``, dense or
        sparse, each column summing to 1): an ``(n, k)`` array, Fortran order (each
        column contiguous), each column summing to 1.

        Raises
        ------
        InvalidInput
            A personalisation of the wrong shape.
        """
        if personalization.ndim != 2 or personalization.shape[0] != self.n:
            raise InvalidInput(f"must have shape ({self.n}, k)",
                               value=personalization.shape, where="personalization")
        restart = sp.coo_array(personalization, dtype=np.float64)
        restart.sum_duplicates()
        k = restart.shape[1]
        scale = 1 - self.alpha
        position = self.position[restart.row]
        live = position >= 0
        rows, cols, values = position[live], restart.col[live], scale * restart.data[live]
        y = self._solve(rows, cols, values, k)
        x = np.empty((self.n, k), order="F")
        gather = self._gather_rows
        scaled = np.zeros(self.order.size + 1)
        for j in range(k):
            column = x[:, j]
            np.multiply(self.degree, y[j], out=scaled[:-1])
            np.take(scaled, gather, out=column)
            mine = (restart.col == j) & ~live  # rows without edges keep their restart mass only
            column[restart.row[mine]] = scale * restart.data[mine]
            np.maximum(column, 0.0, out=column)
            column /= column.sum()
        return x

    @cached_property
    def _gather_rows(self) -> np.ndarray:
        """By graph row: its position, or one past the last (a 0) for a row without edges."""
        return np.where(self.position >= 0, self.position, self.order.size)

    def _solve(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, k: int
               ) -> np.ndarray:
        """``y`` with ``(D - alpha A) y = b``, b given by its entries (position, column,
        value); one row of the answer per column of b, by position."""
        first = self.levels[0] if self.levels else None
        offset = first.stop if first else 0  # positions below it: sparse until the end
        rest = np.zeros((self.order.size - offset, k))
        later = rows >= offset
        np.add.at(rest, (rows[later] - offset, cols[later]), values[later])
        if first:
            early = ~later
            reached, inverse = np.unique(rows[early], return_inverse=True)
            part = np.zeros((len(reached), k))
            part[inverse, cols[early]] = values[early] / first.pivot[rows[early]]
            if len(reached):
                rest -= first.down[:, reached] @ part
        for level in self.levels[1:]:
            lo, hi = level.start - offset, level.stop - offset
            rest[lo:hi] /= level.pivot[:, None]
            touched = rest[lo:hi]
            hit = np.flatnonzero(touched.any(axis=1))
            if len(hit):
                rest[hi:] -= level.down[:, hit] @ touched[hit]
        core = rest[self.core_start - offset:]
        solved = np.zeros_like(core)
        for j in range(k):
            hit = np.flatnonzero(core[:, j])
            if len(hit):
                # the inverse is symmetric (as the system): its rows of the entries
                # reached are contiguous, ~10 times cheaper to gather than its columns
                solved[:, j] = core[hit, j] @ self.core_inverse[hit]
        rest[self.core_start - offset:] = solved
        for level in reversed(self.levels[1:]):
            lo, hi = level.start - offset, level.stop - offset
            rest[lo:hi] -= (level.up @ rest[hi:]) / level.pivot[:, None]
        y = np.empty((k, self.order.size))
        y[:, offset:] = rest.T
        if first:  # column by column: each row of y is written in one pass
            for j in range(k):
                np.divide(first.up @ y[j, offset:], first.pivot, out=y[j, :offset])
                np.negative(y[j, :offset], out=y[j, :offset])
            y[cols[early], rows[early]] += part[inverse, cols[early]]
        return y


def sparse_columns(vectors: list[np.ndarray]) -> sp.coo_array:
    """Restart vectors as the columns of one sparse matrix (the same entries whether
    one vector or many: a batch's columns are computed as each alone)."""
    rows, cols, vals = [], [], []
    for j, vec in enumerate(vectors):
        nz = np.flatnonzero(vec)
        rows.append(nz)
        cols.append(np.full(len(nz), j))
        vals.append(vec[nz])
    n = len(vectors[0]) if vectors else 0
    return sp.coo_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                        shape=(n, len(vectors)))


def _independent_low_degree(m: sp.csr_array, cap: int) -> np.ndarray:
    """A greedy set of rows with at most `cap` off-diagonal entries, no two linked,
    lowest count first (ties by row)."""
    counts = np.diff(m.indptr) - 1
    order = np.argsort(counts, kind="stable")
    order = order[counts[order] <= cap]
    blocked = np.zeros(m.shape[0], bool)
    chosen = np.zeros(m.shape[0], bool)
    indptr, indices = m.indptr, m.indices
    for i in order.tolist():
        if not blocked[i]:
            chosen[i] = True
            blocked[indices[indptr[i]:indptr[i + 1]]] = True
    return chosen
