"""Learning the ranking runs as a job on a real server with two workers: started from
the API (or the page), its stage and progress readable from any worker, cancellable;
recommendations never wait for it and use the last finished model once it ends."""

from __future__ import annotations

import pytest

from duijie.api.services.simulated_outcomes import write_simulated_outcomes
from duijie.graph import open_store
from tests.api.test_learned_ranking import SIZE, _need
from tests.web.server import PASSWORD, Server, add_user, ended_job, signed_in


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    db = tmp_path_factory.mktemp("learning") / "office.db"
    store = open_store(str(db))
    write_simulated_outcomes(store, events=12, illustrative=False, **SIZE)
    need = _need(store)
    store.close()
    add_user(db, "wang", "organiser", PASSWORD, "--name", "王老师")
    add_user(db, "li", "organiser", PASSWORD, "--scope", "丽水")
    running = Server(db, seed=False, workers=2)
    yield running, need
    running.close()


def _wait(api, job_id: str) -> dict:
    return ended_job(api, f"/api/analysis/learn/{job_id}", seconds=600)


def test_learning_is_a_job_and_recommendations_never_wait_for_it(office):
    server, need = office
    with signed_in(server, "wang") as api:
        url = f"/api/needs/{need}/recommendations"
        before = api.get(url, params={"k": 5}).json()["ranking"]
        assert before["method"] == "hybrid" and before["key"] == "analysis_ranking_not_learned"
        started = api.post("/api/analysis/learn")
        assert started.status_code == 202, started.text
        job = started.json()
        assert job["kind"] == "learn" and job["status"] in ("pending", "running")
        again = api.post("/api/analysis/learn")
        if api.get(f"/api/analysis/learn/{job['id']}").json()["status"] == "running":
            assert again.status_code in (202, 409)  # 202 only if the first ended between
        during = api.get(url, params={"k": 5})
        assert during.status_code == 200  # answered while learning runs, never waiting
        done = _wait(api, job["id"])
        assert done["status"] == "done", done
        assert done["stage"] == "keeping" and done["steps"] >= 4
        result = done["result"]
        assert result["note"]["key"] == "analysis_ranking_learned" and result["kept"]
        assert result["reliability"] and result["against_hybrid"]["real"]
        for _ in range(4):  # either worker: the model is read from beside the store
            ranking = api.get(url, params={"k": 5}).json()["ranking"]
            assert ranking["method"] == "learned", ranking
            assert ranking["values"]["learned_at"] == result["learned_at"]
        page = signed_in(server, "wang", cookie=True).get("/analysis")
        assert page.status_code == 200
        assert 'id="learning-run"' in page.text and "可靠性曲线" in page.text
        assert 'id="learn-form"' in page.text
        report = api.get("/api/analysis", params={"rank_events": 0}).json()
        assert report["learning"]["source"] == "last_run"
        assert report["learning"]["reliability"] == result["reliability"]


def test_a_cancelled_run_leaves_the_last_model_and_a_regional_organiser_may_not_start(office):
    server, need = office
    with signed_in(server, "wang") as api:
        kept = _wait(api, api.post("/api/analysis/learn").json()["id"])  # a model to keep
        second = api.post("/api/analysis/learn").json()
        cancelled = api.delete(f"/api/analysis/learn/{second['id']}")
        assert cancelled.status_code == 200
        ended = _wait(api, second["id"])
        assert ended["status"] in ("cancelled", "done")
        if ended["status"] == "cancelled":
            ranking = api.get(f"/api/needs/{need}/recommendations").json()["ranking"]
            assert ranking["values"]["learned_at"] == kept["result"]["learned_at"]
        assert api.get("/api/analysis/learn/deadbeef").status_code == 404
    with signed_in(server, "li") as regional:
        refused = regional.post("/api/analysis/learn")
        assert refused.status_code == 403
        assert 'id="learn-form"' not in signed_in(server, "li", cookie=True).get("/analysis").text
