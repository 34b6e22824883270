"""`duijie evaluate affinity` as a user meets it: real files, a real subprocess."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from tests.api.test_cli import run

ENGLISH = {**os.environ, "DUIJIE_LANG": "en"}

DATA = Path(__file__).resolve().parents[2] / "evaluation" / "data" / "text_quality"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The packaged labelled set as labels (3 for a right answer, 0 otherwise), and the
    product's own BM25 and TF-IDF scores of it."""
    folder = tmp_path_factory.mktemp("evaluate")
    queries = [json.loads(line) for line in (DATA / "queries.jsonl").open(encoding="utf-8")]
    profiles = [json.loads(line)["id"] for line in (DATA / "profiles.jsonl").open()]
    labels = folder / "labels.jsonl"
    with labels.open("w", encoding="utf-8") as out:
        for q in queries:
            for p in profiles:
                out.write(json.dumps({"query": q["id"], "profile": p,
                                      "label": 3 if p in q["relevant"] else 0}) + "\n")
    out = {"labels": labels}
    for weighting in ("bm25", "tfidf"):
        out[weighting] = folder / f"{weighting}.jsonl"
        done = run("affinity", "--profiles", str(DATA / "profiles.jsonl"), "--queries",
                   str(DATA / "queries.jsonl"), "--out", str(out[weighting]), "--weighting",
                   weighting)
        assert done.returncode == 0, done.stderr
    return out


def _sklearn_ndcg(labels: Path, scores: Path, k: int) -> float:
    truth, got = {}, {}
    for line in labels.open():
        r = json.loads(line)
        truth.setdefault(r["query"], {})[r["profile"]] = r["label"]
    for line in scores.open():
        r = json.loads(line)
        got.setdefault(r["query"], {})[r["profile"]] = r["score"]
    values = []
    for q, row in truth.items():
        # Duijie breaks ties by profile id (stated in evaluation.protocol); give sklearn
        # that order as distinct scores, so only the NDCG arithmetic is compared.
        order = sorted(row, key=lambda p: (-got[q][p], p))
        position = {p: len(order) - i for i, p in enumerate(order)}
        values.append(ndcg_score([[row[p] for p in order]], [[position[p] for p in order]],
                                 k=k))
    return float(np.mean(values))


def test_two_scorers_measured_and_compared(files):
    done = run("evaluate", "affinity", "--labels", str(files["labels"]), "--scores",
               str(files["bm25"]), "--scores", f"tfidf={files['tfidf']}", "-k", "5", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["queries"] == 116 and data["k"] == 5
    assert list(data["comparison"]["scorers"]) == ["bm25", "tfidf"]
    for name in ("bm25", "tfidf"):
        ndcg = data["comparison"]["scorers"][name]["ndcg"]
        assert ndcg["value"] == pytest.approx(_sklearn_ndcg(files["labels"], files[name], 5),
                                              abs=1e-6)
        assert ndcg["low"] <= ndcg["value"] <= ndcg["high"]
    row = data["table"][1]
    assert row["scorer"] == "tfidf" and row["difference"] == pytest.approx(
        data["comparison"]["scorers"]["tfidf"]["ndcg"]["value"]
        - data["comparison"]["scorers"]["bm25"]["ndcg"]["value"], abs=1e-6)
    text = run("evaluate", "affinity", "--labels", str(files["labels"]), "--scores",
               str(files["bm25"]))
    assert text.returncode == 0 and "bm25: NDCG " in text.stdout and "召回率 " in text.stdout
    assert "recall" not in text.stdout and "labelled pairs" not in text.stdout  # Chinese


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("labels,scores,message", [
    (['{"query": "q", "profile": "a", "label": 7}'],
     ['{"query": "q", "profile": "a", "score": 1}'],
     "L.jsonl, line 1, label: 7 is not a label: give a whole number from 0 to 5"),
    (['{"query": "q", "profile": "a", "label": 2.5}'],
     ['{"query": "q", "profile": "a", "score": 1}'], "2.5 is not a label"),
    (['{"query": "q", "profile": "a", "label": 3}'],
     ['{"query": "q", "profile": "b", "score": 1}', '{"query": "q", "profile": "a", '
      '"score": NaN}'], "S.jsonl, line 2, score: nan is not a finite number"),
    (['{"query": "q", "profile": "a", "label": 3}'],
     ['{"query": "q", "profile": "a", "score": Infinity}'], "is not a finite number"),
    (['{"query": "q", "profile": "a", "label": 3}', '{"query": "q", "profile": "b", '
      '"label": 0}'], ['{"query": "q", "profile": "a", "score": 1}'],
     "1 labelled pair(s) have no score, first q × b (L.jsonl, line 2)"),
    (['{"query": "q", "profile": "a", "label": 3}', '{"query": "q", "profile": "a", '
      '"label": 1}'], ['{"query": "q", "profile": "a", "score": 1}'],
     "is labelled twice (first on line 1)"),
    ([""], ['{"query": "q", "profile": "a", "score": 1}'], "has no records"),
])
def test_bad_input_is_refused_with_file_and_line(tmp_path: Path, labels, scores, message):
    done = run("evaluate", "affinity", "--labels", str(_write(tmp_path / "L.jsonl", labels)),
               "--scores", str(_write(tmp_path / "S.jsonl", scores)), env=ENGLISH)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_refusal_reads_in_chinese_by_default(tmp_path: Path) -> None:
    """The same refusals in the CLI's default language: the file, line and field named."""
    labels = _write(tmp_path / "L.jsonl", ['{"query": "q", "profile": "a", "label": 7}'])
    scores = _write(tmp_path / "S.jsonl", ['{"query": "q", "profile": "a", "score": 1}'])
    done = run("evaluate", "affinity", "--labels", str(labels), "--scores", str(scores))
    assert (done.returncode, done.stderr.strip()) == (
        2, "错误：L.jsonl，第 1 行，标注：7 不是标注：请给 0 到 5 的整数")
    done = run("evaluate", "affinity", "--labels", str(labels), "--scores", str(scores),
               "-k", "0")
    assert (done.returncode, done.stderr.strip()) == (2, "错误：k：0 须为不小于 1 的整数")
