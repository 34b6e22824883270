"""Answers kept per store version: the same question asked again of an unchanged graph
is answered from memory.

A recommendation costs milliseconds (ranking, then matched words and graph paths for
each result); the web service is asked the same ones over and over (a need's page,
its matches, the planner). `ResultCache.answer(store, key, compute)` keeps the
answer under ``(store.version(), key)``: any graph write, by this process or another,
moves the version, so a kept answer is never older than the graph it was computed
from. The version is read before computing, so a write that lands meanwhile makes
the next question compute again. Bounded: the least recently used answers go first.

>>> from duijie.graph import open_store
>>> from duijie.graph.model import Node
>>> store = open_store(":memory:")
>>> cache, calls = ResultCache(size=2), []
>>> def count():
...     calls.append(1)
...     return store.counts()["nodes"]
>>> cache.answer(store, ("nodes",), count), cache.answer(store, ("nodes",), count), len(calls)
({}, {}, 1)
>>> with store.batch() as b:
...     b.upsert_node(Node("reg:xian", "Region", {"name": "西安", "level": "city"}))
>>> cache.answer(store, ("nodes",), count), len(calls)
({'Region': 1}, 2)
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ResultCache:
    """Answers by (store, store version, key), at most `size` per store (LRU);
    safe to share between threads. A key must hold everything the answer depends on
    besides the graph (the question, and who asks as far as it changes the answer)."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._stores: weakref.WeakKeyDictionary[Any, OrderedDict] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def answer(self, store: Any, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept answer for `key` at the store's current version, else `compute()`
        (outside the lock: two threads may compute the same answer once each)."""
        full = (store.version(), key)
        with self._lock:
            kept = self._stores.setdefault(store, OrderedDict())
            if full in kept:
                kept.move_to_end(full)
                self.hits += 1
                return kept[full]
            self.misses += 1
        value = compute()
        with self._lock:
            kept[full] = value
            while len(kept) > self.size:
                kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._stores.clear()
