"""The seed's organisations never fold into one another by name (issue 10, part 4).

The seed loads by id, so loading it merges nothing; these tests hold the names to the
same rule an import does: the seed's distinct organisations imported as a list create
one organisation each (no merge, no review), and imported again onto the seeded store
every merge is reported by name, with its evidence, into that same organisation.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from tests.illustrative_marks import SEED

FILES = {"enterprise": "enterprises", "institute": "institutes"}


def run(db, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args,
                           "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout)


def seed_list(kind: str, tmp_path) -> tuple[object, dict[int, str]]:
    """The seed's organisations of one kind as an import file, and the seed id of each row."""
    path = tmp_path / f"{FILES[kind]}.csv"
    ids = {}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "region"])
        for row, line in enumerate((SEED / f"{FILES[kind]}.jsonl").read_text(
                encoding="utf-8").splitlines(), start=2):
            record = json.loads(line)
            writer.writerow([record["props"]["name"], record["props"].get("region", "")])
            ids[row] = record["id"]
    return path, ids


@pytest.mark.parametrize("kind", sorted(FILES))
def test_the_seeds_organisations_as_a_list_are_all_distinct(kind, tmp_path):
    path, ids = seed_list(kind, tmp_path)
    report = run(tmp_path / "empty.db", "import", kind, str(path))
    assert (report["created"], report["merged"], report["queued_for_review"]) == (len(ids), 0, 0)
    assert report["merges"] == []


@pytest.mark.parametrize("kind", sorted(FILES))
def test_onto_the_seed_every_merge_is_named_and_into_the_same_organisation(kind, tmp_path):
    db = tmp_path / "seeded.db"
    subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                   check=True, capture_output=True, timeout=300)
    path, ids = seed_list(kind, tmp_path)
    report = run(db, "import", kind, str(path), "--dry-run")
    merges = report["merges"]
    # Every row merged (and reported) or, at worst, queued: never a new organisation
    # beside its own (the office's division, stored with its alias 人工智能处 in brackets,
    # goes to review: only one name says which).
    assert report["created"] == report["queued_for_review"] <= 1
    assert len(merges) == report["merged"] == len(ids) - report["queued_for_review"]
    for merge in merges:
        assert merge["into_id"] == ids[merge["row"]], merge  # never a distinct organisation
        assert merge["name"] and merge["into_name"] and merge["evidence"], merge


def test_seeding_onto_imported_firms_reports_and_queues_every_likely_duplicate(tmp_path):
    """大立科技 imported from a spreadsheet, then the seed (浙江大立科技, ent:dali-technology):
    both stay, the pair is reported by name with its evidence and queued, never merged
    silently; accepting keeps the seed's id, so seeding again reports nothing new."""
    db = tmp_path / "office.db"
    firms = tmp_path / "firms.csv"
    firms.write_text("企业名称,所在地区\n大立科技,杭州\n杭州新松机器人有限公司,杭州\n",
                     encoding="utf-8")
    imported = run(db, "import", "enterprise", str(firms))
    assert imported["created"] == 2
    text = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                          capture_output=True, text=True, timeout=300, check=True).stdout
    assert "可能重复（1），已加入待核对（duijie review list）：" in text
    assert "浙江大立科技 (ent:dali-technology) ~ 大立科技 (" in text
    assert "地区相同：杭州" in text and "same" not in text  # one language: Chinese

    from duijie.api.services.seeding import load_seed
    from duijie.graph.resolution import accept_review
    from duijie.graph.sqlite_store import SqliteStore

    with SqliteStore(db) as store:
        dali = [n for n in store.find_nodes("Enterprise") if n.name == "大立科技"]
        assert len(dali) == 1 and store.get_node("ent:dali-technology").name == "浙江大立科技"
        [item] = store.list_reviews("open")
        assert (item.name, item.candidate_id, item.payload["id"]) == (
            "大立科技", "ent:dali-technology", dali[0].id)
        assert any("the resolver says same" in r for r in item.reasons)
        again = load_seed(store)  # the pair is still open: reported again, queued once
        assert [(d.seed_id, d.stored_id, d.decision) for d in again.possible_duplicates] == [
            ("ent:dali-technology", dali[0].id, "same")]
        assert again.nodes_created == 0 and len(store.list_reviews(None)) == 1
        signed = {e.id for e, _ in store.neighbours("ent:dali-technology")}
        accept_review(store, item.id, "organiser")
        assert store.get_nodes([dali[0].id]) == {}  # folded into the seed's record
        assert "大立科技" in store.get_node("ent:dali-technology").aliases
        after = load_seed(store)
        assert (after.possible_duplicates, after.nodes_created) == ([], 0)
        assert signed <= {e.id for e, _ in store.neighbours("ent:dali-technology")}


