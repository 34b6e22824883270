"""The exact PageRank solve (`matcher.ppr_direct`) against conjugate gradients run to
round-off, on graphs shaped like the knowledge graph (many leaves on a few hubs) and on
one without that shape; a batch against its vectors one at a time, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from duijie.graph.errors import InvalidInput
from duijie.matcher.graph_rank import GraphIndex, Transition, personalized_pagerank
from duijie.matcher.ppr_direct import SMALL_CORE, EliminationSolver


def leafy_graph(leaves: int, hubs: int, seed: int) -> sp.csr_array:
    """Leaves with 1-4 weighted links to hubs, a few leaf-leaf links, hub-hub links and
    one isolated node (the last)."""
    rng = np.random.default_rng(seed)
    n = leaves + hubs + 1
    rows, cols = [], []
    for leaf in range(leaves):
        for hub in rng.choice(hubs, rng.integers(1, 5), replace=False):
            rows.append(leaf)
            cols.append(leaves + hub)
    for _ in range(leaves // 20):
        rows.append(rng.integers(leaves))
        cols.append(rng.integers(leaves))
    for _ in range(hubs * 3):
        rows.append(leaves + rng.integers(hubs))
        cols.append(leaves + rng.integers(hubs))
    rows, cols = np.array(rows), np.array(cols)
    keep = rows != cols
    w = rng.integers(1, 4, keep.sum()).astype(float)
    a = sp.coo_array((np.concatenate([w, w]), (np.concatenate([rows[keep], cols[keep]]),
                                                np.concatenate([cols[keep], rows[keep]]))),
                     shape=(n, n)).tocsr()
    a.sum_duplicates()
    return a


def test_direct_equals_cg_to_round_off_on_a_leafy_graph():
    a = leafy_graph(3000, 60, 1)
    t = Transition.from_adjacency(a)
    solver = t.direct(0.85)
    assert solver is not None and solver.levels  # leaves were eliminated
    assert a.shape[0] - solver.core_start < SMALL_CORE * 2
    for seeds in ({0: 1.0}, {5: 1.0, 3010: 0.3, a.shape[0] - 1: 0.2}):
        exact = personalized_pagerank(t, seeds, method="cg", tol=1e-15, max_iter=5000)
        x = personalized_pagerank(t, seeds, method="direct")
        assert np.abs(x - exact).sum() < 1e-11
        assert x.sum() == pytest.approx(1.0)
    # the isolated node keeps only what restarts there, as power iteration says
    power = personalized_pagerank(a, {0: 1.0, a.shape[0] - 1: 1.0}, tol=1e-14,
                                  max_iter=2000)
    direct = personalized_pagerank(t, {0: 1.0, a.shape[0] - 1: 1.0}, method="direct")
    assert direct == pytest.approx(power, abs=1e-12)


def test_a_batch_gives_each_vector_bit_for_bit():
    a = leafy_graph(2000, 40, 2)
    ids = [str(i) for i in range(a.shape[0])]
    index = GraphIndex.from_arrays(a.shape[0], *a.nonzero(), a.data)
    rng = np.random.default_rng(3)
    seed_sets = [{ids[int(i)]: 1.0, ids[int(j)]: 0.4} for i, j in
                 rng.integers(0, a.shape[0], (37, 2))]  # more than one BATCH
    batch = list(index.pagerank_vectors(seed_sets, method="direct"))
    assert len(batch) == 37
    for seeds, x in zip(seed_sets, batch, strict=True):
        assert np.array_equal(x, index.pagerank_vector(seeds, method="direct"))
    cg = list(index.pagerank_vectors(seed_sets[:3], method="cg", tol=1e-14, max_iter=5000))
    for x, y in zip(batch, cg, strict=False):
        assert np.abs(x - y).sum() < 1e-10


def test_a_graph_without_leaves_falls_back_to_cg():
    rng = np.random.default_rng(4)
    n = 600
    rows, cols = rng.integers(0, n, 12000), rng.integers(0, n, 12000)
    keep = rows != cols
    a = sp.coo_array((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    a = sp.csr_array(a + a.T)
    assert EliminationSolver.build(a, 0.85, core_limit=300) is None  # core too large
    assert EliminationSolver.build(a, 0.85) is not None  # under the default limit
    t = Transition.from_adjacency(a)
    t._direct[0.85] = None  # as a graph whose core is over the limit
    assert np.array_equal(personalized_pagerank(t, {0: 1.0}, method="direct"),
                          personalized_pagerank(t, {0: 1.0}, method="cg"))


def test_bad_input_is_named():
    a = leafy_graph(300, 10, 5)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        EliminationSolver.build(a, 1.0)
    with pytest.raises(InvalidInput) as err:
        EliminationSolver.build(a, 0.85).pagerank(np.ones((3, 1)))
    assert err.value.where == "personalization"
    directed = sp.csr_array(np.array([[0, 1.0], [0, 0]]))
    with pytest.raises(InvalidInput, match="symmetric"):
        personalized_pagerank(directed, {0: 1.0}, method="direct")


def test_many_at_once_by_either_method():
    from duijie.matcher.graph_rank import personalized_pagerank_many

    t = Transition.from_adjacency(leafy_graph(1500, 30, 6))
    restarts = [{0: 1.0}, {7: 1.0, 1510: 0.5}, {1200: 2.0}]
    direct = personalized_pagerank_many(t, restarts, method="direct")
    cg = personalized_pagerank_many(t, restarts, tol=1e-14, max_iter=5000)
    for row, restart, other in zip(direct, restarts, cg, strict=True):
        assert np.array_equal(row, personalized_pagerank(t, restart, method="direct"))
        assert np.abs(row - other).sum() < 1e-10
    with pytest.raises(InvalidInput):
        personalized_pagerank_many(t, restarts, method="power")
