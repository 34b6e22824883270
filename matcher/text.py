"""Text affinity: BM25 or TF-IDF over profiles made of many documents.

`TextAffinity` is a scikit-learn style estimator. `fit(profiles)` tokenises every document
(`matcher.tokenize`), builds one sparse document-term matrix whose values are the final
term weights (BM25 precomputed, or l2-normalised TF-IDF) and keeps it as CSC: each column is
the postings list of a term, so a query is the weighted sum of its terms' columns, computed
over those columns only. Document scores are then aggregated per profile
(`matcher.aggregate`) and the top k are found with `np.argpartition`.

Common terms (技术, 研究, 公司) would make every query touch every profile. Two knobs bound
that, both applied at fit time:

* ``max_df``: terms found in more than this fraction of documents are dropped (as in
  scikit-learn's vectorisers); they are listed in ``pruned_terms_``;
* ``max_postings``: a term's postings list keeps only its ``max_postings`` highest weights
  (static impact pruning): the documents where the term matters most stay reachable by it,
  the rest lose only that term's small contribution. ``capped_terms_`` counts such terms.

Profiles added after `fit` (`add_profiles`) go to a small side index weighted with the
fitted statistics (idf, average length), so they are rankable at once. A term the fitted
vocabulary does not have gets an idf computed from the documents added so far (it is rare
by construction); a term pruned at fit stays pruned. Refit when the side index grows past
about a tenth of the main one (``n_added_`` says how many profiles it holds), so idf and
lengths reflect the whole corpus again.

>>> profiles = [
...     {"id": "xiopm", "docs": [{"id": "d1", "text": "红外探测器与光学成像技术研究"},
...                              {"id": "d2", "text": "空间光学遥感相机"}]},
...     {"id": "zju-mse", "docs": [{"id": "d3", "text": "碳纤维复合材料成型工艺"}]},
... ]
>>> model = TextAffinity().fit(profiles)
>>> model.kneighbors(["需要提升红外探测器的灵敏度"], k=1)  # whole text and best documents fused
[[('xiopm', 1.0)]]
>>> sorted(term for term, weight, doc in model.contributions("碳纤维材料", "zju-mse"))
['材料', '碳纤', '碳纤维', '纤维']
>>> [word for word, weight, doc in model.explain("碳纤维材料", "zju-mse")]
['碳纤维', '材料']
"""

from __future__ import annotations

import math
import multiprocessing
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from duijie.graph.errors import InvalidInput, NotFitted, NotFound
from duijie.matcher.aggregate import RULES, aggregate
from duijie.matcher.batch_tokenize import count_texts
from duijie.matcher.explain_terms import index_contributions, whole_words
from duijie.matcher.fusion import (
    FUSION_WEIGHT_BY_LANGUAGE,
    TITLE_WEIGHT_BY_LANGUAGE,
    candidate_doc_scores,
    document_contributions,
    fused_scores,
    keep_rows_only,
)
from duijie.matcher.language import script_language
from duijie.matcher.records import check_profile, check_text
from duijie.matcher.title_index import title_profiles, titled_candidates, with_titles
from duijie.matcher.tokenize import TextTokenizer, _segmenter

AGGREGATIONS = (*RULES, "concat")


def _bm25_idf(df: np.ndarray, n: int) -> np.ndarray:
    # Lucene's idf: always positive, so a term never lowers a score.
    return np.log1p((n - df + 0.5) / (df + 0.5))


# Below this many queries a pool of processes costs more than it saves.
_POOL_MIN_QUERIES = 2_000
# Rows per block of the top-k bound in `TextAffinity._concat_candidates`.
_TOPK_BLOCK = 128
# Processes of a querying pool read the fitted model from here (inherited by fork).
_POOL_MODEL: TextAffinity | None = None


def _pool_top(job: tuple[list[str], int, int]) -> list[list[tuple[str, float]]]:
    queries, k, offset = job
    assert _POOL_MODEL is not None
    return [_POOL_MODEL._top(q, k, f"queries[{offset + i}]") for i, q in enumerate(queries)]


