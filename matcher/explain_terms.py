"""Matched terms organisers can read: whole words, not index fragments.

The index counts character bigrams (拓扑, 扑优, 优化) beside vocabulary words, so the raw
contributions of a query to a profile (`TextAffinity.contributions`) are full of fragments
(扑优, 化成, 用高) and of words every text shares (企业, 项目). `whole_words` turns them into
the words of the query that the profile matched:

1. the query is cut into words by jieba (a private tokenizer with the project vocabulary,
   `matcher.tokenize`), so every candidate ends on a word boundary;
2. two neighbouring characters of the query are *linked* when a matched index term covers
   both (or when they are a Latin and a Chinese character both covered: SiC功率);
3. a query word is kept when all its characters are linked, i.e. the matched terms span it
   (拓扑优化 from 拓扑, 扑优, 优化; the fragment 化成 of 拓扑优化成本 links 化 to 成, but 成本
   is not spanned, so only 拓扑优化 is kept); matched vocabulary terms are kept as they are,
   and so is a run of three or more linked characters inside a longer word (传感器 of
   压力传感器, when the profile says 传感器 but not 压力传感器);
4. words inside a longer kept word, words under two characters, stopwords and the generic
   words of `data/generic_words.txt` (企业, 项目, 研究, 技术, 解决 …) are dropped.

The index does not keep the profiles' texts, so "the profile matched the word" means: the
profile's postings hold every index term spanning it. A word's weight is the sum of the
contributions of the index terms inside it, so the words are ranked by what they add to the
score; what fragments and generic words add is left out (it is in `contributions`).

>>> rows = [("拓扑", 2.0, "d1"), ("扑优", 1.5, "d1"), ("优化", 0.5, "d1"), ("化成", 0.4, "d1"),
...         ("企业", 0.3, "d1")]
>>> whole_words("企业目前拓扑优化成本偏高", rows, lambda text: ["企业", "目前", "拓扑优化",
...                                                    "成本", "偏高"])
[('拓扑优化', 4.0, 'd1')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources

import numpy as np

from duijie.matcher.tokenize import (
    _CJK_RANGES,
    CHINESE_STOPWORDS,
    ENGLISH_STOPWORDS,
    normalize_for_tokens,
    read_terms,
    stem_english,
)


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """The words of `matcher/data/generic_words.txt`, normalised.

    >>> {"企业", "项目", "研究", "技术"} <= generic_words()
    True
    """
    text = resources.files("duijie.matcher").joinpath("data/generic_words.txt").read_text("utf-8")
    return frozenset(normalize_for_tokens(w) for line in read_terms(text) for w in line.split())


@lru_cache(maxsize=8192)
def _is_cjk(ch: str) -> bool:
    # Cached: explaining one institute walks the same few hundred characters per document.
    return any(a <= ord(ch) <= b for a, b in _CJK_RANGES)


def _latin(ch: str) -> bool:
    """A letter or digit of a Latin-script word (one that continues a word like sic)."""
    return ch.isalnum() and not _is_cjk(ch)


def _hidden(word: str) -> bool:
    w = word.strip()
    return (len(w) < 2 or w in CHINESE_STOPWORDS or w in ENGLISH_STOPWORDS
            or w in generic_words() or stem_english(w) in generic_words()
            or not any(c.isalpha() for c in w))


EXPLAINED_DOCS = 8
"""How many of a profile's documents an explanation reads (those that contribute most)."""


def whole_words(query: str, contributions: Iterable[tuple[str, float, str | None]],
                segment: Callable[[str], list[str]], max_docs: int = EXPLAINED_DOCS
                ) -> list[tuple[str, float, str | None]]:
    """Readable matched words of a query, per document, from raw index contributions.

    Parameters
    ----------
    query : str
        The query text as given.
    contributions : iterable of (term, weight, doc_id)
        What each index term adds to each document's score (`TextAffinity.contributions`).
    segment : callable
        Cuts a normalised text into words whose concatenation is the text (jieba's cut).
    max_docs : int
        Only the documents that contribute most are explained: an institute may have
        hundreds, and an organiser reads the few that carry the match.

    Returns
    -------
    list of (word, weight, doc_id)
        Largest weight first; words as written in the query when normalisation kept its
        length (SiC, not sic), else normalised.
    """
    text, surface, words, memo = query_words(query, segment)
    by_doc: dict[str | None, dict[str, float]] = {}
    for term, weight, doc in contributions:
        by_doc.setdefault(doc, {})[term] = by_doc.get(doc, {}).get(term, 0.0) + weight
    strongest = sorted(by_doc.items(), key=lambda kv: (-sum(kv[1].values()), str(kv[0])))
    out = []
    for doc, weights in strongest[:max_docs]:
        # Which words a document shows depends only on which of the query's terms it
        # matched: documents of other profiles often match the same ones.
        terms = frozenset(weights)
        shown = memo.get(terms)  # threads share the memo: read it once
        if shown is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            shown = memo[terms] = _kept(text, words, terms, segment)
        out.extend((surface[a:b], sum(weights[t] for t in inside), doc)
                   for a, b, inside in shown)
    out.sort(key=lambda t: (-t[1], t[0], str(t[2])))
    return out


