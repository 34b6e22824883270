"""Matched words shown for many documents of one query (`matcher.explain_terms`)."""

from __future__ import annotations

from duijie.matcher.explain_terms import query_words, whole_words


def cut(text: str) -> list[str]:
    words = ["企业", "目前", "拓扑优化", "成本", "偏高"]
    return words if text == "企业目前拓扑优化成本偏高" else [text]


def test_documents_matching_the_same_terms_show_the_same_words_with_their_own_weights():
    query = "企业目前拓扑优化成本偏高"
    first = whole_words(query, [("拓扑", 2.0, "d1"), ("扑优", 1.5, "d1"), ("优化", 0.5, "d1")],
                        cut)
    second = whole_words(query, [("拓扑", 0.2, "d2"), ("扑优", 0.1, "d2"), ("优化", 0.1, "d2")],
                         cut)
    assert first == [("拓扑优化", 4.0, "d1")]
    assert [(w, round(x, 6), d) for w, x, d in second] == [("拓扑优化", 0.4, "d2")]
    # A document matching fewer of the terms does not get the first one's words.
    assert whole_words(query, [("拓扑", 1.0, "d3"), ("优化", 1.0, "d3")], cut) == []
    memo = query_words(query, cut)[3]
    assert len(memo) == 2  # two distinct sets of matched terms, each worked out once