class TextAffinity(BaseEstimator):
    """Rank profiles (experts, institutes …) by the text affinity of their documents.

    Parameters
    ----------
    weighting : {"bm25", "tfidf"}, default "bm25"
        BM25 (Lucene idf, query term counts as weights) or cosine of sublinear TF-IDF.
        The defaults of weighting, segmenter and aggregation were chosen by measurement
        (``benchmarks/quality_text.py``, ``benchmarks/bench_text.py``; README, Text matching).
    k1, b : float, default 1.2 and 0.75
        BM25's term-frequency saturation and length normalisation.
    ngram_range : tuple of int, default (2, 2)
        Chinese character n-gram lengths (words longer than these are added).
    segmenter : {"jieba", "vocabulary"}, default "jieba"
        Where those words come from (see `matcher.tokenize.TextTokenizer`).
    aggregation : str, default "concat"
        How document scores become a profile score: one of `matcher.aggregate.RULES`, or
        ``"concat"`` (each profile indexed as one document).
    agg_k : int, default 2
        Documents averaged by ``"topk_mean"``.
    fusion_rule : str or None, default "sum_sqrt"
        With ``aggregation="concat"``: a per-document rule (`matcher.aggregate.RULES`) whose
        scores are fused with the concat scores of the ``fusion_depth`` best profiles
        (`matcher.fusion`); None scores by concat alone.
    fusion_weight : float or "by_language", default "by_language"
        Weight of the per-document part (each part divided by its best score). With
        ``"by_language"`` each query gets the weight the quality harness chose for its
        language (`matcher.language.script_language`): `matcher.fusion.FUSION_WEIGHT_BY_LANGUAGE`.
    fusion_depth : int, default 200
        Profiles re-ranked by the fusion (the best by concat).
    title_weight : float or "by_language", default "by_language"
        With ``aggregation="concat"`` and a ``fusion_rule``: weight of the profile's
        titles (each document's first line, in a second index, `matcher.title_index`),
        each part divided by its best score; with ``"by_language"`` the query's language's
        `matcher.fusion.TITLE_WEIGHT_BY_LANGUAGE` (the harness's choice). 0 everywhere: no
        title index is built.
    temperature : float, default 0.2
        Temperature of ``"softmax"``, relative to the query's best document score.
    max_df : float, default 1.0
        Drop terms found in more than this fraction of documents.
    max_postings : int or None, default 20000
        Keep at most this many postings (the highest weights) per term.
    extra_terms : tuple of str or None
        Compounds for jieba's dictionary beside the shipped vocabulary.
    max_query_chars : int, default 10000
        Queries are cut to this many characters, which bounds the time of a 1 MB query.
    n_jobs : int, default 1
        Processes that tokenise documents in `fit` (from 10,000 documents) and answer
        `kneighbors` batches (from 2,000 queries); forked, so Linux/macOS only.

    Attributes
    ----------
    profile_ids_ : list of str
    vocabulary_ : dict of str to int
        Term → column of ``matrix_`` (terms of added profiles get columns past its end).
    postings_ptr_, postings_row_, postings_weight_ : ndarray
        The inverted index: column ``t``'s rows and weights are at
        ``postings_ptr_[t]:postings_ptr_[t + 1]``; ``matrix_`` shows them as a CSC matrix.
    matrix_ : scipy.sparse.csc_matrix, shape (n_documents, n_terms)
        Final term weights per document: the inverted index.
    idf_ : ndarray
    pruned_terms_ : frozenset of str
    capped_terms_ : int
    n_added_ : int
    """

    _parameter_constraints: ClassVar[dict] = {
        "weighting": ("bm25", "tfidf"),
        "segmenter": ("jieba", "vocabulary"),
        "k1": (Real, 0.0, None),
        "b": (Real, 0.0, 1.0),
        "aggregation": AGGREGATIONS,
        "agg_k": (Integral, 1, None),
        "fusion_rule": (*RULES, None),
        "fusion_weight": (Real, 0.0, 1.0, "by_language"),
        "fusion_depth": (Integral, 1, None),
        "title_weight": (Real, 0.0, 1.0, "by_language"),
        "temperature": (Real, 1e-6, None),
        "max_df": (Real, 1e-9, 1.0),
        "max_postings": (Integral, 1, None, "none"),
        "max_query_chars": (Integral, 1, None),
        "n_jobs": (Integral, 1, None),
    }

    def __init__(self, *, weighting: str = "bm25", k1: float = 1.2, b: float = 0.75,
                 ngram_range: tuple[int, int] = (2, 2), segmenter: str = "jieba",
                 aggregation: str = "concat",
                 agg_k: int = 2, fusion_rule: str | None = "sum_sqrt",
                 fusion_weight: float | str = "by_language", fusion_depth: int = 200,
                 title_weight: float | str = "by_language", temperature: float = 0.2,
                 max_df: float = 1.0,
                 max_postings: int | None = 20_000, extra_terms: tuple[str, ...] | None = None,
                 max_query_chars: int = 10_000, n_jobs: int = 1):
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.ngram_range = ngram_range
        self.segmenter = segmenter
        self.aggregation = aggregation
        self.agg_k = agg_k
        self.fusion_rule = fusion_rule
        self.fusion_weight = fusion_weight
        self.fusion_depth = fusion_depth
        self.title_weight = title_weight
        self.temperature = temperature
        self.max_df = max_df
        self.max_postings = max_postings
        self.extra_terms = extra_terms
        self.max_query_chars = max_query_chars
        self.n_jobs = n_jobs

    # -- parameters ---------------------------------------------------------------------
    def _validate_params(self) -> None:
        for name, rule in self._parameter_constraints.items():
            value = getattr(self, name)
            where = f"TextAffinity parameter {name}"
            if isinstance(rule[0], str):
                if value not in rule:
                    raise InvalidInput(f"must be one of {list(rule)}", value=value, where=where)
                continue
            if value is None and "none" in rule:
                continue
            if isinstance(value, str) and value in rule[3:]:
                continue
            kind, lo, hi = rule[:3]
            if isinstance(value, bool) or not isinstance(value, kind):
                raise InvalidInput(f"must be {kind.__name__}", value=value, where=where)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise InvalidInput(f"must be in [{lo}, {hi if hi is not None else '∞'}]",
                                   value=value, where=where)
        lo_hi = self.ngram_range
        if (not isinstance(lo_hi, Sequence) or len(lo_hi) != 2
                or not all(isinstance(n, Integral) for n in lo_hi)
                or not 1 <= lo_hi[0] <= lo_hi[1] <= 5):
            raise InvalidInput("must be (lo, hi) with 1 <= lo <= hi <= 5", value=lo_hi,
                               where="TextAffinity parameter ngram_range")

    # -- fitting ------------------------------------------------------------------------
    def fit(self, profiles: Iterable[dict], y=None) -> TextAffinity:
        """Index the profiles; returns self.

        Parameters
        ----------
        profiles : iterable of dict
            ``{"id": str, "docs": [{"id": str, "text": str}, ...]}``, ids unique.

        Raises
        ------
        InvalidInput
            A bad parameter, an empty text, a profile without documents, a duplicate id.
        """
        self._validate_params()
        self.tokenizer_ = TextTokenizer(tuple(self.ngram_range), self.extra_terms or (),
                                        segmenter=self.segmenter)
        ids: list[str] = []
        doc_ids: list[str] = []
        texts: list[str] = []
        n_docs: list[int] = []
        index: dict[str, int] = {}
        for i, profile in enumerate(profiles):
            pid, docs = check_profile(profile, f"profiles[{i}]")
            if pid in index:
                raise InvalidInput("is a duplicate profile id", value=pid,
                                   where=f"profiles[{i}]")
            index[pid] = len(ids)
            ids.append(pid)
            n_docs.append(len(docs))
            doc_ids.extend(d for d, _ in docs)
            texts.extend(t for _, t in docs)
        if not ids:
            raise InvalidInput("no profiles to index", where="TextAffinity.fit")
        self.profile_ids_ = ids
        self.profile_index_ = index
        self.doc_ids_ = doc_ids
        self.n_docs_ = np.asarray(n_docs, dtype=np.int32)
        self.doc_start_ = np.r_[0, np.cumsum(self.n_docs_)].astype(np.int64)
        counted = self._count(texts)
        self._build(*counted)
        self._init_side()
        self.doc_model_ = self._fusion_model(counted) if self._fusing() else None
        self.title_model_ = (self._title_model(title_profiles(ids, doc_ids, texts, n_docs))
                             if self._titling() else None)
        return self

    def _init_side(self) -> None:
        self._query_memo: dict = {}  # a new index: vectors of another vocabulary go
        self._share_memo: dict = {}  # (`shown_share._prepared`) and so do their flags
        self.n_added_ = 0
        self._side_rows: list[tuple[np.ndarray, np.ndarray]] = []
        self._side_doc_profile: list[int] = []
        self._side_doc_ids: list[str] = []
        self._side_df: Counter = Counter()
        self._side_csc = None

    def _fusing(self) -> bool:
        weights = (FUSION_WEIGHT_BY_LANGUAGE.values() if self.fusion_weight == "by_language"
                   else [self.fusion_weight])
        return (self.aggregation == "concat" and self.fusion_rule is not None
                and max(weights) > 0)

    def _titling(self) -> bool:
        weights = (TITLE_WEIGHT_BY_LANGUAGE.values() if self.title_weight == "by_language"
                   else [self.title_weight])
        return (self.aggregation == "concat" and self.fusion_rule is not None
                and max(weights) > 0)

    def title_weight_for(self, query: str) -> float:
        """The titles' weight a query gets: ``title_weight``, or its language's; 0 when
        the model has no title index.

        >>> model = TextAffinity()
        >>> model.title_weight_for("碳纤维预浸料"), model.title_weight_for("carbon fibre")
        (0.1, 0.0)
        """
        if not self._titling():
            return 0.0
        if self.title_weight == "by_language":
            return TITLE_WEIGHT_BY_LANGUAGE[script_language(query[: self.max_query_chars])]
        return float(self.title_weight)

    def _title_model(self, profiles: list[dict]) -> TextAffinity:
        """The titles' index: concat alone over each document's first line."""
        return TextAffinity(**{**self.get_params(), "fusion_rule": None,
                               "title_weight": 0.0}).fit(profiles)

    def fusion_weight_for(self, query: str) -> float:
        """The fusion weight a query gets: ``fusion_weight``, or its language's.

        >>> model = TextAffinity()
        >>> model.fusion_weight_for("碳纤维预浸料"), model.fusion_weight_for("carbon fibre")
        (0.5, 0.0)
        """
        if self.fusion_weight == "by_language":
            return FUSION_WEIGHT_BY_LANGUAGE[script_language(query[: self.max_query_chars])]
        return float(self.fusion_weight)

    def _fusion_model(self, counted) -> TextAffinity:
        """The per-document index of the fusion, built from the same counted tokens."""
        model = TextAffinity(**{**self.get_params(), "aggregation": self.fusion_rule,
                                "fusion_rule": None})
        model.tokenizer_ = self.tokenizer_
        model.profile_ids_ = list(self.profile_ids_)
        model.profile_index_ = dict(self.profile_index_)
        model.doc_ids_ = self.doc_ids_
        model.n_docs_ = self.n_docs_
        model.doc_start_ = self.doc_start_
        model._build(*counted)
        keep_rows_only(model)
        model._init_side()
        model.doc_model_ = model.title_model_ = None
        return model

    def partial_fit(self, profiles: Iterable[dict], y=None) -> TextAffinity:
        """`fit` on first use, `add_profiles` afterwards; returns self."""
        if not hasattr(self, "postings_ptr_"):
            return self.fit(profiles)
        self.add_profiles(profiles)
        return self

    def _count(self, texts: list[str]) -> tuple[dict[str, int], array, array]:
        """Tokenise and number the terms (`matcher.batch_tokenize.count_texts`)."""
        return count_texts(self.tokenizer_, texts, self.n_jobs)

    def _build(self, vocab: dict[str, int], term_ids: array, doc_indptr: array) -> None:
        concat = self.aggregation == "concat"
        indptr = np.frombuffer(doc_indptr, dtype=np.int64)
        if concat:  # each profile becomes one document: its documents' terms are contiguous
            indptr = indptr[self.doc_start_]
        n_rows = len(indptr) - 1
        indices = np.frombuffer(term_ids, dtype=np.int32)
        counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                               shape=(n_rows, len(vocab)))
        lengths = np.diff(counts.indptr).astype(np.float64)
        # To CSC first: its rows come out sorted within each column, so repeated terms of a
        # document are adjacent and summing them is one linear pass (no per-row sort).
        counts = counts.tocsc()
        counts.has_sorted_indices = True
        counts.sum_duplicates()
        df = np.diff(counts.indptr)
        terms = np.array(list(vocab), dtype=object)
        keep = df <= self.max_df * n_rows if self.max_df < 1.0 else np.ones(len(df), bool)
        self.pruned_terms_ = frozenset(terms[~keep].tolist())
        if not keep.all():
            counts = counts[:, np.flatnonzero(keep)]
            terms, df = terms[keep], df[keep]
        self.terms_ = terms.tolist()
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_)}
        self.n_terms_main_ = len(self.terms_)
        self.avgdl_ = float(lengths.mean()) if n_rows else 0.0
        self.n_rows_main_ = n_rows
        rows = counts.indices
        term_of = np.repeat(np.arange(len(df)), df)
        tf = counts.data.astype(np.float64)
        if self.weighting == "bm25":
            self.idf_ = _bm25_idf(df, n_rows)
            norm = self.k1 * (1 - self.b + self.b * lengths / max(self.avgdl_, 1e-9))
            values = self.idf_[term_of] * tf * (self.k1 + 1) / (tf + norm[rows])
        else:
            self.idf_ = np.log((1 + n_rows) / (1 + df)) + 1.0
            values = (1 + np.log(tf)) * self.idf_[term_of]
            norms = np.sqrt(np.bincount(rows, weights=values ** 2, minlength=n_rows))
            values = values / np.where(norms > 0, norms, 1.0)[rows]
        counts.data = values.astype(np.float32)
        matrix = counts
        matrix = self._cap_postings(matrix)
        # The inverted index proper, in the types bincount takes without a conversion pass.
        self.postings_ptr_ = matrix.indptr.astype(np.int64)
        self.postings_row_ = matrix.indices.astype(np.intp)
        self.postings_weight_ = matrix.data.astype(np.float64)
        self.row_profile_ = (np.arange(n_rows, dtype=np.int32) if concat else
                             np.repeat(np.arange(len(self.n_docs_), dtype=np.int32),
                                       self.n_docs_))

    def _cap_postings(self, matrix: sp.csc_matrix) -> sp.csc_matrix:
        cap = self.max_postings
        lengths = np.diff(matrix.indptr)
        self.capped_terms_ = int((lengths > cap).sum()) if cap else 0
        if not self.capped_terms_:
            return matrix
        keep = np.ones(matrix.nnz, dtype=bool)
        for col in np.flatnonzero(lengths > cap):
            s, e = matrix.indptr[col], matrix.indptr[col + 1]
            drop = np.argpartition(-matrix.data[s:e], cap)[cap:]
            keep[s + drop] = False
        new_lengths = np.minimum(lengths, cap)
        indptr = np.r_[0, np.cumsum(new_lengths)].astype(np.int64)
        return sp.csc_matrix((matrix.data[keep], matrix.indices[keep], indptr),
                             shape=matrix.shape)

    # -- adding ---------------------------------------------------------------------------
    def add_profiles(self, profiles: Iterable[dict]) -> list[str]:
        """Make new profiles rankable at once, without a refit; returns their ids.

        Weights use the fitted idf and average length; see the module notes on new terms.

        Raises
        ------
        NotFitted, InvalidInput
        """
        self._check_fitted()
        profiles = list(profiles)
        added = []
        for i, profile in enumerate(profiles):
            pid, docs = check_profile(profile, f"added profiles[{i}]")
            if pid in self.profile_index_:
                raise InvalidInput("is already indexed; refit to replace a profile",
                                   value=pid, where=f"added profiles[{i}]")
            p = len(self.profile_ids_)
            token_lists = [self.tokenizer_(t) for _, t in docs]
            if self.aggregation == "concat":
                token_lists = [[t for toks in token_lists for t in toks]]
                doc_ids = [None]
            else:
                doc_ids = [d for d, _ in docs]
            for toks, doc_id in zip(token_lists, doc_ids, strict=True):
                self._side_rows.append(self._weigh(Counter(toks), len(toks)))
                self._side_doc_profile.append(p)
                self._side_doc_ids.append(doc_id)
            self.profile_ids_.append(pid)
            self.profile_index_[pid] = p
            self.n_docs_ = np.append(self.n_docs_, np.int32(len(docs)))
            self.n_added_ += 1
            added.append(pid)
        self._side_csc = None
        if getattr(self, "doc_model_", None) is not None:
            self.doc_model_.add_profiles(profiles)
        if getattr(self, "title_model_", None) is not None:
            docs_of = [check_profile(p, "")[1] for p in profiles]
            self.title_model_.add_profiles(title_profiles(
                added, [d for docs in docs_of for d, _ in docs],
                [t for docs in docs_of for _, t in docs], [len(docs) for docs in docs_of]))
        return added

    def _weigh(self, tf: Counter, length: int) -> tuple[np.ndarray, np.ndarray]:
        cols, vals = [], []
        n_total = self.n_rows_main_ + len(self._side_rows) + 1
        for term, count in tf.items():
            if term in self.pruned_terms_:
                continue
            col = self.vocabulary_.get(term)
            if col is None or col >= self.n_terms_main_:
                self._side_df[term] += 1
                if col is None:
                    col = self.vocabulary_[term] = len(self.terms_)
                    self.terms_.append(term)
                df = self._side_df[term]
                idf = (_bm25_idf(df, n_total) if self.weighting == "bm25"
                       else math.log((1 + n_total) / (1 + df)) + 1.0)
            else:
                idf = self.idf_[col]
            if self.weighting == "bm25":
                norm = self.k1 * (1 - self.b + self.b * length / max(self.avgdl_, 1e-9))
                vals.append(idf * count * (self.k1 + 1) / (count + norm))
            else:
                vals.append((1 + math.log(count)) * idf)
            cols.append(col)
        v = np.asarray(vals, dtype=np.float64)
        if self.weighting == "tfidf" and len(v):
            v /= np.sqrt((v ** 2).sum())
        return np.asarray(cols, dtype=np.int32), v.astype(np.float32)

    def _side(self) -> sp.csc_matrix | None:
        if not self._side_rows:
            return None
        if self._side_csc is None or self._side_csc.shape[1] != len(self.terms_):
            cols = np.concatenate([c for c, _ in self._side_rows])
            vals = np.concatenate([v for _, v in self._side_rows])
            rows = np.repeat(np.arange(len(self._side_rows)),
                             [len(c) for c, _ in self._side_rows])
            self._side_csc = sp.csc_matrix((vals, (rows, cols)),
                                           shape=(len(self._side_rows), len(self.terms_)))
            self._side_csc.sort_indices()
        return self._side_csc

    # -- querying -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "postings_ptr_"):
            raise NotFitted("TextAffinity is not fitted; call fit(profiles) first")

    def _query_vector(self, text, where: str = "query") -> tuple[np.ndarray, np.ndarray]:
        # Kept for the next call with the same text (a recommendation explains dozens of
        # profiles for one query); the index's size is in the key, as adding profiles
        # adds terms (and their idf).
        key = (text, where, len(self.terms_), len(self._side_rows))
        memo = self.__dict__.setdefault("_query_memo", {})
        found = memo.get(key)
        if found is None:
            if len(memo) >= 64:
                memo.clear()
            found = memo[key] = self._vector(self._query_tokens(text, where))
        return found

    def _query_tokens(self, text, where: str) -> list[str]:
        text = check_text(text, where)[: self.max_query_chars]
        tokens = self.tokenizer_(text)
        if not tokens:
            raise InvalidInput("has no searchable terms (only punctuation, numbers or "
                               "stopwords)", value=text[:80], where=where)
        return tokens

    def _vector(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """A query's term columns and weights in this index."""
        tf = Counter(tokens)
        pairs = sorted((self.vocabulary_[t], c) for t, c in tf.items() if t in self.vocabulary_)
        cols = np.array([c for c, _ in pairs], dtype=np.int64)
        counts = np.array([n for _, n in pairs], dtype=np.float64)
        if self.weighting == "bm25" or not len(cols):
            return cols, counts
        idf = np.array([self._idf(c) for c in cols])
        w = (1 + np.log(counts)) * idf
        return cols, w / np.sqrt((w ** 2).sum())

    def _idf(self, col: int) -> float:
        if col < self.n_terms_main_:
            return float(self.idf_[col])
        n = self.n_rows_main_ + len(self._side_rows)
        df = self._side_df[self.terms_[col]]
        return float(_bm25_idf(df, n) if self.weighting == "bm25"
                     else math.log((1 + n) / (1 + df)) + 1.0)

    @staticmethod
    def _gather(index: sp.csc_matrix, cols, weights) -> tuple[np.ndarray, np.ndarray]:
        """Postings of the given columns, weighted: (rows, contributions)."""
        indptr, indices, data = index.indptr, index.indices, index.data
        parts_i, parts_v = [], []
        for c, w in zip(cols.tolist(), weights.tolist(), strict=True):
            s, e = indptr[c], indptr[c + 1]
            if e > s:
                parts_i.append(indices[s:e])
                parts_v.append(data[s:e] if w == 1.0 else data[s:e] * w)
        if not parts_i:
            return np.empty(0, np.int64), np.empty(0)
        return np.concatenate(parts_i), np.concatenate(parts_v)

    def _doc_scores(self, cols, weights) -> tuple[np.ndarray, np.ndarray]:
        """Touched rows (main then side, in row order) and their scores."""
        main = cols < self.n_terms_main_
        n = self.n_rows_main_
        dense = np.zeros(n)
        ptr, row, weight = self.postings_ptr_, self.postings_row_, self.postings_weight_
        # Column by column beats concatenating the postings for one bincount by about
        # three times (fewer passes over the postings); a column's rows are distinct, so
        # a buffered += is exactly np.add.at, about 7 times faster.
        main_cols = cols[main]
        for s, e, w in zip(ptr[main_cols].tolist(), ptr[main_cols + 1].tolist(),
                           weights[main].tolist(), strict=True):
            dense[row[s:e]] += weight[s:e] if w == 1.0 else weight[s:e] * w
        rows = np.flatnonzero(dense)
        scores = dense[rows]
        side = self._side()
        if side is not None:
            s_idx, s_val = self._gather(side, cols, weights)
            if len(s_idx):
                s_rows, inverse = np.unique(s_idx, return_inverse=True)
                rows = np.r_[rows, s_rows + n]
                scores = np.r_[scores, np.bincount(inverse, weights=s_val)]
        return rows, scores

    def _profile_scores(self, text, where: str = "query") -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        tokens = self._query_tokens(text, where)
        cols, weights = self._vector(tokens)
        rows, scores = self._doc_scores(cols, weights)  # weights are > 0, so scores are
        row_profile = self.row_profile_
        if self._side_rows:
            row_profile = np.r_[row_profile, np.asarray(self._side_doc_profile, np.int32)]
        if self.aggregation == "concat":  # one row a profile: nothing to aggregate
            profiles = row_profile[rows].astype(np.int64)
            weight = self.fusion_weight_for(text) if self.doc_model_ is not None else 0.0
            if weight > 0:
                scores = self._fuse(tokens, profiles, scores, weight)
            titles = self.title_weight_for(text) if self.title_model_ is not None else 0.0
            if titles > 0:
                profiles, scores = with_titles(profiles, scores,
                                               *self.title_model_._profile_scores(text, where),
                                               titles)
            return profiles, scores
        return aggregate(row_profile[rows], scores, self.n_docs_, self.aggregation,
                         k=self.agg_k, temperature=self.temperature)

    def score(self, query: str) -> dict[str, float]:
        """Affinity of the query to every profile, ``{profile_id: score}`` (0 = no overlap).

        Raises
        ------
        NotFitted
        InvalidInput
            An empty query, or one with no searchable terms.
        """
        profiles, scores = self._profile_scores(query)
        dense = np.zeros(len(self.profile_ids_))
        dense[profiles] = scores
        return dict(zip(self.profile_ids_, dense.tolist(), strict=True))

    def kneighbors(self, queries: Sequence[str], k: int = 10) -> list[list[tuple[str, float]]]:
        """The k best profiles of each query, best first.

        Ties are broken by the order profiles were indexed. When fewer than k profiles
        share a term with the query, the rest are filled with score-0 profiles in index
        order, so every query gets ``min(k, n_profiles)`` rows.

        Raises
        ------
        NotFitted
        InvalidInput
            ``k < 1``, an empty query or one with no searchable terms (its position named).
        """
        self._check_fitted()
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise InvalidInput("must be an integer >= 1", value=k, where="k")
        if isinstance(queries, str):
            raise InvalidInput("must be a list of query texts, not one string",
                               value=queries[:80], where="queries")
        k = min(int(k), len(self.profile_ids_))
        queries = list(queries)
        if self.n_jobs == 1 or len(queries) < _POOL_MIN_QUERIES:
            return [self._top(q, k, f"queries[{i}]") for i, q in enumerate(queries)]
        global _POOL_MODEL
        self._side()  # build the side index once, before forking
        step = -(-len(queries) // (4 * self.n_jobs))
        jobs = [(queries[i:i + step], k, i) for i in range(0, len(queries), step)]
        _POOL_MODEL = self
        try:
            with multiprocessing.get_context("fork").Pool(self.n_jobs) as pool:
                parts = pool.map(_pool_top, jobs)
        finally:
            _POOL_MODEL = None
        return [rows for part in parts for rows in part]

    def _head_index(self, scores: np.ndarray) -> np.ndarray:
        """Positions of the `fusion_depth` best scores, ties at the last one included."""
        depth = self.fusion_depth
        if len(scores) <= depth:
            return np.arange(len(scores))
        kth = -np.partition(-scores, depth - 1)[depth - 1]
        return np.flatnonzero(scores >= kth)

    def _head(self, profiles: np.ndarray, scores: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        head = self._head_index(scores)
        return profiles[head], scores[head]

    def _fuse(self, tokens: list[str], profiles: np.ndarray, scores: np.ndarray,
              weight: float) -> np.ndarray:
        """Fused scores of the profiles given with their concat scores (`matcher.fusion`):
        the `fusion_depth` best (ties included) get the per-document part."""
        head = self._head_index(scores)
        per_doc = candidate_doc_scores(self.doc_model_, *self.doc_model_._vector(tokens),
                                       profiles[head])
        top = scores.max() if len(scores) else 0.0
        fused = (1 - weight) * scores / top if top > 0 else scores.copy()
        fused[head] = fused_scores(scores[head], per_doc, weight)
        return fused

    def _top(self, query: str, k: int, where: str) -> list[tuple[str, float]]:
        profiles, scores = self._top_rows(query, k, where)
        top = [(self.profile_ids_[p], float(s))
               for p, s in zip(profiles.tolist(), scores.tolist(), strict=True)]
        if len(top) < k:
            seen = set(profiles.tolist())
            for p, pid in enumerate(self.profile_ids_):
                if len(top) == k:
                    break
                if p not in seen:
                    top.append((pid, 0.0))
        return top

    def top_rows(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The profiles of `kneighbors`' k best that score above 0, as arrays: their
        indexes in ``profile_ids_`` and their scores, best first (ties by index).

        >>> model = TextAffinity().fit([
        ...     {"id": "a", "docs": [{"id": "d1", "text": "红外探测器"}]},
        ...     {"id": "b", "docs": [{"id": "d2", "text": "碳纤维"}]}])
        >>> rows, scores = model.top_rows("红外探测器", 2)
        >>> rows.tolist(), bool(scores[0] > 0)
        ([0], True)
        """
        self._check_fitted()
        profiles, scores = self._top_rows(query, min(int(k), len(self.profile_ids_)), "query")
        keep = scores > 0
        return profiles[keep], scores[keep]

    def _top_rows(self, query: str, k: int, where: str) -> tuple[np.ndarray, np.ndarray]:
        """At most k profiles (index, score), best first, ties by index; fewer when
        fewer score."""
        if self.aggregation == "concat":
            self._check_fitted()
            tokens = self._query_tokens(query, where)
            cols, weights = self._vector(tokens)
            weight = self.fusion_weight_for(query) if self.doc_model_ is not None else 0.0
            titles = self.title_weight_for(query) if self.title_model_ is not None else 0.0
            if titles > 0:
                profiles, scores = titled_candidates(self, tokens, cols, weights, k, weight,
                                                     titles)
            elif weight == 0:
                profiles, scores = self._concat_candidates(cols, weights, k)
            else:
                depth = min(max(k, self.fusion_depth), len(self.profile_ids_))
                profiles, scores = self._concat_candidates(cols, weights, depth)
                # Only the depth best can be in the top k (the others' fused score is at
                # most their concat part, below every one of them), so fuse those alone.
                profiles, scores = self._head(profiles, scores)
                scores = self._fuse(tokens, profiles, scores, weight)
        else:
            profiles, scores = self._profile_scores(query, where)
        if len(profiles) > k:
            kth = -np.partition(-scores, k - 1)[k - 1]
            sel = np.flatnonzero(scores >= kth)
            profiles, scores = profiles[sel], scores[sel]
        order = np.lexsort((profiles, -scores))[:k]
        return profiles[order], scores[order]

    @staticmethod
    def _block_bound(dense: np.ndarray, k: int) -> float:
        """The k-th largest of the block maxima: at least k rows score at or above it."""
        maxima = dense.reshape(-1, _TOPK_BLOCK).max(axis=1)
        return np.partition(maxima, len(maxima) - k)[len(maxima) - k] if len(maxima) > k else 0

    def _concat_dense(self, cols, weights) -> np.ndarray:
        """Scores of the fitted rows (one a profile), padded with zeros to whole blocks."""
        n = self.n_rows_main_
        block = _TOPK_BLOCK
        dense = np.zeros(-(-n // block) * block)  # padded with zeros, never selected
        ptr, row, weight = self.postings_ptr_, self.postings_row_, self.postings_weight_
        main_cols = cols[cols < self.n_terms_main_]
        for s, e, w in zip(ptr[main_cols].tolist(), ptr[main_cols + 1].tolist(),
                           weights[cols < self.n_terms_main_].tolist(), strict=True):
            # Column by column: fewer passes than one concatenated bincount. A column's
            # rows are distinct (summed when fitted), so a buffered += adds exactly what
            # np.add.at would, about 7 times faster.
            dense[row[s:e]] += weight[s:e] if w == 1.0 else weight[s:e] * w
        return dense

    def _side_scores(self, cols, weights) -> tuple[np.ndarray, np.ndarray]:
        """(profile, score) of the touched rows of profiles added after fit (concat)."""
        side = self._side()
        if side is not None:
            s_idx, s_val = self._gather(side, cols, weights)
            if len(s_idx):
                s_rows, inverse = np.unique(s_idx, return_inverse=True)
                owner = np.asarray(self._side_doc_profile, np.int64)[s_rows]
                return owner, np.bincount(inverse, weights=s_val)
        return np.zeros(0, np.int64), np.zeros(0)

    def _concat_candidates(self, cols, weights, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Profiles that may be in the top k (all of them, ties included) and their scores.

        One row per profile, so the scores go to a dense array, and the k-th largest of its
        block maxima bounds the k-th best score from below: only the few rows above the
        bound are kept, instead of listing every touched row (most of 200,000 for a query
        with common bigrams, which cost more than the scoring itself).
        """
        dense = self._concat_dense(cols, weights)
        bound = self._block_bound(dense, k)
        rows = np.flatnonzero(dense >= bound) if bound > 0 else np.flatnonzero(dense)
        owner, side_scores = self._side_scores(cols, weights)
        return np.r_[rows, owner].astype(np.int64), np.r_[dense[rows], side_scores]

    def explain(self, query: str, profile_id: str) -> list[tuple[str, float, str | None]]:
        """The words of the query a profile matched, for people to read.

        Returns ``(word, weight, doc_id)``, largest weight first: whole words of the query
        (jieba with the project vocabulary), each spanned by index terms the document holds,
        weighted by what those terms add to its score; no bigram fragments, no words under
        two characters, no stopwords or generic words (`matcher.explain_terms`). ``doc_id``
        is None with ``aggregation="concat"``. `contributions` gives the exact split.

        Raises
        ------
        NotFitted, NotFound, InvalidInput
        """
        rows = self.contributions(query, profile_id)
        seg = _segmenter(self.tokenizer_.extra_terms)
        return whole_words(query[: self.max_query_chars], rows,
                           seg.cut)

    def contributions(self, query: str, profile_id: str, docs: int | None = None
                      ) -> list[tuple[str, float, str | None]]:
        """The index terms a query and a profile share, with their contributions.

        Returns ``(term, weight, doc_id)`` for every (term, document) pair that adds to the
        document's score, largest first; the weights of one document sum to its score
        (``doc_id`` is None with ``aggregation="concat"``). With `docs`, a fused model
        gives only the documents that may be among the `docs` of largest score (all
        rows of each; ties kept): what an explanation of the strongest documents reads.

        Raises
        ------
        NotFitted, NotFound, InvalidInput
        """
        self._check_fitted()
        p = self.profile_index_.get(profile_id)
        if p is None:
            raise NotFound("is not an indexed profile", value=profile_id, where="explain")
        if self._fused():
            doc = self.doc_model_
            return document_contributions(doc, *doc._query_vector(query), p, docs)
        return index_contributions(self, *self._query_vector(query), p)

    def _fused(self) -> bool:
        self._check_fitted()
        return self.doc_model_ is not None

    @property
    def matrix_(self) -> sp.csc_matrix:
        """The document-term weights as a CSC matrix (a view of the postings arrays)."""
        self._check_fitted()
        return sp.csc_matrix((self.postings_weight_, self.postings_row_, self.postings_ptr_),
                             shape=(self.n_rows_main_, self.n_terms_main_), copy=False)

    @property
    def index_nbytes_(self) -> int:
        """Bytes held by the index arrays (postings, row owners, document counts, idf, and a
        fusion's document rows and term columns)."""
        self._check_fitted()
        own = int(self.postings_ptr_.nbytes + self.postings_row_.nbytes
                  + self.postings_weight_.nbytes + self.row_profile_.nbytes
                  + self.n_docs_.nbytes + self.idf_.nbytes)
        own += sum(getattr(self, name).nbytes for name in ("rows_ptr_", "rows_col_",
                                                           "rows_weight_") if hasattr(self, name))
        own += sum(a.nbytes for a in self.__dict__.get("cols_", ()))  # `fusion._columns`
        own += self.doc_model_.index_nbytes_ if self.doc_model_ is not None else 0
        title_model = self.__dict__.get("title_model_")
        return own + (title_model.index_nbytes_ if title_model is not None else 0)
