"""Tokenise many texts at once, with numpy: the fast path of index building.

`count_terms` gives the same terms per text as `TextTokenizer` (as multisets; order within
a text differs) but finds Chinese n-grams for a whole chunk of texts at once: the chunk is
normalised in one call, turned into an array of code points, and every n-gram becomes one
integer (21 bits a character), so numbering them is `np.unique` rather than a Python loop
over tokens. Vocabulary words are looked up only where their first two characters occur,
and Latin-script words go through the tokenizer's own rules. A tokenizer with the jieba
segmenter or n-grams longer than 3 takes the plain path, one text at a time.

>>> from duijie.matcher.tokenize import TextTokenizer
>>> vocab = {}
>>> ids, indptr = count_terms(TextTokenizer(segmenter="vocabulary"),
...                           ["碳纤维 fibres", "纤维"], vocab)
>>> sorted(t for t, i in vocab.items() if i in ids[indptr[0]:indptr[1]])
['fibre', '碳纤', '碳纤维', '纤维']
>>> [t for t, i in vocab.items() if i in ids[indptr[1]:indptr[2]]]
['纤维']
"""

from __future__ import annotations

import multiprocessing
import re
from array import array

import numpy as np

from duijie.matcher.tokenize import (
    _CJK,
    _CJK_RANGES,
    _DIGITS,
    CHINESE_STOPWORDS,
    ENGLISH_STOPWORDS,
    TextTokenizer,
    _strip_accents,
    normalize_for_tokens,
    stem_english,
)

_LATIN = re.compile(rf"[^\W_{_CJK}]+(?:['\-][^\W_{_CJK}]+)*")
_BREAKERS = np.array([ord("的"), ord("了")], dtype=np.uint32)
_SHIFT = 21  # bits of a code point


def _encode(grams) -> np.ndarray:
    codes = []
    for g in grams:
        c = 0
        for ch in g:
            c = (c << _SHIFT) | ord(ch)
        codes.append(c)
    return np.array(sorted(codes), dtype=np.int64)


# Below this many texts a pool of processes costs more than it saves.
_POOL_MIN_TEXTS = 10_000
# Processes of a tokenising pool read the tokenizer from here (inherited by fork).
_POOL_TOKENIZER: TextTokenizer | None = None


def count_texts(tokenizer: TextTokenizer, texts: list[str], n_jobs: int = 1,
                step: int = 5_000) -> tuple[dict[str, int], array, array]:
    """Tokenise and number the terms: (vocabulary, term ids, row pointer per text).

    Only term ids are kept, never the token strings (4 bytes a token). Chunks of `step`
    texts go through `count_terms`, on `n_jobs` forked processes when there are many;
    each process numbers its chunk's terms and the parent maps them to its vocabulary in
    chunk order, so the result does not depend on `n_jobs`.

    >>> vocab, ids, indptr = count_texts(TextTokenizer(segmenter="vocabulary"), ["碳纤维"])
    >>> sorted(vocab), list(indptr)
    (['碳纤', '碳纤维', '纤维'], [0, 3])
    """
    global _POOL_TOKENIZER
    vocab: dict[str, int] = {}
    term_ids = array("i")
    indptr = array("q", [0])
    chunks = (texts[i:i + step] for i in range(0, len(texts), step))
    if n_jobs == 1 or len(texts) < _POOL_MIN_TEXTS:
        for chunk in chunks:
            ids, offsets = count_terms(tokenizer, chunk, vocab)
            base = len(term_ids)
            term_ids.extend(ids)
            indptr.extend(o + base for o in offsets[1:])
        return vocab, term_ids, indptr
    _POOL_TOKENIZER = tokenizer
    try:
        with multiprocessing.get_context("fork").Pool(n_jobs) as pool:
            for terms, ids_bytes, offsets_bytes in pool.imap(_pool_count, chunks):
                remap = np.array([vocab.setdefault(t, len(vocab)) for t in terms],
                                 dtype=np.int32)
                local = np.frombuffer(ids_bytes, dtype=np.int32)
                base = len(term_ids)
                term_ids.frombytes(remap[local].tobytes() if len(local) else b"")
                offsets = np.frombuffer(offsets_bytes, dtype=np.int64)[1:] + base
                indptr.frombytes(offsets.tobytes())
    finally:
        _POOL_TOKENIZER = None
    return vocab, term_ids, indptr


