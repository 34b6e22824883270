"""Embeddings of the candidates' documents, computed in the background and kept on disk.

The semantic signal (`matcher.semantic`, extra ``duijie[semantic]``) needs one vector per
document text. `compute_embeddings` collects the documents of every candidate profile of the
store (experts, institutes, programmes, firms, needs: what the recommender ranks), encodes the
texts that have no vector yet, and writes them to an ``.npz`` file keyed by the hash of each
text and the model (`matcher.semantic.text_key`): an unchanged document is never encoded
twice, an edited one gets a new key. The file is written whole to a temporary name and
renamed, so a reader sees the old file or the new one, never half of one. `start_embedding_job`
runs it as an `api.jobs.Job` that reports ``encoding 120/700`` as it goes and can be
cancelled (what was encoded by then is kept).

Without the extra, both raise `BackendUnavailable` (exit 5) naming the install command,
and nothing else changes: recommendations stay lexical.

Where a store's embeddings live: beside its SQLite file (``duijie.db`` →
``duijie.db.embeddings.npz``, `embeddings_path`), or wherever `use_embeddings` (or the
last `compute_embeddings` on that store) put them. `semantic_side(store)` gives the
recommender what it needs (`matcher.semantic.SemanticSide`: the stored vectors and the
encoder for typed-in texts), re-read when the file changes; None without the extra or
without a file, and recommendations are then words and graph only.
"""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from duijie.api.jobs import Job
from duijie.api.services import Result
from duijie.graph.errors import InvalidInput
from duijie.graph.store import GraphStore
from duijie.matcher.recommend import CANDIDATE_KINDS
from duijie.matcher.semantic import MODEL, EmbeddingCache, SemanticSide, available, load_encoder


@dataclass
class EmbeddingsComputed(Result):
    """What a run encoded: ``texts`` distinct document texts, ``encoded`` of them new."""

    path: str
    model: str
    profiles: int
    texts: int
    encoded: int
    cancelled: bool


STORED_DTYPE = np.float16
"""How vectors are kept on disk and in memory: half the bytes of float32 (1 KB a text at
512 dimensions; 200,000 experts' 750,000 texts make about 0.8 GB instead of 1.7 GB), a
cosine error under 1e-3; cosines are computed in float32 (`matcher.semantic`)."""


def read_cache(path: Path) -> EmbeddingCache:
    """The embeddings kept at ``path`` (an empty cache when there is no file yet).

    Files written before vectors were kept as float16 (float32 vectors, keys as text) are
    read too (their vectors converted) and rewritten as float16 by the next
    `compute_embeddings`.

    Raises
    ------
    InvalidInput
        The file is not an embeddings file of this model.
    """
    if not path.exists():
        return EmbeddingCache(MODEL)
    try:
        with np.load(path, allow_pickle=False) as data:
            model = str(data["model"])
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, KeyError, ValueError) as exc:
        raise InvalidInput(f"is not an embeddings file ({exc})", value=str(path),
                           where="embeddings") from exc
    if model != MODEL:
        return EmbeddingCache(MODEL)  # another model's vectors are not comparable: start over
    if vectors.dtype not in (np.float16, np.float32) or vectors.ndim != 2 \
            or len(vectors) != len(keys):
        raise InvalidInput(f"holds {vectors.dtype} vectors of shape {vectors.shape} for "
                           f"{len(keys)} keys; compute the embeddings again",
                           value=str(path), where="embeddings")
    if keys.dtype.kind == "S":  # ASCII keys (float16 files)
        keys = np.char.decode(keys, "ascii")
    vectors = vectors.astype(STORED_DTYPE, copy=False)
    return EmbeddingCache(MODEL, dict(zip(keys.tolist(), vectors, strict=True)))


def write_cache(cache: EmbeddingCache, path: Path) -> None:
    """Write the cache whole to a temporary file, then rename it over ``path``: vectors as
    float16, keys (hex digests) as ASCII bytes."""
    keys = sorted(cache.by_key)
    vectors = (np.vstack([cache.by_key[k] for k in keys]).astype(STORED_DTYPE, copy=False)
               if keys else np.zeros((0, 512), STORED_DTYPE))
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, model=np.array(MODEL), keys=np.array([k.encode("ascii") for k in keys],
                                                        dtype=bytes), vectors=vectors)
    os.replace(tmp, path)


