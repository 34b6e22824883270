"""Ranking methods for the harness, built from the matcher's parts.

A *scorer* turns profiles and query texts into a dense score matrix (queries × profiles);
`as_method` makes it a harness method (ranked ids, zero scores left out so that ties at zero
earn nothing). Scorers compose: `fuse` adds max-normalised scores with weights, which is how
the aggregation rules, LSA and pseudo-relevance feedback are combined with BM25.

* `lexical(**params)`: `matcher.text.TextAffinity` with those parameters (BM25 or TF-IDF,
  any aggregation rule, ``"concat"`` included), the product's own scorer (``lexical()`` as
  shipped, titles included; ``lexical(title_weight=0.0)`` the fusion without them);
* `lsa(n_components)`: cosine in a truncated-SVD space of TF-IDF over the same tokens, a
  profile being the mean of its documents' unit vectors (a signal learned from the corpus);
* `prf(base, n_docs, weight)`: pseudo-relevance feedback: the texts of the best
  ``n_docs`` documents of the first pass are a second query, fused with the first;
* `first_doc(base)`: title weighting, the base over each profile's first document;
* `titles(base)`: title weighting for profiles of papers, the base over the first line
  (the title) of every document;
* `word_vectors(dim)`: word vectors trained on the profiles' own texts (PPMI of terms
  found in the same document, reduced by SVD), a text being the idf-weighted sum of its
  words' vectors;
* `expand(base, vocabulary)`: query expansion from the graph's topic names;
* `fuse([(scorer, weight), ...])`;
* `by_pair(base, meaning)`: the shipped fusion with the encoder, each query and profile
  weighted by their languages (`matcher.semantic.pair_weights`).

Score matrices are memoised per (scorer, profiles, texts) within the process, so a grid of
fusions costs one pass of each part.

>>> profiles = [{"id": "ir", "docs": [{"id": "1", "text": "红外探测器"},
...                                    {"id": "2", "text": "光学成像"}]},
...             {"id": "cf", "docs": [{"id": "3", "text": "碳纤维复合材料"}]}]
>>> rank = as_method(lexical(aggregation="max"))(profiles)
>>> rank(["红外成像", "碳纤维"], 2)
[['ir'], ['cf']]
>>> both = fuse([(lexical(), 0.5), (lexical(aggregation="max"), 0.5)])
>>> as_method(both)(profiles)(["红外成像"], 1)
[['ir']]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from duijie.graph.errors import InvalidInput
from duijie.matcher.semantic import pair_weights, profile_language
from duijie.matcher.text import TextAffinity
from duijie.matcher.title_index import first_line

Scorer = Callable[[list[dict], Sequence[str]], np.ndarray]
_MEMO: dict[tuple, np.ndarray] = {}
_MEMO_LIMIT = 256


def _memo_key(name: str, profiles: list[dict], texts: Sequence[str]) -> tuple:
    # By content, not identity: a list freed and another made may share an id().
    content = tuple((p["id"], tuple(d["text"] for d in p["docs"])) for p in profiles)
    return (name, hash(content), hash(tuple(texts)))


def _remember(key: tuple, value: np.ndarray) -> np.ndarray:
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = value
    return value


@dataclass(frozen=True)
class lexical:
    """`TextAffinity` with these parameters as a scorer (queries × profiles scores)."""

    params: tuple = ()

    def __init__(self, **params):
        object.__setattr__(self, "params", tuple(sorted(params.items())))

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        key = _memo_key(repr(self), profiles, texts)
        if key in _MEMO:
            return _MEMO[key]
        model = TextAffinity(**dict(self.params)).fit(profiles)
        index = model.profile_index_
        out = np.zeros((len(texts), len(profiles)))
        for i, text in enumerate(texts):
            try:
                scores = model.score(text)
            except InvalidInput:  # nothing searchable (e.g. only digits): every score 0
                continue
            for pid, s in scores.items():
                out[i, index[pid]] = s
        return _remember(key, out)


@dataclass(frozen=True)
class lsa:
    """Cosine between query and profile in a TruncatedSVD space of TF-IDF (our tokens)."""

    n_components: int = 200
    seed: int = 0

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        key = _memo_key(repr(self), profiles, texts)
        if key in _MEMO:
            return _MEMO[key]
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        tokenizer = TextAffinity().fit(profiles[:1]).tokenizer_
        docs = [d["text"] for p in profiles for d in p["docs"]]
        owner = np.repeat(np.arange(len(profiles)), [len(p["docs"]) for p in profiles])
        vectorizer = TfidfVectorizer(analyzer=tokenizer, sublinear_tf=True)
        x = vectorizer.fit_transform(docs)
        k = max(1, min(self.n_components, x.shape[1] - 1, x.shape[0] - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.seed).fit(x)
        doc_vecs = normalize(svd.transform(x))
        prof = np.zeros((len(profiles), k))
        np.add.at(prof, owner, doc_vecs)
        prof = normalize(prof)
        q = normalize(svd.transform(vectorizer.transform(list(texts))))
        return _remember(key, np.clip(q @ prof.T, 0.0, None))


def _normalise(scores: np.ndarray) -> np.ndarray:
    top = scores.max(axis=1, keepdims=True)
    return np.divide(scores, top, out=np.zeros_like(scores), where=top > 0)


@dataclass(frozen=True)
class fuse:
    """Weighted sum of scorers, each divided by its best score for the query."""

    parts: tuple

    def __init__(self, parts: Sequence[tuple[Scorer, float]]):
        object.__setattr__(self, "parts", tuple((s, float(w)) for s, w in parts))

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        total = np.zeros((len(texts), len(profiles)))
        for scorer, weight in self.parts:
            if weight:
                total += weight * _normalise(scorer(profiles, texts))
        return total


@dataclass(frozen=True)
class by_pair:
    """Two scorers fused as the product fuses words and meaning: each divided by its best
    score for the query, the second weighted per query and profile by their language group
    (`matcher.semantic.SEMANTIC_WEIGHT_BY_GROUP`).

    >>> profiles = [{"id": "zh", "docs": [{"id": "1", "text": "红外"}]},
    ...             {"id": "en", "docs": [{"id": "2", "text": "infrared"}]}]
    >>> ones = lambda profiles, texts: np.ones((len(texts), len(profiles)))
    >>> by_pair(ones, ones)(profiles, ["红外探测"]).tolist()
    [[1.0, 1.0]]
    """

    base: Scorer
    meaning: Scorer

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        languages = [profile_language(p) for p in profiles]
        weight = np.vstack([pair_weights(t, languages) for t in texts])
        return ((1 - weight) * _normalise(self.base(profiles, texts))
                + weight * _normalise(self.meaning(profiles, texts)))


@dataclass(frozen=True)
class prf:
    """Pseudo-relevance feedback: the best documents of a first pass become a second query.

    Documents are ranked by a per-document BM25 pass; the texts of the best ``n_docs`` are
    joined into the feedback query, scored by ``base`` and fused with weight ``weight``.
    """

    base: Scorer
    n_docs: int = 3
    weight: float = 0.3

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        singles = [{"id": f"{i}:{j}", "docs": [d]} for i, p in enumerate(profiles)
                   for j, d in enumerate(p["docs"])]
        doc_text = [d["docs"][0]["text"] for d in singles]
        doc_scores = lexical()(singles, texts)
        feedback = []
        for i, text in enumerate(texts):
            best = np.argsort(-doc_scores[i], kind="stable")[: self.n_docs]
            chosen = [doc_text[j] for j in best if doc_scores[i, j] > 0]
            feedback.append(" ".join(chosen) if chosen else text)
        first = _normalise(self.base(profiles, texts))
        second = _normalise(self.base(profiles, feedback))
        return (1 - self.weight) * first + self.weight * second


@dataclass(frozen=True)
class first_doc:
    """Title weighting: the base scorer over each profile's first document only (a field's
    own name, a lab's headline), to be fused with the whole profile (`fuse`)."""

    base: Scorer

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        return self.base([{"id": p["id"], "docs": p["docs"][:1]} for p in profiles], texts)


