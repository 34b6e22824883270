"""The share of a text score the shown words carry: the bound is never below the exact
share, and ranking with bounds gives the same top k as explaining every candidate."""

from __future__ import annotations

from datetime import date

import pytest

from duijie.api.services.recommendations import shared_recommender
from duijie.matcher.explain_terms import whole_words
from duijie.matcher.ranking import _shown_words_carry_the_text
from duijie.matcher.recommend import combine, normalise
from duijie.matcher.shown_share import share_bounds, shown_share
from duijie.matcher.text import TextAffinity
from duijie.matcher.tokenize import _segmenter

KINDS = ("Expert", "Institute", "Programme", "Enterprise")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from duijie.api.services.seeding import load_seed
    from duijie.graph.sqlite_store import SqliteStore

    store = SqliteStore(tmp_path_factory.mktemp("seed") / "duijie.db")
    load_seed(store)
    yield shared_recommender(store, today=date(2026, 1, 1)).current()
    store.close()


def exact_share(model: TextAffinity, query: str, profile_id: str) -> float:
    rows = model.contributions(query, profile_id)
    text = query[: model.max_query_chars]
    words = whole_words(text, rows, _segmenter(model.tokenizer_.extra_terms).cut)
    return shown_share(text, rows, words)


def test_the_bound_is_never_below_the_exact_share_on_the_seed(seeded):
    rec = seeded
    needs = [n for n, k in rec.kind_of.items() if k == "Need"]
    checked = below_one = 0
    for need in needs:
        query = rec.need_query(need)
        for kind in KINDS:
            candidates = sorted(rec.text_scores(kind, query, narrowed=True)) if query else []
            if not candidates:
                continue
            bounds = rec.share_bounds(kind, query, candidates)
            for c in candidates:
                exact = rec.explained_text(kind, c, query)[1]
                assert bounds[c] >= exact, (need, kind, c, bounds[c], exact)
                checked += 1
                below_one += bounds[c] < 0.999
    # the bound is worth having: it is below 1 for a good part of the candidates
    assert checked > 500 and below_one > checked // 4


@pytest.mark.parametrize("params", [
    {"aggregation": "concat", "fusion_rule": None},
    {"aggregation": "max", "fusion_rule": None},
    {"aggregation": "concat", "fusion_rule": "sum_sqrt", "fusion_weight": 0.5},
])
def test_the_bound_holds_for_every_index_layout(params):
    profiles = [
        {"id": "a", "docs": [{"id": "a1", "text": "压力传感器 标定 企业 长期合作"},
                             {"id": "a2", "text": "MEMS pressure sensors calibration"}]},
        {"id": "b", "docs": [{"id": "b1", "text": "电力传感器 电流互感器 计量"}]},
        {"id": "c", "docs": [{"id": "c1", "text": "专家 需求 对接 优化 项目"},
                             {"id": "c2", "text": "红外探测器 读出电路 降噪"}]},
        {"id": "d", "docs": [{"id": "d1", "text": "碳化硅外延 功率器件 SiC功率模块"}]},
    ]
    model = TextAffinity(**params).fit(profiles)
    cut = _segmenter(model.tokenizer_.extra_terms).cut
    queries = ["需要压力传感器标定专家，长期合作", "SiC功率器件碳化硅外延缺陷",
               "MEMS sensors for pressure calibration", "红外探测器读出电路噪声优化需求"]
    for query in queries:
        bounds = share_bounds(model, query, ["a", "b", "c", "d"], cut)
        for pid, bound in bounds.items():
            assert 0.0 <= bound <= 1.0
            assert bound >= exact_share(model, query, pid), (query, pid)
    # a profile that matches only generic words is bounded near zero
    assert share_bounds(model, "专家需求对接", ["c"], cut)["c"] < 0.01


def test_ranking_with_bounds_explains_fewer_and_chooses_the_same(seeded):
    rec = seeded
    needs = [n for n, k in rec.kind_of.items() if k == "Need"]
    fewer = 0
    for need in needs:
        query = rec.need_query(need)
        for kind in ("Expert", "Institute"):
            text = rec.text_scores(kind, query, narrowed=True) if query else {}
            if len(text) < 3:
                continue
            weights = rec.config.weights[kind]
            runs = []
            for bound in (None, lambda cs, kind=kind, query=query:
                          rec.share_bounds(kind, query, cs)):
                used = {"text": normalise(text), "graph": {c: 0.0 for c in text}}
                pool = combine(used, weights)
                read = []

                def read_words(c, kind=kind, query=query, read=read):
                    read.append(c)
                    return rec.explained_text(kind, c, query)

                chosen, _ = _shown_words_carry_the_text(read_words, pool, used, weights, 3,
                                                        bound=bound)
                runs.append((chosen, [pool[c] for c in chosen], len(read)))
            (plain, plain_scores, plain_read), (bounded, bounded_scores, bounded_read) = runs
            assert bounded == plain and bounded_scores == plain_scores, (need, kind)
            assert bounded_read <= plain_read
            fewer += bounded_read < plain_read
    assert fewer > 0


def test_bounds_read_from_term_columns_equal_the_rows_bit_for_bit(monkeypatch):
    """Profiles of many (or long) documents keep their per-document model's term columns
    (`fusion._columns`); their bounds are then summed from the query terms' postings,
    and must be the rows' sums exactly, for profiles added after the fit too."""
    import random

    from duijie.matcher import fusion

    rng = random.Random(8)
    words = ["红外", "探测器", "降噪", "碳纤维", "复合材料", "固化", "专家", "长期合作",
             "电池", "老化", "激光", "光学", "相机", "企业", "传感器", "标定"]
    profiles = [{"id": f"i{i}", "docs": [
        {"id": f"i{i}/{j}", "text": " ".join(rng.choice(words) for _ in range(rng.randint(2, 9)))}
        for j in range(rng.randint(5, 30))]} for i in range(40)]
    monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 10 ** 12)
    by_rows = TextAffinity(fusion_depth=15).fit(profiles)
    monkeypatch.setattr(fusion, "ROWS_OR_COLUMNS", 100)
    by_terms = TextAffinity(fusion_depth=15).fit(profiles)
    assert "cols_" not in vars(by_rows.doc_model_) and "cols_" in vars(by_terms.doc_model_)
    added = [{"id": "new", "docs": [{"id": "new/0", "text": "红外 探测器 噪声 光学"}]}]
    for model in (by_rows, by_terms):
        model.add_profiles(added)
    ids = [p["id"] for p in profiles] + ["new"]
    cut = _segmenter(by_rows.tokenizer_.extra_terms).cut
    below_one = 0
    for query in ("红外探测器降噪专家", "碳纤维复合材料固化 长期合作", "电池老化激光标定",
                  "企业专家"):
        rows = share_bounds(by_rows, query, ids, cut)
        terms = share_bounds(by_terms, query, ids, cut)
        assert rows == terms  # bit for bit
        assert terms["new"] == 1.0  # added after the fit: not bounded
        below_one += sum(b < 0.999 for b in terms.values())
        for pid in ids[:10]:
            assert terms[pid] >= exact_share(by_terms, query, pid)
        # asked again, in batches of another size, from the kept query: the same bounds
        assert {p: b for i in range(0, len(ids), 7)
                for p, b in share_bounds(by_terms, query, ids[i:i + 7], cut).items()} == terms
    assert below_one > 20  # the bounds are not all 1
