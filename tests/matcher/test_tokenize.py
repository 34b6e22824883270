"""Tokenisation: Chinese words and n-grams, English words, normalisation first."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from duijie.matcher.batch_tokenize import count_terms
from duijie.matcher.tokenize import TextTokenizer, normalize_for_tokens, stem_english


def test_chinese_gives_bigrams_and_the_vocabulary_compound() -> None:
    tokens = TextTokenizer()("红外探测器")
    assert tokens[:4] == ["红外", "外探", "探测", "测器"]
    assert "红外探测器" in tokens  # from tech_terms.txt through jieba


def test_trigrams_when_asked() -> None:
    tokens = TextTokenizer(ngram_range=(2, 3))("微特电机")
    assert {"微特", "特电", "电机", "微特电", "特电机", "微特电机"} == set(tokens)


def test_function_words_do_not_make_ngrams() -> None:
    tokens = TextTokenizer()("材料的研究")
    assert "料的" not in tokens and "的研" not in tokens
    assert {"材料", "研究"} <= set(tokens)


def test_english_words_lowercased_stopwords_dropped_plurals_stripped() -> None:
    assert TextTokenizer()("The Infrared Detectors of Batteries") == [
        "infrared", "detector", "battery"]


def test_mixed_script_keeps_both_sides_and_word_boundaries() -> None:
    tokens = TextTokenizer()("5G基站 antenna design")
    assert tokens[0] == "5g"
    assert {"基站", "antenna", "design"} <= set(tokens)


def test_traditional_and_simplified_give_the_same_terms() -> None:
    tok = TextTokenizer()
    assert tok("複合材料與紅外探測") == tok("复合材料与红外探测")


def test_full_width_letters_and_spaces_become_half_width() -> None:
    assert normalize_for_tokens("ＣＮＣ　機床") == "cnc 机床"
    assert TextTokenizer()("ＣＮＣ　機床") == ["cnc", "机床"]


def test_normalisation_equals_nfkc_then_simplified_then_lower_case() -> None:
    import unicodedata

    from duijie.graph.normalize import to_simplified

    samples = ["ＡＢＣ，１２３％（測試）", "Ａ\u0301ｂ", "①②㎡ﬁ", "全角　空格", "ｶﾀｶﾅ", "普通文本"]
    samples.append("".join(samples) * 200)  # long texts take the numpy path
    for text in samples:
        expected = to_simplified(unicodedata.normalize("NFKC", text)).lower()
        assert normalize_for_tokens(text) == expected, text


def test_accents_are_stripped_from_latin_words() -> None:
    assert TextTokenizer()("Müller Lüdenscheid") == ["muller", "ludenscheid"]


def test_punctuation_numbers_and_stopwords_only_give_nothing() -> None:
    tok = TextTokenizer()
    assert tok("，。！？…… --- ()") == []
    assert tok("2019 3.5 the of and") == []
    assert tok("") == []


def test_extra_terms_become_whole_words() -> None:
    text = "钙钛矿叠层电池"
    assert "钙钛矿叠层" not in TextTokenizer()(text)
    assert "钙钛矿叠层" in TextTokenizer(extra_terms=["鈣鈦礦疊層"])(text)  # normalised too


def test_stemming_can_be_switched_off() -> None:
    assert TextTokenizer(stem=False)("sensors") == ["sensors"]
    assert stem_english("ceramics") == "ceramic"


# -- the batch path gives the same terms as the one-text path ------------------------------
def _batch_counts(tok: TextTokenizer, texts: list[str]) -> list[Counter]:
    vocab: dict[str, int] = {}
    ids, indptr = count_terms(tok, texts, vocab)
    term = {i: t for t, i in vocab.items()}
    return [Counter(term[i] for i in ids[indptr[k]:indptr[k + 1]]) for k in range(len(texts))]


MIXED = ["非制冷红外探测器的研究了", "Infrared Detectors for 紅外探測 lab\nsecond line", "，。",
         "ＣＮＣ　機床 Müller 5G基站 rv减速器 3d打印 2019年", "我们需要碳纤维复合材料", "a",
         "的的了了", "Ｌａｓｅｒ welding 激光焊接 of copper busbars", "智能网联汽车车路协同"]


@pytest.mark.parametrize("ngram_range", [(2, 2), (2, 3), (1, 2)])
def test_batch_counting_equals_tokenizing_each_text(ngram_range) -> None:
    rng = random.Random(5)
    alphabet = "红外探测器碳纤维复合材料的了我们 laser 3D，。研究技术微特电机"
    texts = MIXED + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
                     for _ in range(200)]
    tok = TextTokenizer(ngram_range=ngram_range, segmenter="vocabulary")
    assert _batch_counts(tok, texts) == [Counter(tok(t)) for t in texts]


def test_batch_counting_with_jieba_takes_the_plain_path() -> None:
    tok = TextTokenizer()
    assert _batch_counts(tok, MIXED) == [Counter(tok(t)) for t in MIXED]


@pytest.mark.parametrize("segmenter", ["jieba", "vocabulary"])
def test_a_tokenizer_survives_pickling(segmenter) -> None:
    # Its segmenter (native jieba) is rebuilt from the settings, so a fitted index can be
    # kept in a file or sent to another process.
    import pickle

    tokenizer = TextTokenizer(ngram_range=(2, 3), extra_terms=("读出电路噪声",),
                              segmenter=segmenter)
    copy = pickle.loads(pickle.dumps(tokenizer))
    text = "红外探测器读出电路噪声抑制 SiC detectors"
    assert copy(text) == tokenizer(text) and copy.segmenter == segmenter
