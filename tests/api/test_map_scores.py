"""The innovation map's batch scoring (`matcher.map_scores`) against a need's page
(`Recommender.recommend`, explained) on the seed graph: with one PageRank per need the
strong suppliers, their scores and each need's best are the page's exactly; with the
joint PageRank a map of one need is the same, and only the graph part differs."""

from __future__ import annotations

import pytest

from duijie.api.services.recommendations import shared_recommender
from duijie.api.services.seeding import load_seed
from duijie.graph.errors import InvalidInput
from duijie.graph.sqlite_store import SqliteStore
from duijie.matcher.map_scores import SupplierScores, agreement, strong_suppliers

INDUSTRY = "电机电器"


@pytest.fixture(scope="module")
def rec_and_needs(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("scores") / "seed.db")
    load_seed(store)
    rec = shared_recommender(store).current()
    needs = sorted(n for n, kind in rec.kind_of.items() if kind == "Need")
    yield rec, needs
    store.close()


def pages(rec, needs, k=3, strong=0.6) -> SupplierScores:
    """What the needs' pages say: each kind's k best, explained, one ranking each."""
    out = SupplierScores(strong, "pages")
    for need in needs:
        for kind in ("expert", "institute"):
            items = rec.recommend(need, kind=kind, k=k, available_only=False).items
            out.matches |= {(need, i.id): i.score for i in items if i.score >= strong}
            if items and items[0].score > out.best.get(need, (None, -1.0))[1]:
                out.best[need] = (items[0].id, items[0].score)
    return out


def test_one_pagerank_per_need_gives_the_pages_verdicts_and_scores(rec_and_needs) -> None:
    rec, needs = rec_and_needs
    some = needs[::3]
    expected = pages(rec, some)
    found = strong_suppliers(rec, some, graph="per_need")
    assert found.matches == expected.matches and found.best == expected.best
    verdicts = agreement(found, expected)
    assert verdicts["only_first"] == verdicts["only_second"] == 0
    assert verdicts["strong_both"] > 0 and verdicts["weak_both"] > 0  # both kinds occur
    # a stricter threshold keeps the same best ones and drops the weaker matches
    strict = strong_suppliers(rec, some, graph="per_need", strong=0.75)
    assert strict.best == expected.best
    assert strict.matches == {m: s for m, s in expected.matches.items() if s >= 0.75}


def test_the_pages_verdicts_and_scores_on_a_generated_graph(tmp_path) -> None:
    """The same on a generated graph (the map's scoring bounds and explains only what can
    reach each need's top; the pages rank every need alone): every need's strong
    suppliers, their scores and its best are the pages'."""
    from duijie.api.services.generate import generate_synthetic

    store = SqliteStore(tmp_path / "generated.db")
    generate_synthetic(store=store, enterprises=120, experts=1500, institutes=60, needs=160,
                       seed=3)
    rec = shared_recommender(store).current()
    needs = sorted(n for n, kind in rec.kind_of.items() if kind == "Need")[::4]
    for strong in (0.6, 0.45):
        expected = pages(rec, needs, strong=strong)
        found = strong_suppliers(rec, needs, strong=strong)
        assert found.matches == expected.matches and found.best == expected.best
        verdicts = agreement(found, expected)
        assert verdicts["only_first"] == verdicts["only_second"] == 0
    assert verdicts["strong_both"] > 0 and verdicts["weak_both"] > 0
    store.close()


def test_the_joint_pagerank_differs_only_in_the_graph_part(rec_and_needs) -> None:
    rec, needs = rec_and_needs
    for need in needs[:6]:  # a map of one need: its own seeds only, the page's scores
        one, own = strong_suppliers(rec, [need], graph="joint"), strong_suppliers(rec, [need])
        assert (one.matches, one.best) == (own.matches, own.best)
    many = needs[::3]
    joint, exact = strong_suppliers(rec, many, graph="joint"), strong_suppliers(rec, many)
    assert set(joint.best) == set(exact.best)
    text_only = rec.config.weights["Expert"]["text"] / sum(rec.config.weights["Expert"].values())
    for need, (_, score) in joint.best.items():
        # the text part (at most its weight) is the need's own in both; the graph part
        # (the rest) may move a score anywhere within the graph's share
        assert abs(score - exact.best[need][1]) <= 1 - text_only + 1e-9


def test_bad_requests_are_named(rec_and_needs) -> None:
    rec, needs = rec_and_needs
    for kwargs, where in [({"kinds": ("Programme",)}, "kinds"), ({"k": 0}, "k"),
                          ({"strong": 1.5}, "strong"), ({"graph": "none"}, "graph")]:
        with pytest.raises(InvalidInput) as err:
            strong_suppliers(rec, needs[:1], **kwargs)
        assert err.value.where == where
    with pytest.raises(InvalidInput, match="not known needs"):
        strong_suppliers(rec, ["need:nope"])


def test_explaining_the_strongest_documents_only_changes_nothing(rec_and_needs) -> None:
    """`Recommender.explained_text` reads the rows of the documents that may be among the
    strongest (`contributions(docs=...)`): the words and the share are those of reading
    every row, on institutes with more documents than are read."""
    from duijie.matcher.explain_terms import EXPLAINED_DOCS, whole_words
    from duijie.matcher.recommender import _segmenter
    from duijie.matcher.shown_share import shown_share

    rec, needs = rec_and_needs
    model = rec.text["Institute"]
    many = [p for p in model.profile_ids_ if model.doc_model_.n_docs_[
        model.profile_index_[p]] > EXPLAINED_DOCS]
    compared = reduced = 0
    for need in needs[::2]:
        query = rec.need_query(need)
        cut = query[: model.max_query_chars]
        for candidate in model.profile_ids_:
            rows = model.contributions(query, candidate)
            if len({d for _, _, d in rows}) <= EXPLAINED_DOCS:
                continue
            words = whole_words(cut, rows, _segmenter(model.tokenizer_.extra_terms).cut)
            terms, share = rec.explained_text("Institute", candidate, query)
            assert share == shown_share(cut, rows, words)
            assert {t["term"] for t in terms} <= {w for w, _, _ in words}
            read = model.contributions(query, candidate, docs=EXPLAINED_DOCS)
            assert set(read) <= set(rows)  # whole documents, ties at the last one kept
            compared += 1
            reduced += len(read) < len(rows)
    assert many and compared > 0 and reduced > 0