@dataclass(frozen=True)
class titles:
    """Title weighting for profiles of papers: the base scorer over the first line (the
    title) of each document (`matcher.title_index.first_line`), to be fused with the whole
    profile (`fuse`); `TextAffinity` ships it for Chinese queries (``title_weight``).

    >>> profiles = [{"id": "a", "docs": [{"id": "1", "text": "红外探测\\n碳纤维"}]}]
    >>> titles(lexical(fusion_rule=None))(profiles, ["碳纤维"]).tolist()
    [[0.0]]
    """

    base: Scorer

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        return self.base([{"id": p["id"], "docs": [{"id": d["id"], "text": first_line(d["text"])}
                                                   for d in p["docs"]]} for p in profiles],
                         texts)


@dataclass(frozen=True)
class word_vectors:
    """Cosine of texts in a word-vector space trained on the profiles' own documents.

    Terms are the product's tokens; two terms co-occur when one document holds both; the
    positive pointwise mutual information of those counts, reduced to ``dim`` dimensions by
    a truncated SVD, gives each term a vector (nothing is downloaded). A text is the
    idf-weighted sum of its terms' vectors, a profile the mean of its documents' unit
    vectors. ``max_terms`` keeps the terms found in most documents (at least two).
    """

    dim: int = 100
    max_terms: int = 8000
    seed: int = 0

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        key = _memo_key(repr(self), profiles, texts)
        if key in _MEMO:
            return _MEMO[key]
        from scipy import sparse
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.preprocessing import normalize

        tokenizer = TextAffinity().fit(profiles[:1]).tokenizer_
        docs = [d["text"] for p in profiles for d in p["docs"]]
        unique = list(dict.fromkeys(docs))
        counter = CountVectorizer(analyzer=tokenizer, min_df=2, max_features=self.max_terms,
                                  binary=True)
        x = counter.fit_transform(unique).astype(np.float64).tocsr()
        n_terms = x.shape[1]
        dim = max(1, min(self.dim, n_terms - 1))
        co = (x.T @ x).tocoo()
        off = co.row != co.col
        rows, cols, counts = co.row[off], co.col[off], co.data[off]
        total = counts.sum()
        marginal = np.bincount(rows, weights=counts, minlength=n_terms)
        pmi = np.log(counts * total / (marginal[rows] * marginal[cols]))
        keep = pmi > 0
        ppmi = sparse.csr_matrix((pmi[keep], (rows[keep], cols[keep])),
                                 shape=(n_terms, n_terms))
        svd = TruncatedSVD(n_components=dim, random_state=self.seed)
        vectors = svd.fit_transform(ppmi) / np.sqrt(np.maximum(svd.singular_values_, 1e-12))
        idf = np.log((1 + x.shape[0]) / (1 + np.asarray(x.sum(axis=0)).ravel())) + 1

        def embed(items: Sequence[str]) -> np.ndarray:
            counts_ = counter.transform(list(items)).astype(np.float64)
            return normalize(counts_.multiply(idf).tocsr() @ vectors)

        doc_vec = embed(unique)
        row = {t: i for i, t in enumerate(unique)}
        prof = np.zeros((len(profiles), dim))
        for j, p in enumerate(profiles):
            for d in p["docs"]:
                prof[j] += doc_vec[row[d["text"]]]
        prof = normalize(prof)
        return _remember(key, np.clip(embed(texts) @ prof.T, 0.0, None))


