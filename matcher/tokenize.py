"""Tokens for text affinity: Chinese words and character n-grams, Latin-script words.

Needs are short and full of technical compounds (红外探测, 复合材料), written by many hands
(full-width letters, traditional characters, English mixed in). So the text is normalised
first (NFKC, which also turns full-width into half-width; traditional → simplified;
lower case; accents off Latin letters), then split into runs of Chinese characters and runs
of other letters and digits:

* a Chinese run gives its character n-grams (bigrams by default), which find compounds no
  dictionary knows, plus the jieba words longer than the longest n-gram, which keep whole
  compounds (碳纤维, 智能网联汽车) as one strong term. A word as long as an n-gram is not
  emitted twice: it *is* that n-gram. jieba runs as jieba-rs (`rjieba`), a segmenter of our
  own with `data/tech_terms.txt` and the caller's terms as its user dictionary;
* a Latin-script run gives lower-cased words, English stopwords and bare numbers dropped,
  plural endings stripped (sensors → sensor, batteries → battery).

Unlike `graph.normalize.normalize_text`, spaces are kept, so English words stay apart.

>>> tok = TextTokenizer()
>>> tok("碳纤维复合材料")
['碳纤', '纤维', '维复', '复合', '合材', '材料', '碳纤维', '复合材料']
>>> tok("Infrared detectors for the 紅外探測 lab")
['infrared', 'detector', '红外', '外探', '探测', '红外探测', 'lab']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

import numpy as np
import rjieba
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from duijie.graph.normalize import to_simplified

_FULL_WIDTH = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = " "
# The numpy path of `normalize_for_tokens` relies on this (full-width ! … ~ are ASCII + 0xFEE0).
assert all(v == chr(c - 0xFEE0) for c, v in _FULL_WIDTH.items() if c != 0x3000)
_NUMPY_FROM = 2_000  # characters; below, str.translate is quicker than a numpy round trip
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK = "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES)  # the same, as a regex class
# A Chinese run, or a run of other letters/digits (Latin, Cyrillic, kana …) with inner - or '.
_RUN = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+(?:['\-][^\W_{_CJK}]+)*)")
_DIGITS = re.compile(r"^[\d\-']+$")

# Function words that carry no topic; generic words (技术, 研究, 公司) are left to idf and to
# the index's pruning, because in some corpora they do discriminate.
_CHINESE_STOPWORD_TEXT = """
的 了 和 与 及 或 等 在 是 对 把 被 为 以 于 之 其 这 那 也 都 就 而 并 且 从 向 由 将 使 让 给
我们 你们 他们 我司 贵司 本公司 我公司 一个 一些 一种 一项 这个 那个 这些 那些 以及 并且 或者
进行 开展 通过 相关 有关 方面 问题 需要 希望 能够 可以 如何 怎么 什么 哪些 目前 现在 已经
主要 具有 包括 提供 关于 对于 其中 以上 以下 如果 因为 所以 但是 然后 同时 还是 没有 不能
"""
CHINESE_STOPWORDS = frozenset(_CHINESE_STOPWORD_TEXT.split())
# N-grams with these characters straddle a function word (材料的研究 → 料的, 的研).
_NGRAM_BREAKERS = re.compile("[的了]")
ENGLISH_STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | {"need", "needs", "want", "looking",
                                                     "company", "use", "using", "used"}

_jieba_lock = threading.Lock()


def normalize_for_tokens(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case; spaces kept.

    >>> normalize_for_tokens("ＡＩ　芯片 與 光電")
    'ai 芯片 与 光电'
    """
    # Full-width ASCII (，。（） Ａ１) is most of what needs NFKC in Chinese text and maps one
    # to one; translating it first lets the cheap quick-check pass the rest unchanged.
    if len(text) < _NUMPY_FROM:
        text = text.translate(_FULL_WIDTH)
    else:  # str.translate looks up every character in a dict: 8× slower on long chunks
        cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
        cp[(cp >= 0xFF01) & (cp <= 0xFF5E)] -= 0xFEE0
        cp[cp == 0x3000] = 0x20
        text = cp.tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return to_simplified(text).lower()


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem_english(word: str) -> str:
    """Strip an English plural ending; nothing cleverer, so terms stay readable.

    >>> [stem_english(w) for w in ["sensors", "batteries", "glasses", "process", "gas"]]
    ['sensor', 'battery', 'glass', 'process', 'gas']
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def read_terms(text: str) -> list[str]:
    """Terms from a vocabulary text: one a line, blank lines and '#' comments skipped.

    >>> read_terms("# fields\\n红外探测\\n\\n 碳纤维 \\n")
    ['红外探测', '碳纤维']
    """
    terms = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            terms.append(line)
    return terms


@lru_cache(maxsize=1)
def project_terms() -> tuple[str, ...]:
    """The technology compounds shipped in `matcher/data/tech_terms.txt`, normalised."""
    text = resources.files("duijie.matcher").joinpath("data/tech_terms.txt").read_text("utf-8")
    return tuple(normalize_for_tokens(t) for t in read_terms(text))


class WordSegmenter:
    """jieba's segmentation (jieba-rs, the Rust port of the same algorithm and dictionary,
    through `rjieba`: about 16× faster than the Python package) with the project's
    vocabulary as its user dictionary.

    >>> WordSegmenter(("红外探测器读出电路",)).cut("红外探测器读出电路噪声抑制")
    ['红外探测器读出电路', '噪声', '抑制']
    """

    def __init__(self, extra_terms: tuple[str, ...] = ()):
        self._jieba = rjieba.Jieba()
        for term in (*project_terms(), *extra_terms):
            # A high frequency makes jieba keep the compound whole rather than split it.
            self._jieba.add_word(term, 100_000, None)

    def cut(self, text: str) -> list[str]:
        """Words whose concatenation is `text` (no HMM guessing of unknown words)."""
        return self._jieba.cut(text, False)


@lru_cache(maxsize=8)
def _segmenter(extra_terms: tuple[str, ...]) -> WordSegmenter:
    """The segmenter for a term set, built once."""
    with _jieba_lock:
        return WordSegmenter(extra_terms)


@lru_cache(maxsize=8)
def _vocabulary_index(extra_terms: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Vocabulary terms of three characters or more by their first two, longest first."""
    index: dict[str, set[str]] = {}
    for term in (*project_terms(), *extra_terms):
        if len(term) >= 3:
            index.setdefault(term[:2], set()).add(term)
    return {k: tuple(sorted(v, key=lambda t: (-len(t), t))) for k, v in index.items()}


