"""What several benchmarks share: one call timed in wall and CPU seconds."""

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
