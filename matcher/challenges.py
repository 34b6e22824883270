"""Challenge lists (需求凝练, 榜单): similar needs across firms gathered into themes.

Needs become TF-IDF vectors over the matcher's own tokens (`matcher.tokenize`), reduced
to at most 100 dimensions (truncated SVD, i.e. latent semantic analysis) and normalised,
so Euclidean k-means groups needs by cosine similarity. The number of themes is not
fixed: it is the k with the highest mean silhouette (how much closer each need is to its
own theme than to the next one, -1 … 1) over k = 2 … `max_k`, each k fitted and scored on
a fixed sample of at most 3,000 needs; the chosen k is then fitted on all needs.
Everything is seeded, so the same needs give the same themes. A long run reports its
stage (`progress(stage, done, total)`: vectorising, choosing_k over the values of k,
fitting, joining, naming over the themes) and stops at its next check once
`cancelled()` says so (`ClusteringCancelled`), having changed nothing.

Themes an organiser edited are *pinned*: they keep their needs, and a new need joins
the pinned theme whose centre it is closest to (cosine at least `join_at`); needs that
join none are clustered among themselves.

A theme is named by its most telling terms: those whose weight inside the theme most
exceeds their weight over all needs, generic words (技术, 研究, 提升 …) left out, and a
fragment of a chosen term (纤维 inside 碳纤维) not repeated.

>>> texts = {"n1": "碳纤维复合材料成型工艺", "n2": "碳纤维复合材料的轻量化",
...          "n3": "红外探测器灵敏度", "n4": "红外探测器的制冷", "n5": "碳纤维复合材料回收"}
>>> result = condense(texts)
>>> sorted(sorted(t.need_ids) for t in result.themes)
[['n1', 'n2', 'n5'], ['n3', 'n4']]
>>> [t.terms[:2] for t in result.themes if "n3" in t.need_ids]
[['红外探测器', '制冷']]
>>> condense(texts).themes == result.themes  # the same input, the same themes
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from duijie.graph.errors import DuijieError, InvalidInput, at
from duijie.matcher.explain_terms import generic_words
from duijie.matcher.tokenize import TextTokenizer, _segmenter, normalize_for_tokens

CRITERION = ("k with the highest mean silhouette (cosine; each k fitted and scored on a "
             "fixed sample of at most 3,000 needs) over k = 2 … max_k")
# Words every need uses name no theme: the matcher's generic words (never shown as matched
# terms either) and the words of problem reports and budgets that only themes need to skip.
GENERIC_TERMS = generic_words() | frozenset((
    "万元", "人员", "创建", "协调", "反映", "我们", "核心", "研制", "请求", "进一步", "部门",
    # verbs and degrees of a need's sentence, not its subject ("强度、达到、复配" named none)
    "达到", "下降", "偏大", "偏高", "偏低", "较低", "较高", "存在", "按期", "时间", "完成",
    "期内", "成为", "讨论",
))
SAMPLE = 3_000
DIMENSIONS = 100
SEED = 0

Progress = Callable[[str, int, int], None]  # stage, done, total (0: not counted)
Cancelled = Callable[[], bool]


class ClusteringCancelled(DuijieError):
    """`cancelled()` said stop: no theme was made."""

    exit_code = 130


def _checkpoint(progress: Progress | None, cancelled: Cancelled | None, stage: str,
                done: int = 0, total: int = 0) -> None:
    if cancelled is not None and cancelled():
        raise ClusteringCancelled("clustering was cancelled; nothing was changed",
                                  where=f"challenges ({stage})")
    if progress is not None:
        progress(stage, done, total)


@dataclass
class ThemeDraft:
    """One theme: its id, needs (sorted ids), telling terms, and whether it is pinned."""

    id: str
    need_ids: list[str]
    terms: list[str]
    pinned: bool = False


@dataclass
class Condensed:
    themes: list[ThemeDraft]
    k: int  # themes found by clustering (pinned ones apart)
    silhouette: float | None  # the chosen k's score; None when there was no choice
    tried: dict[int, float] = field(default_factory=dict)
    criterion: str = CRITERION


def theme_id(need_ids: Sequence[str]) -> str:
    """A theme's id from its needs, so the same grouping has the same id.

    >>> theme_id(["need:b", "need:a"]) == theme_id(["need:a", "need:b"])
    True
    """
    digest = hashlib.blake2b("\x1f".join(sorted(need_ids)).encode(), digest_size=6).hexdigest()
    return f"theme:{digest}"


def vectorise(texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF rows (l2-normalised) over the matcher's tokens, and the terms of the columns.

    >>> matrix, terms = vectorise(["碳纤维材料", "红外探测"])
    >>> matrix.shape[0], "碳纤维" in set(terms)
    (2, True)
    """
    vectoriser = TfidfVectorizer(analyzer=TextTokenizer(), sublinear_tf=True,
                                 dtype=np.float32)
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError as exc:  # an empty vocabulary: nothing searchable in any text
        raise InvalidInput(key="challenges.no_words", value=len(texts),
                           where=at("where.needs")) from exc
    return matrix.tocsr(), vectoriser.get_feature_names_out()