def candidate_texts(store: GraphStore) -> tuple[int, list[str]]:
    """Number of candidate profiles and their documents' texts, as the recommender sees them."""
    from duijie.api.services.recommendations import shared_recommender

    recommender = shared_recommender(store).current()
    texts, profiles = [], 0
    for node_id, kind in recommender.kind_of.items():
        if kind not in CANDIDATE_KINDS:
            continue
        profile = recommender.profile(node_id)
        if profile:
            profiles += 1
            texts += [d["text"] for d in profile["docs"]]
    return profiles, texts


def compute_embeddings(store: GraphStore, path: Path, *, progress=None, cancelled=None,
                       batch: int = 128) -> EmbeddingsComputed:
    """Encode the candidates' document texts that ``path`` does not hold yet, and save.

    Raises
    ------
    BackendUnavailable
        ``duijie[semantic]`` is not installed.
    """
    encode = load_encoder()
    cache = read_cache(path)
    profiles, texts = candidate_texts(store)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(f"encoding {done}/{total}")
    encoded = cache.fill(texts, encode, batch=batch, progress=report, cancelled=cancelled)
    write_cache(cache, path)
    use_embeddings(store, path)
    stopped = bool(cancelled and cancelled())
    return EmbeddingsComputed(str(path), MODEL, profiles, len(set(texts)), encoded, stopped)


def start_embedding_job(store: GraphStore, path: Path) -> Job:
    """`compute_embeddings` on a worker thread (`Job`: stage, cancel, wait)."""
    load_encoder()  # fail now, in the caller, when the extra is missing
    return Job(lambda progress, cancelled: compute_embeddings(
        store, path, progress=progress, cancelled=cancelled), name="embeddings").start()


_PATHS: weakref.WeakKeyDictionary[Any, Path] = weakref.WeakKeyDictionary()
_SIDES: dict[Path, tuple[tuple[int, int], SemanticSide]] = {}
_LOCK = threading.Lock()
_ENCODER: list = []  # the one encoder of this process, loaded on first use


def use_embeddings(store: GraphStore, path: str | Path) -> None:
    """Recommend from `store` with the embeddings kept at `path` (from now on)."""
    _PATHS[store] = Path(path)


def embeddings_path(store: GraphStore) -> Path | None:
    """Where the store's embeddings are kept: as `use_embeddings` said, else beside its
    SQLite file; None for a store with neither (in memory, over Bolt).

    >>> from duijie.graph import open_store
    >>> embeddings_path(open_store(":memory:")) is None
    True
    """
    if store in _PATHS:
        return _PATHS[store]
    path = getattr(store, "path", None)
    if isinstance(path, str) and path != ":memory:":
        return Path(path + ".embeddings.npz")
    return None


@cache
def _installed() -> bool:
    # Asked on every recommendation: a failed import searches the path each time.
    return available()


def _encode(texts):
    with _LOCK:
        if not _ENCODER:
            _ENCODER.append(load_encoder())
    return _ENCODER[0](texts)


def semantic_side(store: GraphStore) -> SemanticSide | None:
    """The stored embeddings of the store's candidates and the encoder, for the
    recommender; None without the extra or before the embeddings job has run. The file
    is read again when it changes (a stat per call)."""
    if not _installed():
        return None
    path = embeddings_path(store)
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        known = _SIDES.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
    side = SemanticSide(read_cache(path), encode=_encode)
    with _LOCK:
        _SIDES[path] = (stamp, side)
    return side


@dataclass
class EmbeddingsStatus(Result):
    """Whether recommendations can read meaning: the extra installed (``available``), where
    the store's embeddings are kept (``path``, None if nowhere) and how many are stored."""

    available: bool
    path: str | None
    model: str
    stored: int


def embeddings_status(store: GraphStore) -> EmbeddingsStatus:
    """The state of the store's embeddings (read from the file, not computed).

    >>> from duijie.graph import open_store
    >>> embeddings_status(open_store(":memory:")).to_dict()["stored"]
    0
    """
    path = embeddings_path(store)
    side = semantic_side(store)
    return EmbeddingsStatus(available(), None if path is None else str(path), MODEL,
                            0 if side is None else len(side.cache.by_key))
