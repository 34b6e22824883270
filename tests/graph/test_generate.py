"""The synthetic graph generator: deterministic, valid, loadable, with matching text."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from duijie.api.services.seeding import load_seed, seed_vocabulary
from duijie.graph.errors import InvalidInput
from duijie.graph.generate import generate_graph, record_to_json, write_jsonl
from duijie.graph.jsonl import parse_jsonl
from duijie.graph.model import Edge, Node, check_endpoint_kinds, validate_edge, validate_node
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch, iter_edges, iter_nodes

SMALL = {"n_enterprises": 40, "n_experts": 120, "n_institutes": 10, "n_needs": 150}
VOCABULARY = seed_vocabulary()


@pytest.fixture(scope="module")
def small():
    return list(generate_graph(**SMALL, seed=11, vocabulary=VOCABULARY))


def test_same_seed_same_graph_other_seed_other_graph(small):
    again = list(generate_graph(**SMALL, seed=11, vocabulary=VOCABULARY))
    assert [record_to_json(r) for r in again] == [record_to_json(r) for r in small]
    other = list(generate_graph(**SMALL, seed=12, vocabulary=VOCABULARY))
    assert [record_to_json(r) for r in other] != [record_to_json(r) for r in small]


def test_a_generated_firm_is_named_after_its_industry_and_works_in_its_fields() -> None:
    """No 纺织 name in 航空航天: a firm's name carries a word of its own industry and no
    other industry's, and its topics (so its technology needs) are of its industry's
    fields."""
    from duijie.graph.generate_text import INDUSTRY_FIELDS, INDUSTRY_WORDS

    records = list(generate_graph(n_enterprises=400, n_experts=0, n_institutes=0,
                                  n_needs=300, seed=5, vocabulary=VOCABULARY))
    nodes = {r.id: r for r in records if isinstance(r, Node)}
    root = {e.src: e.dst for e in VOCABULARY[1] if e.kind == "part_of"}
    firms = [n for n in nodes.values() if n.kind == "Enterprise"]
    assert len({f.props["industry"] for f in firms}) >= 20
    topics: dict[str, set[str]] = {}
    for r in records:
        if isinstance(r, Edge) and r.kind == "has_expertise" and r.src in nodes \
                and nodes[r.src].kind == "Enterprise":
            topics.setdefault(r.src, set()).add(nodes[root[r.dst]].props["name"])
    usable = set().union(*topics.values())  # the fields with words to write needs in
    assert len(usable) >= 10
    for firm in firms:
        industry, name = firm.props["industry"], firm.props["name"]
        own = INDUSTRY_WORDS[industry]
        assert any(word in name for word in own), (name, industry)
        others = {w for ind, words in INDUSTRY_WORDS.items() if ind != industry for w in words
                  if not any(w in o or o in w for o in own)}
        assert not [w for w in others if w in name], (name, industry)
        fields = set(INDUSTRY_FIELDS[industry])
        if fields & usable:  # (金融服务's field has no words of its own: any field)
            assert topics[firm.id] <= fields, (name, topics[firm.id])


def test_counts_match_the_arguments(small):
    generated = Counter(r.kind for r in small if isinstance(r, Node) and ":gen-" in r.id)
    assert generated == {"Enterprise": 40, "Expert": 120, "Institute": 10, "Need": 150}
    submitted = [r for r in small if isinstance(r, Edge) and r.kind == "submitted"]
    assert len(submitted) == 150


def test_everything_validates_and_every_edge_joins_known_nodes_of_the_right_kinds(small):
    kinds = {}
    for record in small:
        if isinstance(record, Node):
            validate_node(record)
            kinds[record.id] = record.kind
        else:
            validate_edge(record)
            # nodes come before the edges that touch them
            assert record.src in kinds and record.dst in kinds, record
            check_endpoint_kinds(record, kinds[record.src], kinds[record.dst])


def test_generated_records_are_marked_generated_and_illustrative(small):
    vocabulary_ids = {n.id for n in seed_vocabulary()[0]}
    for record in small:
        if isinstance(record, Node) and record.id in vocabulary_ids:
            continue
        if isinstance(record, Edge) and record.kind == "part_of":
            continue
        assert [p.source for p in record.provenance] == ["generated"], record
        assert record.props.get("illustrative") is True, record


def test_experts_have_docs_and_needs_speak_the_topic_vocabulary(small):
    vocab_nodes, _ = seed_vocabulary()
    topics = {n.id: n for n in vocab_nodes if n.kind == "Topic"}
    experts = [r for r in small if isinstance(r, Node) and r.kind == "Expert"]
    assert all(2 <= len(x.props["docs"]) <= 5 for x in experts)
    assert all(d["text"] for x in experts for d in x.props["docs"])
    about = {r.src: r.dst for r in small if isinstance(r, Edge) and r.kind == "about_topic"}
    needs = [r for r in small if isinstance(r, Node) and r.kind == "Need"]
    for need in needs:
        topic = topics[about[need.id]]
        words = [topic.props["name"], *topic.props["synonyms"], *topic.props["tags"]]
        text = need.props["title"] + need.props["text"]
        assert any(w in text for w in words), (need.props, words)
    assert {n.props["need_type"] for n in needs} == {
        "technology", "problem", "policy", "financing", "talent"}
    assert any(n.confidentiality == "confidential" for n in needs)
    firms = [r for r in small if isinstance(r, Node) and r.kind == "Enterprise"]
    assert any("revenue_wan" not in f.props for f in firms)


def test_loads_into_a_real_store_and_leaves_the_seed_unchanged(small, db_path):
    store = SqliteStore(db_path)
    load_seed(store)
    seed_topics = [n.to_dict() for n in iter_nodes(store, "Topic")]
    before = store.counts()
    batch = WriteBatch()
    for record in small:
        (batch.upsert_edge if isinstance(record, Edge) else batch.upsert_node)(record)
    store.apply(batch)
    store.close()
    store = SqliteStore(db_path)
    after = store.counts()
    assert after["nodes"]["Expert"] == before["nodes"]["Expert"] + 120
    assert after["nodes"]["Need"] == before["nodes"]["Need"] + 150
    assert [n.to_dict() for n in iter_nodes(store, "Topic")] == seed_topics
    generated_edges = [e for e in iter_edges(store) if ":gen-" in e.src]
    assert len(generated_edges) == sum(1 for r in small if isinstance(r, Edge)
                                       and ":gen-" in r.src)
    store.close()


@pytest.mark.parametrize(("kwargs", "where"), [
    ({"n_experts": -1}, "n_experts"),
    ({"n_institutes": 0, "n_experts": 5}, "n_institutes"),
    ({"n_enterprises": 0, "n_needs": 5}, "n_enterprises"),
])
def test_bad_counts_are_refused(kwargs, where):
    with pytest.raises(InvalidInput, match=where):
        list(generate_graph(**{**SMALL, **kwargs}, vocabulary=VOCABULARY))


def test_write_jsonl_round_trips(small, tmp_path):
    path = tmp_path / "g.jsonl"
    counts = write_jsonl(small, path)
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    assert counts == {"nodes": sum(isinstance(r, Node) for r in small),
                      "edges": sum(isinstance(r, Edge) for r in small)}
    assert json.loads(header) == {"type": "header", "format": "duijie-graph", "version": 1,
                                  **counts}
    records = [json.loads(line) for line in lines]
    back = [Edge.from_dict({k: v for k, v in d.items() if k != "type"}) if d["type"] == "edge"
            else Node.from_dict({k: v for k, v in d.items() if k != "type"}) for d in records]
    assert back == small
    assert not list(tmp_path.glob("*.part"))


def test_a_generated_file_is_what_import_reads(small, tmp_path):
    path = tmp_path / "g.jsonl"
    counts = write_jsonl(small, path)
    _batch, problems, read = parse_jsonl(path)
    assert problems == [] and read == counts


def _duijie(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_cli_generate_to_a_file_is_deterministic(tmp_path):
    sizes = ["--enterprises", "15", "--experts", "30", "--institutes", "4", "--needs", "20"]
    for name in ("a.jsonl", "b.jsonl"):
        done = _duijie("generate", "--out", str(tmp_path / name), *sizes, "--seed", "5",
                       "--json")
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    # …and `duijie import` reads what `generate --out` wrote, into a real store file.
    db = tmp_path / "gen.db"
    loaded = _duijie("--db", str(db), "import", "graph", str(tmp_path / "a.jsonl"), "--json")
    assert loaded.returncode == 0, loaded.stderr
    counted = json.loads(_duijie("--db", str(db), "stats", "--json").stdout)
    header = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert sum(counted["nodes"].values()) == header["nodes"]
    assert json.loads(done.stdout)["nodes"] == len(seed_vocabulary()[0]) + 15 + 30 + 4 + 20


def test_what_generate_writes_is_imported_by_naming_the_file_alone(tmp_path):
    """A new user's two commands: `generate --out FILE`, then `import FILE` (the file
    says in its first line that it is a graph export, so no KIND is needed); a
    spreadsheet name for JSON Lines is refused before anything is written."""
    out = tmp_path / "graph.jsonl"
    made = _duijie("generate", "--out", str(out), "--enterprises", "5", "--experts", "6",
                   "--institutes", "2", "--needs", "4", "--json")
    assert made.returncode == 0, made.stderr
    db = tmp_path / "office.db"
    loaded = _duijie("--db", str(db), "import", str(out), "--json")
    assert loaded.returncode == 0, loaded.stderr
    report = json.loads(loaded.stdout)
    assert report["format"] == "graph"
    assert report["nodes"] == json.loads(made.stdout)["nodes"] and report["created"] > 0
    counted = json.loads(_duijie("--db", str(db), "stats", "--json").stdout)
    assert counted["nodes"]["Need"] == 4
    for name in ("graph.csv", "graph.XLSX"):
        refused = _duijie("generate", "--out", str(tmp_path / name), "--enterprises", "2")
        assert refused.returncode == 2
        assert "names a spreadsheet, but generate writes JSON Lines" in refused.stderr
        assert "--out" in refused.stderr and not (tmp_path / name).exists()


def test_cli_generate_into_the_store(db_path):
    done = _duijie("--db", str(db_path), "generate", "--enterprises", "10", "--experts", "25",
                   "--institutes", "3", "--needs", "12", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(_duijie("--db", str(db_path), "stats", "--json").stdout)
    assert stats["nodes"]["Expert"] == 25 and stats["nodes"]["Need"] == 12
    bad = _duijie("--db", str(db_path), "generate", "--experts", "-3")
    assert bad.returncode != 0 and "-3" in bad.stderr


def test_every_generated_text_speaks_only_its_own_fields_words(small):
    """Issue 10: a generated need or expert document reads as written by someone of one
    field: its technical terms all come from that field's list (`graph.fields`)."""
    from duijie.graph.fields import FIELDS, foreign_terms

    about = {r.src: r.dst for r in small if isinstance(r, Edge) and r.kind == "about_topic"}
    needs = [r for r in small if isinstance(r, Node) and r.kind == "Need"]
    for need in needs:
        slug = about[need.id].removeprefix("topic:")
        assert slug in FIELDS, need.id
        assert foreign_terms(need.props["title"] + need.props["text"], slug) == set(), need.props
    expertise: dict[str, list[str]] = {}
    for r in small:
        if isinstance(r, Edge) and r.kind == "has_expertise" and r.src.startswith("exp:"):
            expertise.setdefault(r.src, []).append(r.dst.removeprefix("topic:"))
    experts = [r for r in small if isinstance(r, Node) and r.kind == "Expert"]
    for expert in experts:
        for doc in expert.props["docs"]:
            text = doc["title"] + doc["text"]
            assert any(foreign_terms(text, slug) == set() for slug in expertise[expert.id]), doc
    # The rule has teeth: the old templates' mix of areas is caught.
    assert foreign_terms("采用深度学习揭示了氧化钒薄膜失效的机理", "infrared-detection")