def _reduce(matrix: sp.csr_matrix) -> np.ndarray:
    n_components = min(DIMENSIONS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if n_components < 2:
        dense = matrix.toarray()
    else:
        dense = TruncatedSVD(n_components, algorithm="randomized", n_iter=4,
                             random_state=SEED).fit_transform(matrix)
    return normalize(dense.astype(np.float64))


def _kmeans(k: int, n: int):
    if n > 10_000:
        return MiniBatchKMeans(k, random_state=SEED, n_init=3, batch_size=4096)
    return KMeans(k, random_state=SEED, n_init=4)


def choose_k(points: np.ndarray, max_k: int, *, progress: Progress | None = None,
             cancelled: Cancelled | None = None
             ) -> tuple[np.ndarray, int, float | None, dict[int, float]]:
    """Labels for the k of best mean silhouette over 2 … max_k (see `CRITERION`).

    Fewer than 3 points, or points all alike, make one group.

    >>> points = np.array([[1.0, 0], [0.99, 0.1], [0, 1.0], [0.1, 0.99]])
    >>> labels, k, score, tried = choose_k(points, 3)
    >>> k, bool(labels[0] == labels[1] != labels[2] == labels[3])
    (2, True)
    """
    n = len(points)
    distinct = len(np.unique(points.round(6), axis=0)) if n else 0
    max_k = min(max_k, n - 1, distinct)
    if max_k < 2:
        return np.zeros(n, dtype=int), 1, None, {}
    rng = np.random.default_rng(SEED)
    sample = np.sort(rng.choice(n, SAMPLE, replace=False)) if n > SAMPLE else np.arange(n)
    ks = list(range(2, max_k + 1))
    if len(ks) > 30:  # a geometric grid keeps the search bounded at scale
        ks = sorted({int(v + 0.5) for v in np.geomspace(2, max_k, 30)})
    # k is chosen on the sample (fits there are cheap); the chosen k is then fitted on all.
    restarts = 4 if len(sample) <= 500 else 1  # a large sample needs no restarts
    best: tuple[float, int, np.ndarray] | None = None
    tried: dict[int, float] = {}
    ks = [k for k in ks if k < len(sample)]
    chosen = points[sample]
    # The sample's cosine distances once for every k (rows are unit length), not per score.
    distances = np.clip(1.0 - chosen @ chosen.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    for done, k in enumerate(ks):
        _checkpoint(progress, cancelled, "choosing_k", done, len(ks))
        labels = KMeans(k, random_state=SEED, n_init=restarts, max_iter=100
                        ).fit_predict(chosen)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(distances, labels, metric="precomputed"))
        tried[k] = round(score, 4)
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels)
    if best is None:
        return np.zeros(n, dtype=int), 1, None, tried
    _checkpoint(progress, cancelled, "fitting", 0, 0)
    labels = best[2] if n <= SAMPLE else _kmeans(best[1], n).fit_predict(points)
    return labels, best[1], round(best[0], 4), tried


def whole_words(texts: Sequence[str]) -> frozenset[str]:
    """The Chinese words of the texts as the segmenter cuts them (for naming themes).

    >>> sorted(whole_words(["红外探测器读出电路"]))[:2]
    ['电路', '红外探测器']
    """
    segmenter = _segmenter(())
    return frozenset(w for text in texts for w in segmenter.cut(normalize_for_tokens(text))
                     if len(w) >= 2)


