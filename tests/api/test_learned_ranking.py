"""`recommend` and the learned ranking: hybrid below the threshold of recorded outcomes,
saying so; re-ranked by the learned chance of signing once enough recorded outcomes
exist and the learned ranking beat the hybrid one on later events; invented outcomes
never count towards the threshold."""

from __future__ import annotations

import pytest

from duijie.api.services import outcome_learning
from duijie.api.services.learning_runs import (
    MODEL_BLOB,
    LearningCancelled,
    learn_ranking,
    legacy_model_file,
)
from duijie.api.services.recommendations import recommend_for_need
from duijie.api.services.simulated_outcomes import write_simulated_outcomes
from duijie.evaluation.learning import MIN_OUTCOMES, MIN_SIGNED
from duijie.graph import open_store

# Outcomes that go against the hybrid's order (the more a partner's fields cover the
# need, the less it signs): a learned ranking can only win if it learned from them.
AGAINST_HYBRID = {"intercept": 0.5, "overlap": -4.0, "region_match": 0.0, "history": 0.0}
SIZE = {"enterprises": 120, "experts": 150, "needs": 150, "seed": 3, "meetings_per_firm": 4,
        "truth": AGAINST_HYBRID}


def _store(path, events: int, illustrative: bool):
    store = open_store(str(path))
    write_simulated_outcomes(store, events=events, illustrative=illustrative, **SIZE)
    return store


def _need(store) -> str:
    return next(n.id for n in store.find_nodes("Need", limit=10**6)
                if n.id.startswith("need:gen") and store.neighbours(n.id, "about_topic", "out"))


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """The same simulated office, after 3 events (below the threshold) and after 12."""
    folder = tmp_path_factory.mktemp("learned")
    few = _store(folder / "few.db", 3, illustrative=False)
    many = _store(folder / "many.db", 12, illustrative=False)
    yield few, many
    few.close()
    many.close()


def test_below_the_threshold_the_hybrid_ranking_is_used_and_says_how_far_to_go(grown):
    few, _ = grown
    need = _need(few)
    result = recommend_for_need(few, need, k=5).to_dict()
    ranking = result["ranking"]
    assert ranking["method"] == "hybrid" and ranking["key"] == "analysis_ranking_wait"
    assert ranking["values"]["outcomes"] == 3 * 10 * 4  # every simulated meeting was held
    assert ranking["values"]["min_outcomes"] == MIN_OUTCOMES
    assert ranking["values"]["min_signed"] == MIN_SIGNED
    assert ranking["chance_of_signing"] == {}
    scores = [i["score"] for i in result["items"]]
    assert scores == sorted(scores, reverse=True)


def test_above_the_threshold_recommendations_rerank_by_the_learned_chance(grown):
    _, many = grown
    need = _need(many)
    outcomes, signed = outcome_learning.recorded_outcomes(many)
    assert outcomes >= MIN_OUTCOMES and signed >= MIN_SIGNED
    # Nothing is learned in a request: before a run, the hybrid ranking, saying so.
    before = recommend_for_need(many, need, k=10).to_dict()["ranking"]
    assert before["method"] == "hybrid" and before["key"] == "analysis_ranking_not_learned"
    assert before["values"]["outcomes"] == outcomes
    stages = []
    run = learn_ranking(many, progress=lambda stage, *counts: stages.append(stage))
    assert run.kept and run.reliability and run.against_hybrid
    assert stages[0] == "counting" and "features" in stages and stages[-1] == "keeping"
    assert many.blob_stamp(MODEL_BLOB)  # in the store: every worker and host reads it
    assert not legacy_model_file(many).exists()
    result = recommend_for_need(many, need, k=10).to_dict()
    ranking = result["ranking"]
    assert ranking["method"] == "learned", ranking
    assert ranking["key"] == "analysis_ranking_learned"
    assert ranking["values"]["learned"] > ranking["values"]["hybrid"]
    assert ranking["values"]["learned_from"] == outcomes  # fewer than LEARN_FROM: all
    assert ranking["values"]["learned_at"] == run.learned_at
    assert ranking["values"]["low"] > 0  # the paired bootstrap says the gain is real
    ids = [i["id"] for i in result["items"]]
    chances = [ranking["chance_of_signing"][i] for i in ids]
    assert chances == sorted(chances, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in chances)
    # The learned order is not the hybrid's: outcomes went against it.
    plain = [i["id"] for i in recommend_for_need(
        many, need, k=outcome_learning.RERANK_POOL, config=_default_config()).to_dict()["items"]]
    assert plain[:10] != ids and set(ids) <= set(plain)


def _default_config():
    from duijie.api.services.recommendations import load_config

    return load_config()


def test_invented_outcomes_never_count_towards_the_threshold(tmp_path):
    store = _store(tmp_path / "invented.db", 12, illustrative=True)
    try:
        ranking = recommend_for_need(store, _need(store), k=5).to_dict()["ranking"]
        assert ranking["method"] == "hybrid" and ranking["values"]["outcomes"] == 0
    finally:
        store.close()


def test_a_cancelled_run_keeps_nothing_new(tmp_path):
    store = _store(tmp_path / "cancel.db", 12, illustrative=False)
    try:
        with pytest.raises(LearningCancelled):
            learn_ranking(store, cancelled=lambda: True)
        assert store.blob_stamp(MODEL_BLOB) is None
        assert recommend_for_need(store, _need(store), k=3).to_dict()["ranking"]["key"] == (
            "analysis_ranking_not_learned")
    finally:
        store.close()


def test_a_run_on_a_bolt_store_is_kept_there_for_every_connection(grown, bolt_url, bolt_store):
    """The model is kept in the store itself (`GraphStore.put_blob`), not beside a file:
    learned over Bolt, another connection (another worker or host) uses it."""
    from duijie.api.services.learning_runs import last_run
    from duijie.graph.copy import copy_graph
    from duijie.graph.neo4j_store import Neo4jStore

    _, many = grown
    copy_graph(many, bolt_store)
    run = learn_ranking(bolt_store)
    assert run.kept and bolt_store.blob_stamp(MODEL_BLOB)
    other = Neo4jStore.from_url(bolt_url)
    try:
        kept = last_run(other)
        assert kept is not None and kept[0].learned_at == run.learned_at
        ranking = recommend_for_need(other, _need(other), k=5).to_dict()["ranking"]
        assert ranking["method"] == "learned", ranking
        assert ranking["values"]["learned_at"] == run.learned_at
    finally:
        other.close()


def test_graph_copy_carries_the_learned_model(grown, tmp_path):
    """`duijie graph copy` copies the kept model with the graph: the copy re-ranks with
    the same run, without learning again."""
    import subprocess
    import sys

    from duijie.api.services.learning_runs import last_run
    from duijie.graph.copy import copy_graph

    _, many = grown
    learned = open_store(str(tmp_path / "learned.db"))  # `many` stays unlearned for the others
    copy_graph(many, learned)
    run = learn_ranking(learned)
    learned.close()
    copied = tmp_path / "copied.db"
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "graph", "copy", "--from",
                           str(tmp_path / "learned.db"), "--to", str(copied), "--state",
                           str(tmp_path / "copy.json")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 个保存的模型" in done.stdout and "核对一致：共 " in done.stdout
    target = open_store(str(copied))
    try:
        kept = last_run(target)
        assert kept is not None and kept[0].learned_at == run.learned_at
        ranking = recommend_for_need(target, _need(target), k=5).to_dict()["ranking"]
        assert ranking["method"] == "learned" and ranking["values"]["learned_at"] == run.learned_at
    finally:
        target.close()