def test_seeding_an_empty_or_seeded_store_finds_no_duplicates(tmp_path):
    from duijie.api.services.seeding import load_seed
    from duijie.graph.sqlite_store import SqliteStore

    with SqliteStore(tmp_path / "fresh.db") as store:
        first = load_seed(store)
        assert first.possible_duplicates == [] and first.nodes_created > 0
        # Its own organisations are never candidates: seeding again is quiet.
        assert load_seed(store).to_dict()["possible_duplicates"] == []
        assert store.list_reviews(None) == []


def test_seeding_onto_an_imported_parent_links_each_part_and_reports_it(tmp_path):
    """中国科学院 imported, then the seed, which holds two of its institutes: each is
    linked `part_of` the imported record and listed by name with its evidence, in text
    and JSON; none is merged or queued (accepting a review would merge a part into its
    parent); seeding again changes nothing."""
    db = tmp_path / "office.db"
    institutes = tmp_path / "institutes.csv"
    institutes.write_text("机构名称,所在地区\n中国科学院,北京\n", encoding="utf-8")
    assert run(db, "import", "institute", str(institutes))["created"] == 1
    text = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                          capture_output=True, text=True, timeout=300, check=True).stdout
    assert "隶属（2），已连接为下属单位，未合并：" in text
    assert "中国科学院西安光学精密机械研究所 (inst:xian-institute-of-optics) ⊂ 中国科学院 (" in text
    assert "是 中国科学院 的下属单位：科技战略咨询研究院" in text
    assert "可能重复" not in text

    from duijie.graph.sqlite_store import SqliteStore

    with SqliteStore(db) as store:
        [academy] = [n for n in store.find_nodes("Institute") if n.name == "中国科学院"]
        linked = {e.src: e for e in store.find_edges("part_of", dst=academy.id)}
        assert set(linked) == {"inst:xian-institute-of-optics", "inst:casisd"}
        assert all(e.provenance[0].source == "resolution:seed" for e in linked.values())
        assert store.list_reviews(None) == []
        assert store.get_node("inst:casisd").name == "中国科学院科技战略咨询研究院"
    again = run(db, "seed")
    assert again["nodes_created"] == 0 and again["possible_duplicates"] == []
    assert sorted((p["seed_id"], p["parent_id"], p["parent_name"], p["illustrative"])
                  for p in again["parts"]) == [
        ("inst:casisd", academy.id, "中国科学院", False),
        ("inst:xian-institute-of-optics", academy.id, "中国科学院", False)]
    assert all(p["seed_name"] and p["evidence"] for p in again["parts"])
    with SqliteStore(db) as store:
        assert {e.src for e in store.find_edges("part_of", dst=academy.id)} == set(linked)


def test_seed_matches_name_an_invented_record_with_its_mark(tmp_path):
    """An imported near spelling of an invented seed firm: the seed's report names the
    invented one marked 示意 (and says `illustrative`), the imported spelling as it is."""
    from tests.illustrative_marks import unflagged, unmarked

    db = tmp_path / "office.db"
    firms = tmp_path / "firms.csv"
    firms.write_text("企业名称,所在地区\n示例绍兴钛才科技,绍兴\n", encoding="utf-8")
    run(db, "import", "enterprise", str(firms))
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                          capture_output=True, text=True, timeout=300, check=True).stdout
    assert "示例绍兴钛材科技（示意） (ent:ill-hengtai-titanium) ~ 示例绍兴钛才科技 (" in done
    assert unmarked(done) == []
    again = run(db, "seed")
    [found] = again["possible_duplicates"]
    assert (found["seed_name"], found["illustrative"]) == ("示例绍兴钛材科技（示意）", True)
    assert unflagged(again) == []