_MEMO_SIZE = 4096


@lru_cache(maxsize=64)
def query_words(query: str, segment: Callable[[str], list[str]]
                ) -> tuple[str, str, tuple[tuple[int, int], ...], dict]:
    """The normalised query, the text words are shown from, the words' spans, and a
    memo of the words each set of matched terms shows; kept for the next profile
    explained for the same query (one recommendation explains dozens).

    >>> query_words("碳纤维材料", lambda text: ["碳纤维", "材料"])[:3]
    ('碳纤维材料', '碳纤维材料', ((0, 3), (3, 5)))
    """
    text = normalize_for_tokens(query)
    surface = query if len(query) == len(text) else text
    words, pos = [], 0
    for w in segment(text):
        at = text.find(w, pos)
        if w and at >= 0:
            words.append((at, at + len(w)))
            pos = at + len(w)
    return text, surface, tuple(words), {}


_LONGEST_ENUMERATED = 12
"""In longer query words every piece of three or more counts (runs are not cut)."""


@lru_cache(maxsize=64)
def showable_terms(query: str, terms: tuple[str, ...], segment: Callable[[str], list[str]]
                   ) -> frozenset[str]:
    """The terms that may lie inside a word `whole_words` shows for this query, whatever
    the document matched (for `matcher.shown_share.share_bounds`).

    A shown word is one of `_kept`'s candidates and not hidden: a query word of two
    characters or more, a piece of three or more of a run inside a word of four or more,
    or a matched term of three characters or more (or Latin). Every such word that is not
    hidden, wherever its text occurs in the query, covers the characters a shown word may
    cover; a term is showable when one of its occurrences lies inside them. Generic words
    (专家, 需求) and fragments across a generic word's edge are not.

    >>> from duijie.matcher.tokenize import _segmenter
    >>> cut = _segmenter(()).cut
    >>> cut("需要红外探测器专家")
    ['需要', '红外探测器', '专家']
    >>> sorted(showable_terms("需要红外探测器专家", ("要红", "红外", "外探", "器专", "专家"), cut))
    ['外探', '红外']
    """
    text, surface, words, _ = query_words(query, segment)
    spans: set[tuple[int, int]] = set()
    for a, b in words:
        if b - a >= 2:
            spans.add((a, b))
        if b - a > _LONGEST_ENUMERATED:  # every piece of 3+ it could be cut into
            spans.update((s, e) for s in range(a, b - 2) for e in range(s + 3, b + 1))
        elif b - a >= 4:  # every run of 3+ inside the word, cut as `_kept` cuts it
            for start in range(a, b - 2):
                if not _is_cjk(text[start]):
                    continue
                for end in range(start + 3, b + 1):
                    at = start
                    for piece in segment(text[start:end]):
                        if len(piece) >= 3:
                            spans.add((at, at + len(piece)))
                        at += len(piece)
    for term in terms:  # vocabulary and Latin terms, as matched
        if term and (len(term) > 2 or not _is_cjk(term[0])):
            at = text.find(term)
            while at >= 0:
                spans.add((at, at + len(term)))
                at = text.find(term, at + 1)
    covered = [False] * len(text)
    strings = {normalize_for_tokens(surface[a:b]) for a, b in spans if not _hidden(text[a:b])}
    for word in strings:  # the share counts every occurrence of a shown word's text
        at = text.find(word)
        while word and at >= 0:
            covered[at:at + len(word)] = [True] * len(word)
            at = text.find(word, at + 1)
    out = set()
    for term in terms:
        at = text.find(term)
        while term and at >= 0:
            if all(covered[at:at + len(term)]):
                out.add(term)
                break
            at = text.find(term, at + 1)
    return frozenset(out)


