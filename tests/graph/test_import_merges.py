"""Every merge an import makes is reported by name with its evidence, --dry-run shows
them before writing, affiliations become part_of edges, and `duijie resolve --file`
answers a list one row a line: on a real SQLite file and through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from duijie.api.services.io import import_data
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import iter_edges, iter_nodes

ROOT = Path(__file__).resolve().parents[2]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def run_cli(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUIJIE_DB": str(db), **(env or {})}
    env.pop("DUIJIE_GRAPH", None)
    return subprocess.run([sys.executable, "-m", "duijie.api.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


STORED = [["企业名称", "所在地区"], ["恒锋工具股份有限公司", "嘉兴"], ["山东路桥", "济南"]]
INCOMING = [["企业名称", "所在地区"],
            ["恒峰工具", "嘉兴"],  # row 2: a homophone of a stored firm, same city
            ["四川路桥", "成都"],  # row 3: shares only a generic core: a new firm
            ["杭州新松机器人有限公司", "杭州"],  # row 4: new
            ["新松机器人有限公司", "杭州"],  # row 5: the same firm as row 4
            ["恒锋工具股份有限公司嘉兴分公司", "嘉兴"]]  # row 6: a branch: part_of


def test_every_merge_is_reported_by_name_with_its_evidence(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "m.db") as store:
        import_data(store, "企业", write_csv(tmp_path / "stored.csv", STORED))
        result = import_data(store, "企业", write_csv(tmp_path / "in.csv", INCOMING))
        merges = {m.row: m for m in result.merges}
        assert sorted(merges) == [2, 5] and result.merged == 2
        assert (merges[2].name, merges[2].into_name, merges[2].within_file) == (
            "恒峰工具", "恒锋工具股份有限公司", False)
        assert "same region: 嘉兴" in merges[2].evidence
        assert (merges[5].name, merges[5].into_name, merges[5].within_file) == (
            "新松机器人有限公司", "杭州新松机器人有限公司", True)
        assert merges[5].evidence
        names = {n.name for n in iter_nodes(store, "Enterprise")}
        assert {"四川路桥", "山东路桥", "恒锋工具股份有限公司嘉兴分公司"} <= names
        parts = [(e.src, e.dst) for e in iter_edges(store) if e.kind == "part_of"]
        assert result.parts == 1 and len(parts) == 1
        assert store.get_node(parts[0][1]).name == "恒锋工具股份有限公司"
        assert result.to_dict()["merges"][0] == {
            "row": 2, "name": "恒峰工具", "into_id": merges[2].into_id,
            "into_name": "恒锋工具股份有限公司", "within_file": False,
            "evidence": merges[2].evidence, "illustrative": False}


def test_a_division_imported_after_its_office_is_linked_part_of_and_reported(
        tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "gov.db") as store:
        import_data(store, "机构", write_csv(tmp_path / "offices.csv", [
            ["机构名称", "所在地区"], ["浙江省经济和信息化厅", "杭州"],
            ["工业和信息化部", "北京"]]))
        result = import_data(store, "机构", write_csv(tmp_path / "divisions.csv", [
            ["机构名称", "所在地区"], ["浙江省经济和信息化厅技术创新处", "杭州"],
            ["工业和信息化部科技司", "北京"]]))
        assert (result.parts, result.merged, result.queued_for_review) == (2, 0, 0)
        parts = {store.get_node(e.src).name: store.get_node(e.dst).name
                 for e in iter_edges(store) if e.kind == "part_of"}
        assert parts == {"浙江省经济和信息化厅技术创新处": "浙江省经济和信息化厅",
                         "工业和信息化部科技司": "工业和信息化部"}
        assert len(list(iter_nodes(store, "Institute"))) == 4



def test_a_parent_imported_after_its_parts_gets_them_linked(tmp_path: Path) -> None:
    """The other order: the parts stored first (or an earlier row of the same file), the
    parent imported after them; each part is linked `part_of` the new parent, never
    merged or queued; a part already under a parent keeps that link only."""
    with SqliteStore(tmp_path / "order.db") as store:
        import_data(store, "机构", write_csv(tmp_path / "parts.csv", [
            ["机构名称"], ["南京大学新闻传播学院"], ["北京邮电大学(宏福校区)"],
            ["国家知识产权局专利局"]]))
        result = import_data(store, "机构", write_csv(tmp_path / "parents.csv", [
            ["机构名称"], ["南京大学"], ["北京邮电大学"], ["国家知识产权局"]]))
        assert (result.created, result.parts, result.merged, result.queued_for_review) == (
            3, 3, 0, 0)
        # In one file: the school before its university, the hospital after its school.
        inside = import_data(store, "机构", write_csv(tmp_path / "one.csv", [
            ["机构名称"], ["浙江大学医学院"], ["浙江大学"], ["浙江大学医学院附属第一医院"]]))
        assert (inside.created, inside.parts, inside.merged) == (3, 2, 0)
        parts = {store.get_node(e.src).name: store.get_node(e.dst).name
                 for e in iter_edges(store) if e.kind == "part_of"}
        assert parts == {"南京大学新闻传播学院": "南京大学",
                         "北京邮电大学(宏福校区)": "北京邮电大学",
                         "国家知识产权局专利局": "国家知识产权局",
                         "浙江大学医学院": "浙江大学",
                         "浙江大学医学院附属第一医院": "浙江大学医学院"}
        assert store.list_reviews(None) == []

def test_dry_run_shows_the_merges_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    stored = write_csv(tmp_path / "stored.csv", STORED)
    assert run_cli("import", "企业", str(stored), db=db).returncode == 0
    with SqliteStore(db) as store:
        before = sorted(n.id for n in iter_nodes(store))
    incoming = write_csv(tmp_path / "in.csv", INCOMING)
    done = run_cli("import", "企业", str(incoming), "--dry-run", db=db)
    assert done.returncode == 0, done.stderr
    assert "试运行，未写入任何内容" in done.stdout
    assert "第 2 行：恒峰工具 → 恒锋工具股份有限公司" in done.stdout
    assert "第 5 行：新松机器人有限公司 → 杭州新松机器人有限公司" in done.stdout
    assert "本文件前面的行" in done.stdout and "地区相同：嘉兴" in done.stdout
    english = run_cli("import", "企业", str(incoming), "--dry-run", db=db,
                      env={"DUIJIE_LANG": "en"})
    assert "row 2: 恒峰工具 → 恒锋工具股份有限公司" in english.stdout
    assert "an earlier row of this file" in english.stdout and "same region: 嘉兴" in english.stdout
    as_json = json.loads(run_cli("import", "企业", str(incoming), "--dry-run", "--json",
                                 db=db).stdout)
    assert as_json["dry_run"] is True and [m["row"] for m in as_json["merges"]] == [2, 5]
    with SqliteStore(db) as store:
        assert sorted(n.id for n in iter_nodes(store)) == before
        assert store.list_reviews(None) == []


def test_dry_run_on_a_database_that_does_not_exist_creates_no_file(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    incoming = write_csv(tmp_path / "in.csv", INCOMING)
    done = run_cli("import", "企业", str(incoming), "--dry-run", db=db)
    assert done.returncode == 0, done.stderr
    assert "试运行，未写入任何内容" in done.stdout and "数据库尚不存在" in done.stdout
    as_json = json.loads(run_cli("import", "企业", str(incoming), "--dry-run", "--json",
                                 db=db).stdout)
    # Checked as against a new, empty database: row 5 still folds into row 4.
    assert (as_json["created"], as_json["merged"]) == (4, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert run_cli("import", "企业", str(incoming), db=db).returncode == 0  # a real run creates it
    assert db.exists()


def test_resolve_file_answers_one_row_a_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert run_cli("import", "企业", str(write_csv(tmp_path / "s.csv", STORED)),
                   db=db).returncode == 0
    names = write_csv(tmp_path / "names.csv", [
        ["名称", "地区"], ["恒峰工具", "嘉兴"], ["四川路桥", "成都"], ["山东路桥", ""]])
    done = run_cli("resolve", "--file", str(names), db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2\t恒峰工具\t同一机构\t恒锋工具股份有限公司")
    assert lines[1].startswith("3\t四川路桥\t不同机构\t（新机构）")
    assert lines[2].startswith("4\t山东路桥\t同一机构\t山东路桥")
    answers = [json.loads(line) for line in
               run_cli("resolve", "--file", str(names), "--json", db=db).stdout.splitlines()]
    assert [a["decision"] for a in answers] == ["same", "different", "same"]
    assert set(answers[0]) == {"row", "query", "decision", "node_id", "name", "score",
                               "reasons", "illustrative"}
    bare = tmp_path / "bare.csv"
    bare.write_text("恒峰工具\n山东路桥\n", encoding="utf-8")
    bare_lines = run_cli("resolve", "--file", str(bare), db=db).stdout.splitlines()
    assert [line.split("\t")[:2] for line in bare_lines] == [["1", "恒峰工具"],
                                                            ["2", "山东路桥"]]


def test_resolve_file_refuses_blank_names_with_their_row(tmp_path: Path) -> None:
    names = write_csv(tmp_path / "names.csv", [["名称", "地区"], ["恒峰工具", "嘉兴"],
                                               ["", "成都"]])
    db = tmp_path / "x.db"
    assert run_cli("import", "企业", str(write_csv(tmp_path / "s.csv", STORED)),
                   db=db).returncode == 0
    done = run_cli("resolve", "--file", str(names), db=db)
    assert done.returncode == 2
    assert done.stderr.strip() == "错误：names.csv：1 行没有名称\n  第 3 行，名称：为空"
    done = run_cli("resolve", "--file", str(names), db=db, env={"DUIJIE_LANG": "en"})
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: names.csv: 1 row(s) without a name\n"
                                   "  row 3, name: is empty")