def _pool_count(texts: list[str]) -> tuple[list[str], bytes, bytes]:
    assert _POOL_TOKENIZER is not None
    vocab: dict[str, int] = {}
    ids, indptr = count_terms(_POOL_TOKENIZER, texts, vocab)
    return list(vocab), ids.tobytes(), indptr.tobytes()


def count_terms(tokenizer: TextTokenizer, texts: list[str], vocab: dict[str, int]
                ) -> tuple[array, array]:
    """Term ids of each text, numbering new terms in `vocab` (updated in place).

    Returns
    -------
    (array of int32, array of int64)
        The ids of all texts' terms, text after text, and the offsets of each text.
    """
    lo, hi = tokenizer.ngram_range
    ids, indptr = array("i"), array("q", [0])
    if tokenizer.segmenter != "vocabulary" or hi > 3:
        for text in texts:
            ids.extend(_number(vocab, tokenizer(text)))
            indptr.append(len(ids))
        return ids, indptr
    # One normalisation call per chunk; newlines separate texts (and are spaces anyway).
    joined = normalize_for_tokens("\n".join(t.replace("\n", " ") for t in texts))
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    text_of = np.cumsum(cp == 10, dtype=np.int32)  # the text each position belongs to
    cjk = np.zeros(len(cp), dtype=bool)
    for a, b in _CJK_RANGES:
        cjk |= (cp >= a) & (cp <= b)
    usable = cjk & (cp != _BREAKERS[0]) & (cp != _BREAKERS[1])
    docs, terms = [], []
    for n in range(lo, hi + 1):
        m = len(cp) - n + 1
        if m <= 0:
            continue
        ok = usable[:m].copy()
        code = cp[:m].astype(np.int64)
        for j in range(1, n):
            ok &= usable[j:j + m]
            code = (code << _SHIFT) | cp[j:j + m]
        pos = np.flatnonzero(ok)
        code = code[pos]
        stop = _encode(w for w in CHINESE_STOPWORDS if len(w) == n)
        if len(stop):
            keep = ~_member(stop, code, cp[pos])
            pos, code = pos[keep], code[keep]
        uniq, inverse = np.unique(code, return_inverse=True)
        uniq_ids = np.array([_id(vocab, t) for t in _decode_all(uniq, n)], dtype=np.int32)
        docs.append(text_of[pos])
        terms.append(uniq_ids[inverse])
    # Vocabulary words: only where a term's first two characters stand, compared as arrays.
    words, heads = _word_table(tokenizer)
    m = len(cp) - 1
    if m > 0 and len(heads):
        pair = (cp[:m].astype(np.int64) << _SHIFT) | cp[1:]
        cand = np.flatnonzero(_member(heads, pair, cp[:m]))
        for length, (hashes, word_cps, word_list) in words.items():
            at = cand[cand <= len(cp) - length]
            if not len(at):
                continue
            window = cp[at[:, None] + np.arange(length)]
            h = _hash(window)
            w = np.minimum(np.searchsorted(hashes, h), len(hashes) - 1)
            hit = (hashes[w] == h) & (word_cps[w] == window).all(axis=1)  # exact, not hash
            if hit.any():
                w_hit = w[hit]
                found, inverse = np.unique(w_hit, return_inverse=True)
                ids_found = np.array([_id(vocab, word_list[i]) for i in found.tolist()],
                                     dtype=np.int32)
                docs.append(text_of[at[hit]])
                terms.append(ids_found[inverse])
    # Latin-script words, by the tokenizer's rules.
    l_pos, l_ids = [], []
    for match in _LATIN.finditer(joined):
        word = match.group()
        if word.isdigit():
            continue
        word = _strip_accents(word)
        if len(word) < 2 or word in ENGLISH_STOPWORDS or _DIGITS.match(word):
            continue
        l_pos.append(match.start())
        l_ids.append(_id(vocab, stem_english(word) if tokenizer.stem else word))
    if l_pos:
        docs.append(text_of[np.array(l_pos)])
        terms.append(np.array(l_ids, dtype=np.int32))
    if docs:
        doc = np.concatenate(docs)
        term = np.concatenate(terms)
        order = np.argsort(doc, kind="stable")
        ids.frombytes(term[order].astype(np.int32).tobytes())
        counts = np.bincount(doc, minlength=len(texts))
    else:
        counts = np.zeros(len(texts), dtype=np.int64)
    indptr.extend(np.cumsum(counts).astype(np.int64).tolist())
    return ids, indptr


