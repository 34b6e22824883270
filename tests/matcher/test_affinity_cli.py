"""`duijie affinity` end to end: a real subprocess, real files, the exact line format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.affinity import run_affinity

ROOT = Path(__file__).resolve().parents[2]
PROFILES = [
    {"id": "xiopm", "docs": [{"id": "x1", "text": "非制冷红外探测器研制"},
                             {"id": "x2", "text": "空间光学遥感相机"}]},
    {"id": "composites", "docs": [{"id": "c1", "text": "碳纤维复合材料成型工艺"}]},
    {"id": "tum", "docs": [{"id": "t1", "text": "Lithium-ion battery ageing"}]},
]
QUERIES = [{"id": "n1", "text": "红外探测器灵敏度不够"},
           {"id": "n2", "text": "Battery pack ageing tests 电池"}]


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def duijie(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (write_jsonl(tmp_path / "P.jsonl", PROFILES),
            write_jsonl(tmp_path / "Q.jsonl", QUERIES), tmp_path / "S.jsonl")


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_pair_in_the_exact_format(files) -> None:
    p, q, out = files
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = read_out(out)
    assert all(list(r) == ["query", "profile", "score"] for r in rows)
    assert {(r["query"], r["profile"]) for r in rows} == {
        (qq["id"], pp["id"]) for qq in QUERIES for pp in PROFILES}
    best = {qid: max((r for r in rows if r["query"] == qid), key=lambda r: r["score"])
            for qid in ("n1", "n2")}
    assert best["n1"]["profile"] == "xiopm" and best["n2"]["profile"] == "tum"
    assert rows == run_affinity(PROFILES, QUERIES)  # the CLI is the Python function


def test_top_k_keeps_the_best_per_query(files) -> None:
    p, q, out = files
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                    "--top", "1")
    assert result.returncode == 0, result.stderr
    assert [(r["query"], r["profile"]) for r in read_out(out)] == [("n1", "xiopm"),
                                                                   ("n2", "tum")]


def test_malformed_line_names_file_and_line(files) -> None:
    p, q, out = files
    q.write_text(q.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out))
    assert result.returncode == 2
    assert "Q.jsonl, line 3" in result.stderr and "not valid JSON" in result.stderr
    assert not out.exists()


def test_empty_text_in_a_profile_names_its_line(files) -> None:
    p, q, out = files
    write_jsonl(p, [*PROFILES, {"id": "e", "docs": [{"id": "d", "text": "  "}]}])
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out))
    assert result.returncode == 2
    assert "P.jsonl, line 4, docs[0], field text" in result.stderr


@pytest.mark.parametrize("top", ["0", "-1"])
def test_non_positive_top_is_refused(files, top) -> None:
    p, q, out = files
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                    "--top", top)
    assert result.returncode == 2 and "top" in result.stderr


def test_huge_top_gives_every_pair(files) -> None:
    p, q, out = files
    duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
           "--top", "1000000")
    assert len(read_out(out)) == len(PROFILES) * len(QUERIES)


def test_empty_file_is_an_error_not_an_empty_output(files) -> None:
    p, q, out = files
    q.write_text("\n", encoding="utf-8")
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out))
    assert result.returncode == 2 and "has no records" in result.stderr


@pytest.mark.parametrize("query, message", [
    ({"id": "x", "text": "！？。"}, "no searchable terms"),
    ({"id": "x", "text": ""}, "is empty"),
    ({"id": "x"}, "field text"),
    ({"text": "红外"}, "field id"),
    ("红外", "must be an object"),
])
def test_bad_queries_raise_naming_the_record(query, message) -> None:
    with pytest.raises(InvalidInput, match=message) as err:
        run_affinity(PROFILES, [QUERIES[0], query])
    assert "queries[1]" in str(err.value)


def test_duplicate_query_ids_are_refused() -> None:
    with pytest.raises(InvalidInput, match="duplicate"):
        run_affinity(PROFILES, [QUERIES[0], QUERIES[0]])


def test_help_states_the_default_weighting_it_uses(files) -> None:
    from duijie.matcher.text import TextAffinity

    assert TextAffinity().weighting == "bm25"
    help_text = " ".join(duijie("affinity", "--help").stdout.split())
    assert "default bm25: Okapi BM25" in help_text and "TF-IDF)" in help_text
    # The fusion and semantic weights it states are the ones the code uses, per language.
    from duijie.matcher.fusion import FUSION_WEIGHT_BY_LANGUAGE
    from duijie.matcher.semantic import SEMANTIC_WEIGHT_BY_GROUP

    assert FUSION_WEIGHT_BY_LANGUAGE == {"zh": 0.5, "en": 0.0}
    assert "a Chinese query scores each profile by the whole text (0.5) fused with" in help_text
    assert "an English query by the whole text alone" in help_text
    from duijie.matcher.fusion import TITLE_WEIGHT_BY_LANGUAGE

    assert TITLE_WEIGHT_BY_LANGUAGE == {"zh": 0.1, "en": 0.0}
    assert ("that (0.9) fused with its documents' first lines (titles) scored alone (0.1)"
            in help_text)
    assert ("(0.6 both Chinese, 0.03 both English, 0.8 across)" in help_text
            and SEMANTIC_WEIGHT_BY_GROUP == {"zh": 0.6, "en": 0.03, "cross": 0.8})
    p, q, out = files
    result = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                    "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"out": str(out), "scores": 6, "queries": 2,
                                         "profiles": 3, "top": None, "weighting": "bm25",
                                         "semantic": False}
    assert read_out(out) == run_affinity(PROFILES, QUERIES, weighting="bm25")
    tfidf = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                   "--weighting", "tfidf")
    assert tfidf.returncode == 0, tfidf.stderr
    assert read_out(out) == run_affinity(PROFILES, QUERIES, weighting="tfidf")


@pytest.mark.skipif(not __import__("duijie.matcher.semantic", fromlist=["available"]).available(),
                    reason="duijie[semantic] is not installed")
def test_semantic_finds_an_english_profile_for_a_chinese_need(tmp_path) -> None:
    profiles = [{"id": "ir", "docs": [{"id": "1", "text": "Uncooled infrared focal plane "
                                                          "arrays and thermal cameras"}]},
                {"id": "cf", "docs": [{"id": "2", "text": "Carbon fibre reinforced composites"}]},
                {"id": "bt", "docs": [{"id": "3", "text": "Lithium-ion battery ageing"}]}]
    queries = [{"id": "q", "text": "热像仪的红外探测器噪声太大"}]
    p, q, out = tmp_path / "p.jsonl", tmp_path / "q.jsonl", tmp_path / "s.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in profiles), "utf-8")
    q.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in queries), "utf-8")
    words = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                   "--top", "1")
    assert words.returncode == 0, words.stderr
    assert read_out(out)[0]["score"] == 0  # no word in common
    meaning = duijie("affinity", "--profiles", str(p), "--queries", str(q), "--out", str(out),
                     "--top", "1", "--semantic", "--json")
    assert meaning.returncode == 0, meaning.stderr
    assert json.loads(meaning.stdout)["semantic"] is True
    assert read_out(out) == run_affinity(profiles, queries, top=1, semantic=True)
    assert read_out(out)[0]["profile"] == "ir" and read_out(out)[0]["score"] > 0
