"""What several benchmarks share: one call timed in wall and CPU seconds, and the generated
experts and needs the text benchmarks query."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """``(value, wall seconds, CPU seconds)`` of calling `fn`; the CPU seconds are this
    process's, what an idle machine's wall time would be on a shared one.

    >>> value, wall, cpu = timed(lambda: sum(range(10)))
    >>> value, wall >= 0, cpu >= 0
    (45, True, True)
    """
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def generated_nodes(n_profiles: int, n_queries: int, seed: int = 0):
    """The nodes (no edges) of a generated graph sized for `n_profiles` experts and
    `n_queries` need texts (needs the seed vocabulary files)."""
    from duijie.api.services.seeding import seed_vocabulary
    from duijie.graph.generate import generate_graph
    from duijie.graph.model import Node

    for record in generate_graph(n_enterprises=max(1, n_queries // 4), n_experts=n_profiles,
                                 n_institutes=max(1, n_profiles // 10), n_needs=2 * n_queries,
                                 seed=seed, vocabulary=seed_vocabulary(),
                                 include_vocabulary=False):
        if isinstance(record, Node):
            yield record