def telling_terms(matrix: sp.csr_matrix, terms: np.ndarray, rows: Sequence[int],
                  n: int = 5, words: frozenset[str] | None = None) -> list[str]:
    """The terms that most set these rows apart from all rows (see the module docstring).

    With `words`, a two-character Chinese term counts only if it is one of those words
    (碳纤 and 外探 are n-grams across words, not names); a longer term containing a chosen
    one and nearly as telling is preferred to it.

    >>> texts = ["碳纤维材料技术", "碳纤维成型技术", "红外探测技术"]
    >>> matrix, terms = vectorise(texts)
    >>> telling_terms(matrix, terms, [0, 1], n=2, words=whole_words(texts))
    ['碳纤维', '成型']
    """
    inside = np.asarray(matrix[list(rows)].mean(axis=0)).ravel()
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    lift = inside - overall
    order = [c for c in np.argsort(-lift, kind="stable")[:200] if lift[c] > 0 and inside[c] > 0]
    candidates = [(str(terms[c]), float(lift[c])) for c in order]

    def usable(term: str) -> bool:
        if term in GENERIC_TERMS or term.isdigit():
            return False
        short_cjk = len(term) <= 2 and all("\u3400" <= ch <= "\u9fff" for ch in term)
        return not (short_cjk and words is not None and term not in words)

    chosen: list[str] = []
    for term, weight in candidates:
        if len(chosen) >= n:
            break
        longer = [t for t, w in candidates if term in t and t != term and w >= 0.8 * weight
                  and usable(t)]
        if longer:
            term = max(longer, key=len)
        if not usable(term) or any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
    return chosen


def condense(texts: Mapping[str, str], pinned: Mapping[str, Sequence[str]] | None = None,
             *, max_k: int | None = None, join_at: float = 0.3,
             progress: Progress | None = None, cancelled: Cancelled | None = None
             ) -> Condensed:
    """Group needs (id → text) into themes; `pinned` themes (id → need ids) stay as they are.

    `max_k` defaults to a third of the free needs (at least 2, at most 200). `progress`
    and `cancelled`: see the module docstring.
    """
    # One BLAS thread: measured on 6,000 needs, two threads spent 13x the CPU time in the
    # SVD and 2.6x in choosing k (threads spinning on small products), the same themes.
    with threadpool_limits(1):
        return _condense(texts, pinned, max_k, join_at, progress, cancelled)


def _condense(texts: Mapping[str, str], pinned: Mapping[str, Sequence[str]] | None,
              max_k: int | None, join_at: float, progress: Progress | None,
              cancelled: Cancelled | None) -> Condensed:
    ids = sorted(texts)
    if not ids:
        return Condensed([], 0, None)
    _checkpoint(progress, cancelled, "vectorising", 0, len(ids))
    matrix, terms = vectorise([texts[i] for i in ids])
    words = whole_words([texts[i] for i in ids])
    points = _reduce(matrix)
    row = {need_id: r for r, need_id in enumerate(ids)}
    themes: list[ThemeDraft] = []
    taken: set[str] = set()
    pinned_rows: list[tuple[str, list[int]]] = []
    for tid, members in sorted((pinned or {}).items()):
        rows = sorted({row[m] for m in members if m in row})
        taken.update(ids[r] for r in rows)
        pinned_rows.append((tid, rows))
    free = [r for r, need_id in enumerate(ids) if need_id not in taken]
    joined: dict[str, list[int]] = {tid: list(rows) for tid, rows in pinned_rows}
    live = [(tid, rows) for tid, rows in pinned_rows if rows]
    if live and free:
        _checkpoint(progress, cancelled, "joining", 0, len(free))
        centres = normalize(np.vstack([points[rows].mean(axis=0) for _, rows in live]))
        similarity = points[free] @ centres.T
        nearest = similarity.argmax(axis=1)
        still_free = []
        for r, best, sim in zip(free, nearest, similarity.max(axis=1), strict=True):
            if sim >= join_at:
                joined[live[best][0]].append(r)
            else:
                still_free.append(r)
        free = still_free
    for tid, rows in joined.items():
        _checkpoint(progress, cancelled, "naming", len(themes), len(joined))
        rows = sorted(rows)
        named = telling_terms(matrix, terms, rows, words=words) if rows else []
        themes.append(ThemeDraft(tid, [ids[r] for r in rows], named, True))
    k, score, tried = 0, None, {}
    if free:
        limit = max_k if max_k is not None else min(200, max(2, len(free) // 3))
        labels, k, score, tried = choose_k(points[free], limit, progress=progress,
                                           cancelled=cancelled)
        groups: dict[int, list[int]] = {}
        for r, label in zip(free, labels, strict=True):
            groups.setdefault(int(label), []).append(r)
        for done, rows in enumerate(groups.values()):
            _checkpoint(progress, cancelled, "naming", done, len(groups))
            members = [ids[r] for r in rows]
            themes.append(ThemeDraft(theme_id(members), members,
                                     telling_terms(matrix, terms, rows, words=words)))
    themes.sort(key=lambda t: (-len(t.need_ids), t.id))
    return Condensed(themes, k, score, tried)