def _word_table(tokenizer: TextTokenizer) -> tuple[dict, np.ndarray]:
    """Vocabulary words longer than the n-grams and all Chinese, grouped by length.

    Returns ``({length: (sorted hashes, code points per hash, words)}, sorted head codes)``.
    """
    key = (tokenizer.ngram_range[1], id(tokenizer._prefixes))
    if key not in _TABLES:
        hi = tokenizer.ngram_range[1]
        by_length: dict[int, list[str]] = {}
        for words in tokenizer._prefixes.values():
            for w in words:
                if len(w) > hi and all(map(_is_cjk, w)):
                    by_length.setdefault(len(w), []).append(w)
        table = {}
        for length, words in sorted(by_length.items()):
            cps = np.array([[ord(c) for c in w] for w in words], dtype=np.uint32)
            h = _hash(cps)
            order = np.argsort(h, kind="stable")
            table[length] = (h[order], cps[order], [words[i] for i in order.tolist()])
        heads = _encode({w[:2] for ws in by_length.values() for w in ws})
        _TABLES[key] = (table, heads)
    return _TABLES[key]


def _hash(windows: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of each row of code points (wrapping is intended)."""
    h = np.zeros(len(windows), dtype=np.uint64)
    for j in range(windows.shape[1]):
        h = h * np.uint64(1_000_003) + windows[:, j].astype(np.uint64)
    return h


def _member(sorted_codes: np.ndarray, values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """``np.isin`` for a small sorted array of n-gram codes.

    ``first`` holds each value's first code point: a table lookup on it discards most
    values before the binary search (which costs more than the lookup).
    """
    lead = np.zeros(0x110000, dtype=bool)
    lead[(sorted_codes >> (_SHIFT * _length(sorted_codes))).astype(np.int64)] = True
    out = lead[first]
    idx = np.flatnonzero(out)
    if len(idx):
        v = values[idx]
        i = np.minimum(np.searchsorted(sorted_codes, v), len(sorted_codes) - 1)
        out[idx] = sorted_codes[i] == v
    return out


def _length(codes: np.ndarray) -> int:
    """Characters per code minus one (all codes of an array have the same length)."""
    return (int(codes.max()).bit_length() - 1) // _SHIFT


def _decode_all(codes: np.ndarray, n: int) -> list[str]:
    """N-gram codes back to their text, all at once (one string built, then sliced)."""
    mask = (1 << _SHIFT) - 1
    cps = np.empty((len(codes), n), dtype=np.uint32)
    for j in range(n):
        cps[:, j] = (codes >> (_SHIFT * (n - 1 - j))) & mask
    text = cps.tobytes().decode("utf-32-le")
    return [text[i:i + n] for i in range(0, len(text), n)]


_TABLES: dict[tuple[int, int], tuple[dict, np.ndarray]] = {}


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return any(a <= o <= b for a, b in _CJK_RANGES)


def _id(vocab: dict[str, int], term: str) -> int:
    i = vocab.get(term)
    if i is None:
        i = vocab[term] = len(vocab)
    return i


def _number(vocab: dict[str, int], tokens: list[str]) -> list[int]:
    return [_id(vocab, t) for t in tokens]