class TextTokenizer:
    """Turn a text into the terms the affinity index counts.

    Parameters
    ----------
    ngram_range : tuple of int, default (2, 2)
        Lengths of the Chinese character n-grams.
    extra_terms : sequence of str, optional
        Compounds added to jieba's dictionary beside `data/tech_terms.txt`.
    stem : bool, default True
        Strip English plural endings.
    segmenter : {"jieba", "vocabulary"}, default "jieba"
        Where Chinese words come from: jieba's segmentation (its dictionary plus the
        vocabulary), or every vocabulary term found in the text, overlaps included
        (非制冷红外探测器 → 非制冷红外, 红外探测, 红外探测器), which index builds can run as
        numpy array operations.

    Examples
    --------
    >>> TextTokenizer(ngram_range=(2, 3))("增材制造")
    ['增材', '材制', '制造', '增材制', '材制造', '增材制造']
    >>> TextTokenizer()("，。！？")
    []
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 2), extra_terms=(), stem: bool = True,
                 segmenter: str = "jieba"):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.extra_terms = tuple(sorted({normalize_for_tokens(t).strip()
                                         for t in extra_terms if t and t.strip()}))
        self.stem = stem
        if segmenter not in ("jieba", "vocabulary"):
            raise ValueError(f"unknown segmenter {segmenter!r}; expected 'jieba' or 'vocabulary'")
        self.segmenter = segmenter
        self._load()

    def _load(self) -> None:
        if self.segmenter == "jieba":
            self._segmenter = _segmenter(self.extra_terms)
        else:
            self._prefixes = _vocabulary_index(self.extra_terms)
        self._chinese = lru_cache(maxsize=200_000)(self._chinese_run)

    def __getstate__(self) -> dict:
        # The segmenter (native jieba) and the caches are rebuilt from the settings.
        return {k: getattr(self, k) for k in ("ngram_range", "extra_terms", "stem",
                                              "segmenter")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._load()

    def __call__(self, text: str) -> list[str]:
        tokens: list[str] = []
        for chinese, other in _RUN.findall(normalize_for_tokens(text)):
            if chinese:
                tokens.extend(self._chinese(chinese))
            elif other:
                word = _strip_accents(other)
                if len(word) < 2 or word in ENGLISH_STOPWORDS or _DIGITS.match(word):
                    continue
                tokens.append(stem_english(word) if self.stem else word)
        return tokens

    def _chinese_run(self, run: str) -> tuple[str, ...]:
        lo, hi = self.ngram_range
        pairs = list(map(str.__add__, run, run[1:]))
        grams: list[str] = []
        for n in range(lo, hi + 1):
            if n == 2:
                grams.extend(pairs)
            else:
                grams.extend(run[i:i + n] for i in range(len(run) - n + 1))
        if _NGRAM_BREAKERS.search(run):
            grams = [g for g in grams if not _NGRAM_BREAKERS.search(g)]
        out = [g for g in grams if g not in CHINESE_STOPWORDS]
        if len(run) <= hi:
            return tuple(out)
        if self.segmenter == "jieba":
            out.extend(w for w in self._segmenter.cut(run)
                       if len(w) > hi and w not in CHINESE_STOPWORDS)
            return tuple(out)
        prefixes = self._prefixes
        for i in [i for i, pair in enumerate(pairs) if pair in prefixes]:
            out.extend(t for t in prefixes[pairs[i]] if len(t) > hi and run.startswith(t, i))
        return tuple(out)