def test_seeding_links_an_imported_part_of_a_seed_organisation_and_reports_it(tmp_path):
    """The other direction: 浙江大学计算机科学与技术学院 imported, then the seed adds
    浙江大学 (inst:zhejiang-university). The imported school is linked `part_of` the
    seed's record in the seed's own write, listed by name with its evidence (text and
    JSON), never merged or queued; an imported record already linked to another parent
    keeps that link; seeding again changes nothing."""
    db = tmp_path / "office.db"
    institutes = tmp_path / "institutes.csv"
    institutes.write_text("机构名称,所在地区\n浙江大学计算机科学与技术学院,杭州\n"
                          "上海交通大学医学院,上海\n上海交通大学医学院附属瑞金医院,上海\n"
                          "杭州电子科技大学,杭州\n", encoding="utf-8")
    imported = run(db, "import", "institute", str(institutes))
    assert (imported["created"], imported["merged"], imported["parts"]) == (4, 0, 1)
    text = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                          capture_output=True, text=True, timeout=300, check=True).stdout
    assert "库中已有的种子机构下属单位（2），已连接为下属单位，未合并：" in text
    assert "浙江大学计算机科学与技术学院 (" in text
    assert "⊂ 浙江大学 (inst:zhejiang-university)" in text
    assert "是 浙江大学 的下属单位：计算机科学与技术学院" in text
    assert "可能重复" not in text

    from duijie.graph.sqlite_store import SqliteStore

    with SqliteStore(db) as store:
        by_name = {n.name: n for n in store.find_nodes("Institute")}
        school = by_name["浙江大学计算机科学与技术学院"]
        [edge] = store.find_edges("part_of", src=school.id)
        assert edge.dst == "inst:zhejiang-university"
        assert edge.provenance[0].source == "resolution:seed"
        assert "part of 浙江大学: 计算机科学与技术学院" in edge.provenance[0].quote
        assert store.get_node("inst:zhejiang-university").name == "浙江大学"  # not merged
        assert store.list_reviews(None) == []
        # 上海交通大学医学院 goes under the seed's 上海交通大学; the hospital the import
        # linked to the imported 医学院 stays linked there only.
        medicine = by_name["上海交通大学医学院"]
        hospital = by_name["上海交通大学医学院附属瑞金医院"]
        assert [e.dst for e in store.find_edges("part_of", src=medicine.id)] == ["inst:sjtu"]
        assert [e.dst for e in store.find_edges("part_of", src=hospital.id)] == [medicine.id]
        assert store.find_edges("part_of", src=by_name["杭州电子科技大学"].id) == []
    again = run(db, "seed")
    assert again["nodes_created"] == 0 and again["possible_duplicates"] == []
    assert sorted((p["part_name"], p["part_id"], p["seed_id"], p["seed_name"], p["illustrative"])
                  for p in again["stored_parts"]) == [
        ("上海交通大学医学院", medicine.id, "inst:sjtu", "上海交通大学", False),
        ("浙江大学计算机科学与技术学院", school.id, "inst:zhejiang-university", "浙江大学",
         False)]
    assert all(p["evidence"] for p in again["stored_parts"])
    with SqliteStore(db) as store:
        assert len(store.find_edges("part_of", src=school.id)) == 1


def test_an_imported_part_is_linked_only_if_the_seed_is_written(tmp_path):
    """All or nothing: a seed batch that fails (here a seed folder whose last edge names
    a node nobody has) writes neither the seed nor the link of the imported part."""
    import shutil

    from duijie.api.services.seeding import load_seed, seed_folder
    from duijie.graph.errors import InvalidInput
    from duijie.graph.sqlite_store import SqliteStore

    broken = tmp_path / "seed"
    shutil.copytree(seed_folder(), broken, ignore=shutil.ignore_patterns("*.py", "build",
                                                                         "__pycache__"))
    with (broken / "edges.jsonl").open("a", encoding="utf-8") as edges:
        edges.write(json.dumps({"src": "inst:zhejiang-university", "kind": "located_in",
                                "dst": "reg:nowhere", "props": {}, "provenance": [
                                    {"source": "test", "quote": "none"}]}) + "\n")
    db = tmp_path / "office.db"
    institutes = tmp_path / "institutes.csv"
    institutes.write_text("机构名称\n浙江大学计算机科学与技术学院\n", encoding="utf-8")
    run(db, "import", "institute", str(institutes))
    with SqliteStore(db) as store:
        before = store.counts()
        [school] = [n for n in store.find_nodes("Institute")]
        with pytest.raises(InvalidInput, match="unknown nodes"):
            load_seed(store, broken)
        assert store.counts() == before
        assert store.find_edges("part_of") == []
        assert [(p.part_id, p.seed_id) for p in load_seed(store).stored_parts] == [
            (school.id, "inst:zhejiang-university")]
        assert [e.dst for e in store.find_edges("part_of", src=school.id)] == [
            "inst:zhejiang-university"]