@dataclass(frozen=True)
class expand:
    """Query expansion from a topic vocabulary: a query that names a topic (its name or a
    synonym) gets the topic's other names (Chinese, English, synonyms) appended.

    ``vocabulary`` is a tuple of name groups, each the names of one topic (the graph's
    topics: `benchmarks/quality_harness.py` reads them from the seed).

    >>> expand(lexical(), (("红外探测", "infrared detection"),)).expanded(["红外探测器降噪"])
    ['红外探测器降噪 infrared detection']
    """

    base: Scorer
    vocabulary: tuple = ()

    def expanded(self, texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            low = text.lower()
            extra = [name for group in self.vocabulary
                     if any(n.lower() in low for n in group)
                     for name in group if name.lower() not in low]
            out.append(" ".join([text, *dict.fromkeys(extra)]))
        return out

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        return self.base(profiles, self.expanded(texts))


def as_method(scorer: Scorer) -> Callable[[list[dict]], Callable]:
    """A harness method from a scorer: ids best first, ties in profile order, no zeros."""
    def method(profiles: list[dict]):
        ids = [p["id"] for p in profiles]

        def rank(texts: Sequence[str], k: int) -> list[list[str]]:
            scores = scorer(profiles, list(texts))
            out = []
            for row in scores:
                order = np.argsort(-row, kind="stable")[:k]
                out.append([ids[j] for j in order if row[j] > 0])
            return out
        return rank
    return method


_SEMANTIC_CACHE = None


def _semantic_cache():
    global _SEMANTIC_CACHE
    if _SEMANTIC_CACHE is None:
        from duijie.matcher.semantic import EmbeddingCache
        _SEMANTIC_CACHE = EmbeddingCache()
    return _SEMANTIC_CACHE


@dataclass(frozen=True)
class semantic:
    """Cosine of sentence embeddings (`matcher.semantic`; needs ``duijie[semantic]``)."""

    def __call__(self, profiles: list[dict], texts: Sequence[str]) -> np.ndarray:
        key = _memo_key(repr(self), profiles, texts)
        if key in _MEMO:
            return _MEMO[key]
        from duijie.matcher.semantic import (
            load_encoder,
            profile_matrix,
            semantic_scores,
        )

        cache = _semantic_cache()
        docs = [d["text"] for p in profiles for d in p["docs"]]
        if cache.missing([*docs, *texts]):
            cache.fill([*docs, *texts], load_encoder())
        scores = semantic_scores(cache.vectors(list(texts)), profile_matrix(profiles, cache))
        return _remember(key, scores)