def _kept(text: str, words: tuple[tuple[int, int], ...], weights: frozenset[str],
          segment: Callable[[str], list[str]]) -> list[tuple[int, int, frozenset[str]]]:
    """The shown words' spans, each with the matched terms inside it (`weights`: the
    terms a document matched)."""
    n = len(text)
    linked = [False] * max(n - 1, 0)
    covered = [False] * n
    spans: dict[str, list[tuple[int, int]]] = {}
    for term in weights:
        start = text.find(term)
        if start < 0:
            continue
        latin_word = not _is_cjk(term[0])
        size = len(term)
        while start >= 0:
            end = start + size
            if not latin_word or ((start == 0 or not _latin(text[start - 1]))
                                  and (end == n or not _latin(text[end]))):
                spans.setdefault(term, []).append((start, end))
                covered[start:end] = [True] * size
                linked[start:end - 1] = [True] * (size - 1)
            start = text.find(term, start + 1)
    for i in range(n - 1):  # SiC功率: a script boundary inside a word, both sides matched
        if covered[i] and covered[i + 1] and not linked[i] \
                and _is_cjk(text[i]) != _is_cjk(text[i + 1]):
            linked[i] = True
    candidates = {(a, b) for a, b in words if b - a >= 2 and all(linked[a:b - 1])}
    for a, b in words:  # 传感器 of 压力传感器: a run of 3+ matched characters inside a word
        if (a, b) in candidates or b - a < 4:
            continue
        start = a
        for i in range(a, b):
            if i == b - 1 or not linked[i]:
                if i + 1 - start >= 3 and _is_cjk(text[start]):
                    at = start  # the run's own words: 力传感器 is 力 + 传感器
                    for piece in segment(text[start:i + 1]):
                        if len(piece) >= 3:
                            candidates.add((at, at + len(piece)))
                        at += len(piece)
                start = i + 1
    for term, places in spans.items():  # vocabulary words and Latin words, as matched
        if len(term) > 2 or not _is_cjk(term[0]):
            candidates.update(places)
    for a, b in [w for w in words if w not in candidates]:  # detectors ← detector
        word = text[a:b]
        if not _is_cjk(word[0]) and stem_english(word) in spans:
            candidates.add((a, b))
    # Longest first; a word inside a longer kept word adds to it instead.
    ordered = sorted(candidates, key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int]] = []
    for a, b in ordered:
        if not any(x <= a and b <= y for x, y in kept):
            kept.append((a, b))
    # Each matched place by its start, so a kept word finds the terms inside it by bisection.
    places = sorted((x, y, t) for t, at in spans.items() for x, y in at)
    starts = [x for x, _, _ in places]
    result, seen, shown = [], set(), set()
    for a, b in kept:
        word = text[a:b]
        inside = list(dict.fromkeys(
            t for x, y, t in places[bisect_left(starts, a):bisect_left(starts, b)]
            if y <= b and t not in seen))
        if word not in spans and not _is_cjk(word[0]):
            inside += [stem_english(word)] if stem_english(word) in spans else []
        seen.update(inside)
        if inside and word not in shown and not _hidden(word):
            shown.add(word)
            result.append((a, b, frozenset(inside)))
    return result


def index_contributions(model, cols, weights, p: int) -> list[tuple[str, float, str | None]]:
    """What each query term adds to each document of profile ``p`` of a fitted
    `matcher.text.TextAffinity` (``cols``, ``weights``: the query's term columns and weights);
    the body of `TextAffinity.contributions`, kept here to keep that module short.
    """
    out = []
    n_main = len(model.doc_start_) - 1
    if p < n_main:
        if model.aggregation == "concat":
            lo, hi, doc_ids = p, p + 1, [None]
        else:
            lo, hi = int(model.doc_start_[p]), int(model.doc_start_[p + 1])
            doc_ids = model.doc_ids_[lo:hi]
        # The postings arrays, not `matrix_`: building a scipy matrix checks every index.
        ptr, row, data = model.postings_ptr_, model.postings_row_, model.postings_weight_
        for c, w in zip(cols.tolist(), weights.tolist(), strict=True):
            if c >= model.n_terms_main_:
                continue
            s, e = ptr[c], ptr[c + 1]
            a, z = np.searchsorted(row[s:e], [lo, hi])
            for j in range(s + a, s + z):
                out.append((model.terms_[c], float(w * data[j]), doc_ids[row[j] - lo]))
    else:
        wanted = dict(zip(cols.tolist(), weights.tolist(), strict=True))
        for r, owner in enumerate(model._side_doc_profile):
            if owner != p:
                continue
            row_cols, row_vals = model._side_rows[r]
            for c, v in zip(row_cols.tolist(), row_vals.tolist(), strict=True):
                if c in wanted:
                    out.append((model.terms_[c], float(wanted[c] * v),
                                model._side_doc_ids[r]))
    out.sort(key=lambda t: (-t[1], t[0], str(t[2])))
    return out
